"""Who is calling, as the verified token says; never taken from the path, query or body."""

from enum import StrEnum

import msgspec


class Role(StrEnum):
    SELLER = "seller"
    BUYER = "buyer"
    PLATFORM = "platform"


class Identity(msgspec.Struct, frozen=True):
    sub: str
    role: Role
    seller_id: str | None = None
    buyer_id: str | None = None
