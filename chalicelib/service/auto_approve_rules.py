"""Reading and replacing a seller's auto-approve rules. A replacement writes the settings item only: requests
already pending keep waiting for the seller (T8)."""

import uuid

from ..domain import auto_approve
from ..domain.auto_approve import Draft, RuleSet
from ..domain.identity import Identity
from ..store import seller_settings


def new_rule_id() -> str:
    return "rule_" + uuid.uuid4().hex


def _seller(identity: Identity) -> str:
    assert identity.seller_id is not None
    return identity.seller_id


def rules(identity: Identity) -> RuleSet:
    return seller_settings.get_rules(_seller(identity))


def replace(identity: Identity, drafts: list[Draft], version: int) -> RuleSet:
    """One GetItem and one conditional PutItem. A replacement that lands between them is a stale version like
    any other: the domain decides again from the set now stored and answers its 409."""
    seller_id = _seller(identity)
    while True:
        current = seller_settings.get_rules(seller_id)
        decided = auto_approve.replace_set(current, drafts, version, new_rule_id)
        try:
            seller_settings.put_rules(seller_id, decided, current.version)
        except seller_settings.StaleRules:
            continue
        return decided
