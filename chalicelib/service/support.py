"""The support desk's cancel (docs/support-desk.md): the party's own decider, with the operator on record."""

from datetime import datetime

from ..domain import support
from ..domain.enums import Actor
from ..domain.identity import Identity
from ..domain.model import Cancellation
from ..domain.money import LineRequest
from ..domain.policy import Policy
from . import commands
from .executor import Decider


def cancel_on_behalf(identity: Identity, order_id: str, party: Actor, reason: str, comment: str | None,
                     act: support.SupportAct, now: datetime, policy: Policy,
                     line_items: list[LineRequest] | None = None) -> Decider[Cancellation]:
    """The seller's cancel or the buyer's request, decided by the same code with the same rules, reasons and
    fault (SD2, SD3): the operator may see every order, so the order's own party is the one acted for."""
    if party is Actor.SELLER:
        return commands.seller_cancel(identity, order_id, support.seller_reason(reason), comment, now, policy,
                                      line_items, support=act)
    return commands.request_cancellation(identity, order_id, support.buyer_reason(reason), comment, now, policy,
                                         line_items, support=act)
