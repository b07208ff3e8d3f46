"""Who is calling, as the verified token says; never taken from the path, query or body."""

from enum import StrEnum

import msgspec


class Role(StrEnum):
    SELLER = "seller"
    BUYER = "buyer"
    PLATFORM = "platform"
    OPERATOR = "operator"  # the marketplace's support desk (docs/support-desk.md)


class Identity(msgspec.Struct, frozen=True):
    sub: str
    role: Role
    seller_id: str | None = None
    buyer_id: str | None = None
    operator_id: str | None = None

    def may_see(self, seller_id: str, buyer_id: str) -> bool:
        """A party sees its own objects only: a seller its shop's, a buyer its own, the platform and operators
        every one.
        Everything else is as absent as a missing object (404, never 403: existence is not revealed)."""
        if self.role is Role.SELLER:
            return self.seller_id is not None and self.seller_id == seller_id
        if self.role is Role.BUYER:
            return self.buyer_id is not None and self.buyer_id == buyer_id
        return self.role in (Role.PLATFORM, Role.OPERATOR)
