"""The support desk (docs/support-desk.md): who pressed the button, and an operator acting for a party.

An operator's cancel is the party's own cancel with the party's rules, reasons and fault (SD2, SD3); only the
record of who acted differs (SD4, SD5).
"""

from typing import Any

import msgspec

from .enums import Actor, ActorRole
from .errors import reason_not_allowed
from .reasons import BuyerReason, SellerCancelReason


class ActedBy(msgspec.Struct, frozen=True):
    """Who pressed the button that made a cancellation: `ticket` only for an operator (SD5)."""

    role: ActorRole
    id: str
    ticket: str | None = None


class SupportAct(msgspec.Struct, frozen=True):
    """An operator acting on a party's behalf under a support ticket, with an optional note (SD2)."""

    operator_id: str
    ticket: str
    note: str | None = None

    @property
    def acted_by(self) -> ActedBy:
        return ActedBy(ActorRole.OPERATOR, self.operator_id, self.ticket)


_PARTY_ROLES = {Actor.BUYER: ActorRole.BUYER, Actor.SELLER: ActorRole.SELLER}


def acted_by(party: Actor, party_id: str, support: SupportAct | None) -> ActedBy:
    """The actor a new cancellation stores: the operator when one acted, else the party itself (SD5)."""
    if support is not None:
        return support.acted_by
    return ActedBy(_PARTY_ROLES.get(party, ActorRole.SYSTEM), party_id)


def derived(initiator: Actor, seller_id: str, buyer_id: str) -> ActedBy:
    """The actor of a cancellation stored before actors were: operators did not act then, so the party that
    initiated it pressed the button; a cancellation of the system's own is the system's (SD5)."""
    if initiator is Actor.BUYER:
        return ActedBy(ActorRole.BUYER, buyer_id)
    if initiator is Actor.SELLER:
        return ActedBy(ActorRole.SELLER, seller_id)
    return ActedBy(ActorRole.SYSTEM, initiator.value.lower())


def entry_fields(party: Actor, party_id: str, support: SupportAct | None) -> dict[str, Any]:
    """A history entry's actor fields: the party's own, or the operator's with its ticket, the party acted for
    and its note (SD4)."""
    if support is None:
        return {"actor": party, "actor_id": party_id}
    return {"actor": Actor.OPERATOR, "actor_id": support.operator_id, "ticket": support.ticket,
            "on_behalf_of": party, "operator_note": support.note}


def seller_reason(reason: str) -> SellerCancelReason:
    """The reason as the seller's cancel takes it: a buyer's reason (or any other) is the seller's refusal (SD3)."""
    try:
        return SellerCancelReason(reason)
    except ValueError:
        raise reason_not_allowed(reason[:64], [r.value for r in SellerCancelReason],
                                 "for a cancel on the seller's behalf") from None


def buyer_reason(reason: str) -> BuyerReason:
    """The reason as the buyer's request takes it (SD3)."""
    try:
        return BuyerReason(reason)
    except ValueError:
        raise reason_not_allowed(reason[:64], [r.value for r in BuyerReason],
                                 "for a request on the buyer's behalf") from None
