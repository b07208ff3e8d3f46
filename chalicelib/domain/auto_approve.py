"""A seller's auto-approve rules: which buyer requests the seller accepts in advance (seller-tools.md, T5-T9).

A rule only ever decides a request that would otherwise wait for the seller (rule 3): product.md decides
first, so a refused request stays refused and an unpaid or grace-period one keeps its own cause. The first
enabled rule that matches, in the order of the set, approves the request at once.
"""

from collections.abc import Callable, Sequence

import msgspec

from .enums import PAID_UNSHIPPED, OrderStatus
from .errors import Conflict, InvalidRequest
from .limits import MAX_AUTO_APPROVE_RULES, MAX_RULE_NAME_LENGTH
from .model import Cancellation, Order
from .reasons import BuyerReason

# The statuses a rule may name: those a request can wait for the seller in (rule 1, after payment).
RULE_STATUSES = tuple(status for status in OrderStatus if status in PAID_UNSHIPPED)
DEFAULT_STATUSES = (OrderStatus.AWAITING_SHIPMENT,)


class MaxRefund(msgspec.Struct, frozen=True):
    amount: int  # minor units
    currency: str


class Rule(msgspec.Struct, frozen=True, kw_only=True):
    rule_id: str
    name: str
    enabled: bool = True
    buyer_reasons: tuple[BuyerReason, ...] = ()  # empty: any reason
    order_statuses: tuple[OrderStatus, ...] = DEFAULT_STATUSES
    max_refund: MaxRefund | None = None  # None: any refund
    whole_order_only: bool = False


class RuleSet(msgspec.Struct, frozen=True):
    """A seller's whole set; `version` counts its replacements (0: never set)."""

    rules: tuple[Rule, ...] = ()
    version: int = 0


class Draft(msgspec.Struct, frozen=True, kw_only=True):
    """A rule as the seller sends it: `rule_id` only to keep an existing rule's id."""

    rule_id: str | None = None
    name: str
    enabled: bool = True
    buyer_reasons: tuple[BuyerReason, ...] = ()
    order_statuses: tuple[OrderStatus, ...] = DEFAULT_STATUSES
    max_refund: MaxRefund | None = None
    whole_order_only: bool = False


def matches(rule: Rule, order: Order, request: Cancellation) -> bool:
    """Whether `rule` accepts `request` on `order` (T6): an enabled rule whose every condition holds."""
    if not rule.enabled or order.status not in rule.order_statuses:
        return False
    if rule.buyer_reasons and request.reason not in rule.buyer_reasons:
        return False
    if rule.whole_order_only and not request.whole_order:
        return False
    if rule.max_refund is not None:
        refund = request.refund_amount
        # A ceiling is money in one currency: an order in another never matches it.
        if refund is None or rule.max_refund.currency != order.currency or refund > rule.max_refund.amount:
            return False
    return True


def matching_rule(rules: Sequence[Rule], order: Order, request: Cancellation) -> Rule | None:
    return next((rule for rule in rules if matches(rule, order, request)), None)


def _invalid(index: int, field: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, code="INVALID_FIELD", details={"path": f"$.rules[{index}].{field}"})


def replace_set(current: RuleSet, drafts: Sequence[Draft], version: int, new_id: Callable[[], str]) -> RuleSet:
    """The set that replaces `current` (T5), decided from the `version` the seller last read (stale: 409)."""
    if version != current.version:
        raise Conflict("The rules changed since they were read: read them again.", code="RULES_VERSION_CONFLICT",
                       details={"current": {"version": current.version}})
    if len(drafts) > MAX_AUTO_APPROVE_RULES:
        raise InvalidRequest(f"At most {MAX_AUTO_APPROVE_RULES} rules.", code="INVALID_FIELD",
                             details={"path": "$.rules"})
    known = {rule.rule_id for rule in current.rules}
    kept: set[str] = set()
    rules = []
    for index, draft in enumerate(drafts):
        if not draft.name.strip() or len(draft.name) > MAX_RULE_NAME_LENGTH:
            raise _invalid(index, "name", f"A rule's name is 1-{MAX_RULE_NAME_LENGTH} characters, not blank.")
        if len(set(draft.buyer_reasons)) != len(draft.buyer_reasons):
            raise _invalid(index, "buyer_reasons", "A buyer reason is listed more than once.")
        if not draft.order_statuses or len(set(draft.order_statuses)) != len(draft.order_statuses) \
                or not set(draft.order_statuses) <= set(RULE_STATUSES):
            raise _invalid(index, "order_statuses", "order_statuses are distinct, of "
                           + " and ".join(s.value for s in RULE_STATUSES) + ".")
        if draft.max_refund is not None and draft.max_refund.amount < 0:
            raise _invalid(index, "max_refund.amount", "max_refund is not negative.")
        if draft.rule_id is not None and (draft.rule_id not in known or draft.rule_id in kept):
            raise _invalid(index, "rule_id", "rule_id names a rule of the current set, once; leave it out for a "
                           "new rule.")
        rule_id = draft.rule_id or new_id()
        kept.add(rule_id)
        rules.append(Rule(rule_id=rule_id, name=draft.name, enabled=draft.enabled,
                          buyer_reasons=draft.buyer_reasons, order_statuses=draft.order_statuses,
                          max_refund=draft.max_refund, whole_order_only=draft.whole_order_only))
    return RuleSet(tuple(rules), current.version + 1)
