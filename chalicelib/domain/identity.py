"""Who is calling, as the verified token says; never taken from the path, query or body."""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SELLER = "seller"
    BUYER = "buyer"
    PLATFORM = "platform"


@dataclass(frozen=True, slots=True)
class Identity:
    sub: str
    role: Role
    seller_id: str | None = None
    buyer_id: str | None = None
