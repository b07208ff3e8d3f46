"""DynamoDB's condition, key condition and update expressions over wire items (`{"attr": {"S": "x"}}`).

Enough of the grammar for what PynamoDB writes: comparisons, BETWEEN, IN, AND/OR/NOT, the functions
attribute_exists, attribute_not_exists, attribute_type, begins_with, contains and size; SET (with +, -,
if_not_exists, list_append), REMOVE, ADD and DELETE on top-level attributes.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Wire = dict[str, Any]  # one attribute value: {"S": "x"}, {"N": "1"}, ...
Item = dict[str, Wire]

_TOKEN = re.compile(r"\s*(<>|<=|>=|[=<>(),.\[\]+-]|#\w+|:\w+|\w+)")
_COMPARATORS = {"=", "<>", "<", "<=", ">", ">="}


class ExpressionError(ValueError):
    """An expression outside what the model understands (a bug in the model, not in the caller)."""


def _tokens(text: str) -> list[str]:
    out, at = [], 0
    text = text.strip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise ExpressionError(f"cannot read {text[at:]!r} in {text!r}")
        out.append(match.group(1))
        at = match.end()
    return out


@dataclass(frozen=True, slots=True)
class Path:
    parts: tuple[str | int, ...]

    def get(self, item: Item) -> Wire | None:
        value: Any = {"M": item}
        for part in self.parts:
            if isinstance(part, int):
                if "L" not in value or part >= len(value["L"]):
                    return None
                value = value["L"][part]
            else:
                if "M" not in value or part not in value["M"]:
                    return None
                value = value["M"][part]
        result: Wire = value
        return result


@dataclass(frozen=True, slots=True)
class Value:
    wire: Wire


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Between:
    subject: Any
    low: Any
    high: Any


@dataclass(frozen=True, slots=True)
class In:
    subject: Any
    options: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Logic:
    op: str  # AND, OR
    left: Any
    right: Any


@dataclass(frozen=True, slots=True)
class Not:
    inner: Any


class _Parser:
    def __init__(self, text: str, names: dict[str, str] | None, values: dict[str, Wire] | None):
        self.tokens = _tokens(text)
        self.at = 0
        self.names = names or {}
        self.values = values or {}
        self.text = text

    def peek(self, offset: int = 0) -> str | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token.upper() != expected):
            raise ExpressionError(f"expected {expected or 'more'} at token {self.at} of {self.text!r}")
        self.at += 1
        return token

    def done(self) -> bool:
        return self.at == len(self.tokens)

    # conditions
    def condition(self) -> Any:
        node = self.conjunction()
        while (self.peek() or "").upper() == "OR":
            self.take()
            node = Logic("OR", node, self.conjunction())
        return node

    def conjunction(self) -> Any:
        node = self.negation()
        while (self.peek() or "").upper() == "AND":
            self.take()
            node = Logic("AND", node, self.negation())
        return node

    def negation(self) -> Any:
        if (self.peek() or "").upper() == "NOT":
            self.take()
            return Not(self.negation())
        return self.primary()

    def primary(self) -> Any:
        if self.peek() == "(":
            self.take()
            node = self.condition()
            self.take(")")
            return node
        if self.peek(1) == "(" and (self.peek() or "").lower() != "size":
            return self.call()
        subject = self.operand()
        op = (self.peek() or "").upper()
        if op in _COMPARATORS:
            self.take()
            return Compare(op, subject, self.operand())
        if op == "BETWEEN":
            self.take()
            low = self.operand()
            self.take("AND")
            return Between(subject, low, self.operand())
        if op == "IN":
            self.take()
            self.take("(")
            options = [self.operand()]
            while self.peek() == ",":
                self.take()
                options.append(self.operand())
            self.take(")")
            return In(subject, tuple(options))
        raise ExpressionError(f"no comparison at token {self.at} of {self.text!r}")

    def call(self) -> Call:
        name = self.take().lower()
        self.take("(")
        args = [self.operand()]
        while self.peek() == ",":
            self.take()
            args.append(self.operand())
        self.take(")")
        return Call(name, tuple(args))

    def operand(self) -> Any:
        token = self.peek()
        if token is None:
            raise ExpressionError(f"missing operand in {self.text!r}")
        if token.startswith(":"):
            self.take()
            return Value(self.values[token])
        if (token.lower() in ("size", "if_not_exists", "list_append")) and self.peek(1) == "(":
            return self.call()
        return self.path()

    def path(self) -> Path:
        parts: list[str | int] = [self.name(self.take())]
        while self.peek() in (".", "["):
            if self.take() == ".":
                parts.append(self.name(self.take()))
            else:
                parts.append(int(self.take()))
                self.take("]")
        return Path(tuple(parts))

    def name(self, token: str) -> str:
        return self.names[token] if token.startswith("#") else token

    # updates: SET a = b, ... REMOVE a, ... ADD a :v, ... DELETE a :v, ...
    def value_expression(self) -> Any:
        left = self.operand()
        if self.peek() in ("+", "-"):
            op = self.take()
            return Call(op, (left, self.operand()))
        return left


# --- evaluation -----------------------------------------------------------------------------------------


def _scalar(value: Wire) -> tuple[str, Any]:
    ((kind, data),) = value.items()
    if kind == "N":
        return kind, Decimal(data)
    if kind in ("L",):
        return kind, tuple(_scalar(v) for v in data)
    if kind == "M":
        return kind, tuple(sorted((k, _scalar(v)) for k, v in data.items()))
    if kind in ("SS", "BS"):
        return kind, frozenset(data)
    if kind == "NS":
        return kind, frozenset(Decimal(v) for v in data)
    return kind, data


def _resolve(node: Any, item: Item) -> Wire | None:
    if isinstance(node, Value):
        return node.wire
    if isinstance(node, Path):
        return node.get(item)
    if isinstance(node, Call) and node.name == "size":
        value = _resolve(node.args[0], item)
        if value is None:
            return None
        ((kind, data),) = value.items()
        return {"N": str(len(data.encode()) if kind == "S" else len(data))}
    raise ExpressionError(f"not an operand: {node!r}")


def _compare(op: str, left: Wire | None, right: Wire | None) -> bool:
    if left is None or right is None:
        return False
    (lk, lv), (rk, rv) = _scalar(left), _scalar(right)
    if op == "=":
        return lk == rk and lv == rv
    if op == "<>":
        return not (lk == rk and lv == rv)
    if lk != rk or lk not in ("S", "N", "B"):
        return False
    ordered: bool = {"<": lv < rv, "<=": lv <= rv, ">": lv > rv, ">=": lv >= rv}[op]
    return ordered


def evaluate(node: Any, item: Item) -> bool:
    if isinstance(node, Logic):
        if node.op == "AND":
            return evaluate(node.left, item) and evaluate(node.right, item)
        return evaluate(node.left, item) or evaluate(node.right, item)
    if isinstance(node, Not):
        return not evaluate(node.inner, item)
    if isinstance(node, Compare):
        return _compare(node.op, _resolve(node.left, item), _resolve(node.right, item))
    if isinstance(node, Between):
        subject = _resolve(node.subject, item)
        return _compare(">=", subject, _resolve(node.low, item)) and _compare("<=", subject,
                                                                            _resolve(node.high, item))
    if isinstance(node, In):
        subject = _resolve(node.subject, item)
        return any(_compare("=", subject, _resolve(option, item)) for option in node.options)
    if isinstance(node, Call):
        return _function(node, item)
    raise ExpressionError(f"not a condition: {node!r}")


def _function(node: Call, item: Item) -> bool:
    name = node.name
    if name == "attribute_exists":
        return _resolve(node.args[0], item) is not None
    if name == "attribute_not_exists":
        return _resolve(node.args[0], item) is None
    value = _resolve(node.args[0], item)
    if value is None:
        return False
    argument = _resolve(node.args[1], item)
    ((kind, data),) = value.items()
    if name == "attribute_type":
        return argument is not None and argument.get("S") == kind
    if name == "begins_with":
        return argument is not None and kind in ("S", "B") and str(data).startswith(str(argument.get(kind, "\0")))
    if name == "contains":
        if argument is None:
            return False
        ((_, needle),) = argument.items()
        return needle in data
    raise ExpressionError(f"unknown function {name}")


def condition(text: str, names: dict[str, str] | None = None, values: dict[str, Wire] | None = None) -> Any:
    parser = _Parser(text, names, values)
    node = parser.condition()
    if not parser.done():
        raise ExpressionError(f"unread tokens in {text!r}")
    return node


def check(text: str | None, item: Item | None, names: dict[str, str] | None = None,
          values: dict[str, Wire] | None = None) -> bool:
    """Whether `item` (None: no item) meets the condition `text` (None: no condition)."""
    if not text:
        return True
    return evaluate(condition(text, names, values), item or {})


def equality_value(node: Any, attribute: str) -> Wire | None:
    """The value a key condition fixes `attribute` to (`#h = :v`, alone or under AND)."""
    if isinstance(node, Compare) and node.op == "=":
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, Path) and side.parts == (attribute,) and isinstance(other, Value):
                return other.wire
    if isinstance(node, Logic) and node.op == "AND":
        return equality_value(node.left, attribute) or equality_value(node.right, attribute)
    return None


# --- updates ----------------------------------------------------------------------------------------------


def _number(value: Wire) -> Decimal:
    return Decimal(value["N"])


def _wire_number(number: Decimal) -> Wire:
    text = format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
    return {"N": text}


def _value_of(node: Any, item: Item) -> Wire:
    if isinstance(node, Call) and node.name in ("+", "-"):
        left, right = _value_of(node.args[0], item), _value_of(node.args[1], item)
        total = _number(left) + _number(right) if node.name == "+" else _number(left) - _number(right)
        return _wire_number(total)
    if isinstance(node, Call) and node.name == "if_not_exists":
        existing = _resolve(node.args[0], item)
        return existing if existing is not None else _value_of(node.args[1], item)
    if isinstance(node, Call) and node.name == "list_append":
        first, second = _value_of(node.args[0], item), _value_of(node.args[1], item)
        return {"L": [*first["L"], *second["L"]]}
    value = _resolve(node, item)
    if value is None:
        raise ExpressionError(f"{node!r} has no value in the item")
    return value


def _top(path: Path) -> str:
    if len(path.parts) != 1 or not isinstance(path.parts[0], str):
        raise ExpressionError(f"the model updates top-level attributes only, not {path!r}")
    return path.parts[0]


def apply_update(text: str, item: Item, names: dict[str, str] | None = None,
                 values: dict[str, Wire] | None = None) -> Item:
    """The item after the update expression (a new dict; `item` is left as it was)."""
    parser = _Parser(text, names, values)
    result = dict(item)
    actions: list[Callable[[], None]] = []
    while not parser.done():
        clause = parser.take().upper()
        while True:
            name = _top(parser.path())
            if clause == "SET":
                parser.take("=")
                actions.append(_setter(result, item, name, parser.value_expression()))
            elif clause == "REMOVE":
                actions.append(_setter(result, item, name, None))
            elif clause in ("ADD", "DELETE"):
                actions.append(_adder(result, item, name, parser.operand(), clause))
            else:
                raise ExpressionError(f"unknown update clause {clause} in {text!r}")
            if parser.peek() != ",":
                break
            parser.take()
    for action in actions:  # every operand reads the item as it was before the update
        action()
    return result


def _setter(result: Item, item: Item, name: str, expression: Any) -> Callable[[], None]:
    def act() -> None:
        if expression is None:
            result.pop(name, None)
        else:
            result[name] = _value_of(expression, item)
    return act


def _adder(result: Item, item: Item, name: str, operand: Any, clause: str) -> Callable[[], None]:
    def act() -> None:
        value = _add(item.get(name), _value_of(operand, item), clause)
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return act


def _add(current: Wire | None, operand: Wire, clause: str) -> Wire | None:
    ((kind, data),) = operand.items()
    if kind == "N":
        if clause != "ADD":
            raise ExpressionError("DELETE takes a set")
        base = _number(current) if current is not None else Decimal(0)
        return _wire_number(base + Decimal(data))
    existing = set(current[kind]) if current is not None else set()
    merged = existing | set(data) if clause == "ADD" else existing - set(data)
    return {kind: sorted(merged)} if merged else None
