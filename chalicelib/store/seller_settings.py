"""A seller's auto-approve rules: one item per seller, read with one consistent GetItem and replaced whole with
one conditional PutItem on the version it was read at."""

import msgspec
from pynamodb.exceptions import DoesNotExist, PutError

from ..domain.auto_approve import Rule, RuleSet
from .models import SellerSettingsItem

_RULES = msgspec.json.Decoder(tuple[Rule, ...])


class StaleRules(Exception):
    """The set was replaced after it was read."""


def get_rules(seller_id: str) -> RuleSet:
    try:
        item = SellerSettingsItem.get(seller_id, consistent_read=True)
    except DoesNotExist:
        return RuleSet()
    return RuleSet(_RULES.decode(item.auto_approve_rules), int(item.version))


def put_rules(seller_id: str, rules: RuleSet, was: int) -> None:
    """Writes `rules` if the stored set is still at version `was` (0: none stored yet)."""
    item = SellerSettingsItem(seller_id, auto_approve_rules=msgspec.json.encode(rules.rules).decode(),
                              version=rules.version)
    condition = SellerSettingsItem.seller_id.does_not_exist() if was == 0 else SellerSettingsItem.version == was
    try:
        item.save(condition=condition)
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise StaleRules() from error
        raise
