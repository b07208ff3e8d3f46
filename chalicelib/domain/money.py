"""Line items and money: which lines a cancellation takes off an order, what it refunds, and whether it is the
whole order.

Amounts are integers in minor units of the order's currency (like `unit_price`); nothing here goes through
floating point.
"""

from collections.abc import Sequence

import msgspec
from msgspec.structs import replace

from .errors import InvalidRequest
from .limits import MAX_LINES
from .model import CancelledLine, LineItem, Order

TIMES = "\N{MULTIPLICATION SIGN}"


class LineRequest(msgspec.Struct, frozen=True):
    """A line a buyer or seller asks to cancel: some quantity of one SKU of the order."""

    sku: str
    quantity: int


def _invalid_line(line: int | None, message: str, **details: object) -> InvalidRequest:
    return InvalidRequest(message, code="INVALID_LINE_ITEMS", details={"line": line, **details})


def ensure_unique_skus(items: Sequence[LineItem]) -> None:
    """A SKU appears at most once per order: a cancellation names its lines by SKU."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.sku in seen:
            raise InvalidRequest(f"SKU {item.sku} appears more than once in the order.", code="DUPLICATE_SKU",
                                 details={"path": f"$.items[{index}].sku", "sku": item.sku})
        seen.add(item.sku)


def lines_to_cancel(order: Order, wanted: Sequence[LineRequest] | None) -> tuple[CancelledLine, ...]:
    """What a cancellation takes off `order`: the lines asked for, or every remaining item when none are.

    A SKU not in the order, one listed twice, a quantity below 1 or above what remains of the line is refused
    (INVALID_LINE_ITEMS, `details.line` = its index in the request). The lines come in the order's own order.
    """
    if wanted is None:
        return tuple(CancelledLine(i.sku, i.remaining, i.remaining * i.unit_price)
                     for i in order.items if i.remaining > 0)
    if not wanted:
        raise _invalid_line(None, "List at least one line to cancel, or leave line_items out to cancel every item.")
    if len(wanted) > MAX_LINES:
        raise _invalid_line(None, f"At most {MAX_LINES} lines can be cancelled at once.", max_lines=MAX_LINES)
    lines = {item.sku: item for item in order.items}
    asked: dict[str, int] = {}
    for index, request in enumerate(wanted):
        line = lines.get(request.sku)
        if line is None:
            raise _invalid_line(index, f"SKU {request.sku} is not in the order.", sku=request.sku)
        if request.sku in asked:
            raise _invalid_line(index, f"SKU {request.sku} is listed more than once.", sku=request.sku)
        # bool is an int in Python: refuse it as well, and anything else that is not a whole number.
        if type(request.quantity) is not int or request.quantity < 1:
            raise _invalid_line(index, f"The quantity of {request.sku} must be a whole number of at least 1.",
                                sku=request.sku)
        if request.quantity > line.remaining:
            raise _invalid_line(index, f"Only {line.remaining} of {request.sku} remain to cancel.",
                                sku=request.sku, remaining=line.remaining)
        asked[request.sku] = request.quantity
    return tuple(CancelledLine(i.sku, asked[i.sku], asked[i.sku] * i.unit_price)
                 for i in order.items if i.sku in asked)


def is_whole_order(order: Order, lines: Sequence[CancelledLine]) -> bool:
    """Whether `lines` take every remaining item off the order (listing them all is a whole-order cancel)."""
    cancelled = {line.sku: line.quantity for line in lines}
    return all(cancelled.get(item.sku, 0) == item.remaining for item in order.items)


def refund_of(order: Order, lines: Sequence[CancelledLine]) -> int | None:
    """The money a cancellation of `lines` returns to the buyer, or None when the order is unpaid."""
    if order.paid_at is None:
        return None
    return sum(line.amount for line in lines)


def cancel_lines(items: Sequence[LineItem], lines: Sequence[CancelledLine]) -> tuple[LineItem, ...]:
    """The order's lines once `lines` are cancelled. Never over-cancels: the lines were checked against these
    very items (`lines_to_cancel`), and a request pending on the order keeps any other cancellation away."""
    taken = {line.sku: line.quantity for line in lines}
    if set(taken) - {item.sku for item in items}:
        raise ValueError(f"cancelled lines not in the order: {sorted(set(taken) - {i.sku for i in items})}")
    result = []
    for item in items:
        quantity = taken.get(item.sku, 0)
        if quantity > item.remaining:
            raise ValueError(f"{item.sku}: cancelling {quantity} of {item.remaining} remaining")
        result.append(replace(item, cancelled_quantity=item.cancelled_quantity + quantity) if quantity else item)
    return tuple(result)


def nothing_remains(items: Sequence[LineItem]) -> bool:
    return all(item.remaining == 0 for item in items)


class CountedLine(msgspec.Struct, frozen=True):
    """Some quantity of one SKU: what accepted cancellations took off an order's line."""

    sku: str
    quantity: int


def cancelled_counts(lines: Sequence[CancelledLine] | Sequence[LineItem]) -> tuple[CountedLine, ...]:
    """Each line with something cancelled, and how many: the handover warning's items."""
    counted = (CountedLine(line.sku, line.cancelled_quantity if isinstance(line, LineItem) else line.quantity)
               for line in lines)
    return tuple(line for line in counted if line.quantity)


def describe(lines: Sequence[CancelledLine] | Sequence[LineItem]) -> str:
    """`SKU-A \N{MULTIPLICATION SIGN} 1, SKU-B \N{MULTIPLICATION SIGN} 2`: what is cancelled, for people (the
    handover warning)."""
    return ", ".join(f"{line.sku} {TIMES} {line.quantity}" for line in cancelled_counts(lines))
