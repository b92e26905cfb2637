"""The content-filter pattern language, over JSON-like documents: compile once, match fast.

A pattern is a JSON object whose leaves are arrays of conditions; a document matches when every
key of the pattern matches (a key matches when any of its conditions holds for any value found
at that path) and, for ``$or``, when any alternative matches. Arrays in documents are
transparent: a condition holds for an array when it holds for one of its elements.

Conditions: exact string/number/true/false/null; ``prefix``/``suffix`` (a string, or
``{"equals-ignore-case": s}``); ``equals-ignore-case``; ``anything-but`` (a value, a list, or
``{"prefix"|"suffix"|"equals-ignore-case": ...}``); ``numeric`` (``["<", 5]``, ``[">=", 0, "<",
10]``); ``exists`` (true/false); ``cidr`` (IPv4/IPv6 network).

Models the filter-policy language of Amazon SNS ("Amazon SNS message filtering", "Filter
policy constraints") and the event-pattern language of Amazon EventBridge ("Content filtering
in event patterns"), which share it; Azure Event Grid's advanced filters map onto the same
conditions. Invalid patterns raise ``Invalid`` with the wording those services use (without
the caller's prefix); kind "nesting" marks a nested pattern where ``nested=False``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid

Condition = Callable[[Any], bool]
Path = tuple[str, ...]
_ABSENT = object()
_NUMERIC_OPS = ("<", "<=", "=", ">", ">=")


@dataclass(frozen=True)
class PatternLimits:
    """The caller's limits: top-level keys and the product of condition counts (0: none)."""

    max_keys: int = 0
    max_combinations: int = 0
    nested: bool = True


@dataclass(frozen=True)
class Field:
    path: Path
    conditions: tuple[Condition, ...]
    #: Whether the field matches when the document lacks it (``exists: false``).
    absent_ok: bool


@dataclass(frozen=True)
class Pattern:
    fields: tuple[Field, ...]
    alternatives: tuple[tuple["Pattern", ...], ...] = ()

    def matches(self, document: Mapping[str, Any]) -> bool:
        for f in self.fields:
            values = list(_values_at(document, f.path))
            if not values:
                if not f.absent_ok:
                    return False
            elif not any(cond(v) for v in values for cond in f.conditions):
                return False
        return all(any(p.matches(document) for p in group) for group in self.alternatives)


def _values_at(document: Any, path: Path) -> Iterator[Any]:
    """Every leaf value at ``path``, looking through arrays at each step."""
    if not path:
        if isinstance(document, list):
            for item in document:
                yield from _values_at(item, path)
        else:
            yield document
        return
    if isinstance(document, list):
        for item in document:
            yield from _values_at(item, path)
    elif isinstance(document, Mapping):
        value = document.get(path[0], _ABSENT)
        if value is not _ABSENT:
            yield from _values_at(value, path[1:])


# -- compiling ---------------------------------------------------------------------------------
def compile_pattern(pattern: Any, limits: PatternLimits = PatternLimits()) -> Pattern:
    if not isinstance(pattern, dict):
        raise Invalid("Filter policy must be a JSON object", kind="pattern")
    if limits.max_keys and len(pattern) > limits.max_keys:
        raise Invalid(f"Filter policy can not have more than {limits.max_keys} keys", kind="pattern")
    compiled, combinations = _compile_object(pattern, (), limits)
    if limits.max_combinations and combinations > limits.max_combinations:
        raise Invalid("Filter policy is too complex", kind="pattern")
    return compiled


def _compile_object(obj: dict[str, Any], prefix: Path, limits: PatternLimits) -> tuple[Pattern, int]:
    fields: list[Field] = []
    alternatives: list[tuple[Pattern, ...]] = []
    combinations = 1
    for key, value in obj.items():
        if key == "$or" and isinstance(value, list):
            group, count = _compile_or(value, prefix, limits)
            alternatives.append(group)
            combinations *= count
        elif isinstance(value, dict):
            if not limits.nested:
                raise Invalid("nested pattern", kind="nesting")
            inner, count = _compile_object(value, prefix + (key,), limits)
            fields.extend(inner.fields)
            alternatives.extend(inner.alternatives)
            combinations *= count
        elif isinstance(value, list):
            fields.append(_compile_field(prefix + (key,), value))
            combinations *= max(len(value), 1)
        else:
            raise Invalid(f'"{key}" must be an object or an array', kind="pattern")
    return Pattern(tuple(fields), tuple(alternatives)), combinations


def _compile_or(options: list[Any], prefix: Path, limits: PatternLimits) -> tuple[tuple[Pattern, ...], int]:
    if len(options) < 2 or not all(isinstance(o, dict) for o in options):
        raise Invalid("$or must be an array of at least two objects", kind="pattern")
    compiled = [_compile_object(option, prefix, limits) for option in options]
    return tuple(p for p, _ in compiled), sum(count for _, count in compiled)


def _compile_field(path: Path, conditions: list[Any]) -> Field:
    if not conditions:
        raise Invalid("Empty arrays are not allowed", kind="pattern")
    compiled: list[Condition] = []
    absent_ok = False
    for condition in conditions:
        if isinstance(condition, dict) and len(condition) == 1 and "exists" in condition:
            exists = condition["exists"]
            if not isinstance(exists, bool):
                raise Invalid("exists match pattern must be either true or false.", kind="pattern")
            absent_ok = absent_ok or not exists
            if exists:
                compiled.append(_not_null)
            continue
        compiled.append(compile_condition(condition))
    return Field(path, tuple(compiled), absent_ok)


def _not_null(value: Any) -> bool:
    """``exists: true`` needs a value: a key whose value is null does not count."""
    return value is not None


def compile_condition(condition: Any) -> Condition:
    """One array element of a pattern as a predicate over one document value."""
    if condition is None or isinstance(condition, (str, bool)):
        return _equals(condition)
    if isinstance(condition, (int, float)):
        return _equals(float(condition))
    if not isinstance(condition, dict):
        raise Invalid("Match value must be String, number, true, false, or null", kind="pattern")
    if len(condition) != 1:
        raise Invalid("Only one key allowed in match expression", kind="pattern")
    (operator, operand), = condition.items()
    builder = _OPERATORS.get(operator)
    if builder is None:
        raise Invalid(f"Unrecognized match type {operator}", kind="pattern")
    return builder(operand)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(expected: Any, value: Any) -> bool:
    """Typed equality: strings with strings, numbers with numbers, true is not 1."""
    if _is_number(expected):
        return _is_number(value) and float(value) == expected
    if isinstance(expected, bool) or expected is None:
        return value is expected
    return isinstance(value, str) and value == expected


def _equals(expected: Any) -> Condition:
    return lambda value: _same(expected, value)


def _string_operand(operator: str, operand: Any) -> tuple[str, bool]:
    """(text, ignore_case) from ``"x"`` or ``{"equals-ignore-case": "x"}``."""
    if isinstance(operand, dict) and list(operand) == ["equals-ignore-case"]:
        operand = operand["equals-ignore-case"]
        if isinstance(operand, str):
            return operand.casefold(), True
    if not isinstance(operand, str):
        raise Invalid(f"{operator} match pattern must be a string", kind="pattern")
    return operand, False


def _prefix(operand: Any) -> Condition:
    text, fold = _string_operand("prefix", operand)
    return lambda v: isinstance(v, str) and (v.casefold() if fold else v).startswith(text)


def _suffix(operand: Any) -> Condition:
    text, fold = _string_operand("suffix", operand)
    return lambda v: isinstance(v, str) and (v.casefold() if fold else v).endswith(text)


def _ignore_case(operand: Any) -> Condition:
    if not isinstance(operand, str):
        raise Invalid("equals-ignore-case match pattern must be a string", kind="pattern")
    folded = operand.casefold()
    return lambda v: isinstance(v, str) and v.casefold() == folded


def _anything_but(operand: Any) -> Condition:
    if isinstance(operand, dict):
        if len(operand) != 1 or next(iter(operand)) not in ("prefix", "suffix", "equals-ignore-case"):
            raise Invalid(f"Unsupported anything-but pattern: {', '.join(operand)}", kind="pattern")
        inner = _ANYTHING_BUT_INNER[next(iter(operand))](next(iter(operand.values())))
        return lambda v: not inner(v)
    values = operand if isinstance(operand, list) else [operand]
    if not values or not all(isinstance(v, str) or _is_number(v) for v in values):
        raise Invalid("Value of anything-but must be an array or single string/number value.", kind="pattern")
    expected = [float(v) if _is_number(v) else v for v in values]
    return lambda v: not any(_same(e, v) for e in expected)


def _ignore_case_any(operand: Any) -> Condition:
    if isinstance(operand, list) and operand and all(isinstance(v, str) for v in operand):
        folded = {v.casefold() for v in operand}
        return lambda v: isinstance(v, str) and v.casefold() in folded
    return _ignore_case(operand)


_ANYTHING_BUT_INNER: dict[str, Callable[[Any], Condition]] = {
    "prefix": _prefix, "suffix": _suffix, "equals-ignore-case": _ignore_case_any,
}


def _numeric(operand: Any) -> Condition:
    bounds = _numeric_bounds(operand)
    def check(value: Any) -> bool:
        if isinstance(value, str):  # numeric text in a document is still a string
            return False
        return _is_number(value) and all(_compare(float(value), op, limit) for op, limit in bounds)
    return check


def _compare(value: float, op: str, limit: float) -> bool:
    if op == "<":
        return value < limit
    if op == "<=":
        return value <= limit
    if op == ">":
        return value > limit
    if op == ">=":
        return value >= limit
    return value == limit


def _numeric_bounds(operand: Any) -> list[tuple[str, float]]:
    if not isinstance(operand, list):
        raise Invalid("Value of numeric must be an array.", kind="pattern")
    if not operand:
        raise Invalid("Invalid member in numeric match: ]", kind="pattern")
    first = _numeric_term(operand, 0, _NUMERIC_OPS)
    if len(operand) == 2:
        return [first]
    if first[0] not in (">", ">="):
        raise Invalid("Too many elements in numeric expression", kind="pattern")
    second = _numeric_term(operand, 2, ("<", "<="), bad_operator="Bad numeric range operator")
    if second[1] <= first[1]:
        raise Invalid("Bottom must be less than top", kind="pattern")
    if len(operand) > 4:
        raise Invalid("Too many terms in numeric range expression", kind="pattern")
    return [first, second]


def _numeric_term(operand: list[Any], at: int, allowed: tuple[str, ...],
                  bad_operator: str = "Unrecognized numeric range operator") -> tuple[str, float]:
    op = operand[at]
    if not isinstance(op, str):
        raise Invalid(f"Invalid member in numeric match: {op}", kind="pattern")
    if op not in allowed:
        raise Invalid(f"{bad_operator}: {op}", kind="pattern")
    value = operand[at + 1] if len(operand) > at + 1 else None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise Invalid(f"Value of {'equals' if op == '=' else op} must be numeric", kind="pattern")
    return op, float(value)


def _cidr(operand: Any) -> Condition:
    if not isinstance(operand, str) or operand.count("/") != 1:
        raise Invalid("Malformed CIDR, one '/' required", kind="pattern")
    try:
        network = ipaddress.ip_network(operand, strict=False)
    except ValueError as exc:
        raise Invalid(f"Nonstandard IP address: {operand.split('/')[0]}", kind="pattern") from exc

    def check(value: Any) -> bool:
        try:
            return isinstance(value, str) and ipaddress.ip_address(value) in network
        except ValueError:
            return False
    return check


_OPERATORS: dict[str, Callable[[Any], Condition]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _ignore_case,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "cidr": _cidr,
}
