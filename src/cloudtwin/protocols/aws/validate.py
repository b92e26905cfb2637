"""Model constraints on parsed input, with AWS's wording.

``validate(operation, params)`` checks what the model says of each member: required, length
(min/max), range (min/max), pattern and enum. Every problem is reported in one
``ValidationException`` as AWS words it::

    2 validation errors detected: Value null at 'tableName' failed to satisfy constraint:
    Member must not be null; Value 'x' at 'key' ...

A service that words these failures its own way names its codes in its extras (``_failure``).

Checkers are compiled once per shape; a shape with no constraints anywhere below it compiles
to None and is never walked. Paths are built lazily, as (parent, segment) pairs, and spelled
out only for a problem: a valid request formats none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import OperationModel, Shape

from cloudtwin.protocols.aws.errors import AwsError

Problems = list[str]
#: Where a value sits: None at the root, else (parent path, segment), e.g. (((None, "items"), 1), "member").
Path = Any
Checker = Callable[[Any, Path, Problems], None]


def _render(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bytes):
        return "'java.nio.HeapByteBuffer'"
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, (int, float)):
        return f"'{value}'"
    return f"'{value}'"


def _spelled(path: Path) -> str:
    segments = []
    while path is not None:
        path, segment = path
        segments.append(str(segment))
    return ".".join(reversed(segments))


def _problem(problems: Problems, value: Any, path: Path, constraint: str) -> None:
    problems.append(f"Value {_render(value)} at '{_spelled(path)}' failed to satisfy constraint: {constraint}")


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _java_pattern(pattern: str) -> re.Pattern[str] | None:
    """Compile a model pattern (Java syntax) for Python, or None if Python cannot read it."""
    translated = pattern.replace(r"\p{L}", r"^\W\d_").replace(r"\p{Z}", r"\s").replace(r"\p{N}", r"\d")
    try:
        return re.compile(translated)
    except re.error:
        return None


def _scalar_checks(shape: Shape) -> list[Checker]:
    meta = shape.metadata
    checks: list[Checker] = []
    sized = shape.type_name in ("string", "blob", "list", "map")
    if "min" in meta:
        low = meta["min"]
        if sized:
            def check_min_len(v: Any, path: Path, p: Problems) -> None:
                if len(v) < low:
                    _problem(p, v, path, f"Member must have length greater than or equal to {low}")
            checks.append(check_min_len)
        else:
            def check_min(v: Any, path: Path, p: Problems) -> None:
                if v < low:
                    _problem(p, v, path, f"Member must have value greater than or equal to {low}")
            checks.append(check_min)
    if "max" in meta:
        high = meta["max"]
        if sized:
            def check_max_len(v: Any, path: Path, p: Problems) -> None:
                if len(v) > high:
                    _problem(p, v, path, f"Member must have length less than or equal to {high}")
            checks.append(check_max_len)
        else:
            def check_max(v: Any, path: Path, p: Problems) -> None:
                if v > high:
                    _problem(p, v, path, f"Member must have value less than or equal to {high}")
            checks.append(check_max)
    if shape.type_name == "string" and "pattern" in meta:
        text = meta["pattern"]
        compiled = _java_pattern(text)
        if compiled is not None:
            def check_pattern(v: Any, path: Path, p: Problems) -> None:
                if compiled.fullmatch(v) is None:
                    _problem(p, v, path, f"Member must satisfy regular expression pattern: {text}")
            checks.append(check_pattern)
    if shape.type_name == "string" and shape.enum:
        allowed = frozenset(shape.enum)
        listed = "[" + ", ".join(shape.enum) + "]"
        def check_enum(v: Any, path: Path, p: Problems) -> None:
            if v not in allowed:
                _problem(p, v, path, f"Member must satisfy enum value set: {listed}")
        checks.append(check_enum)
    return checks


@cache
def checker(shape: Shape) -> Checker | None:
    """The compiled checker of ``shape``, or None when nothing below it has a constraint."""
    return _build(shape, set())


def _build(shape: Shape, building: set[str]) -> Checker | None:
    if shape.name in building:  # recursive shapes (DynamoDB AttributeValue) have no constraints
        return None
    building.add(shape.name)
    try:
        own = _scalar_checks(shape)
        if shape.type_name == "structure":
            inner = _structure(shape, building)
        elif shape.type_name == "list":
            inner = _list(shape, building)
        elif shape.type_name == "map":
            inner = _map(shape, building)
        else:
            inner = None
    finally:
        building.discard(shape.name)
    if not own and inner is None:
        return None
    checks = own + ([inner] if inner else [])
    if len(checks) == 1:
        return checks[0]

    def check(v: Any, path: Path, p: Problems) -> None:
        for c in checks:
            c(v, path, p)

    return check


def _structure(shape: Shape, building: set[str]) -> Checker | None:
    required = list(shape.required_members)
    members = []
    for name, member in shape.members.items():
        c = _build(member, building)
        if c is not None:
            members.append((name, _camel(name), c))
    if not required and not members:
        return None
    required_paths = [(name, _camel(name)) for name in required]

    def check(v: dict[str, Any], path: Path, p: Problems) -> None:
        for name, label in required_paths:
            if v.get(name) is None:
                _problem(p, None, (path, label), "Member must not be null")
        for name, label, c in members:
            value = v.get(name)
            if value is not None:
                c(value, (path, label), p)

    return check


def _list(shape: Shape, building: set[str]) -> Checker | None:
    item = _build(shape.member, building)
    if item is None:
        return None

    def check(v: list[Any], path: Path, p: Problems) -> None:
        for i, element in enumerate(v, 1):
            item(element, ((path, i), "member"), p)

    return check


def _map(shape: Shape, building: set[str]) -> Checker | None:
    key = _build(shape.key, building)
    value = _build(shape.value, building)
    if key is None and value is None:
        return None

    def check(v: dict[str, Any], path: Path, p: Problems) -> None:
        for k, element in v.items():
            if key is not None:
                key(k, ((path, k), "key"), p)
            if value is not None and element is not None:
                value(element, ((path, k), "member"), p)

    return check


def problems_of(operation: OperationModel, params: dict[str, Any]) -> Problems:
    shape = operation.input_shape
    if shape is None:
        return []
    c = checker(shape)
    problems: Problems = []
    if c is not None:
        c(params, None, problems)
    return problems


def validate(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise AWS's ValidationException when ``params`` break the model's constraints (or the
    errors the model's ``cloudtwinValidation`` names, see ``_failure``)."""
    problems = problems_of(operation, params)
    if problems:
        raise _failure(operation, params, problems)


def _failure(operation: OperationModel, params: dict[str, Any], problems: Problems) -> AwsError:
    """A service that words validation its own way (SQS: ``MissingParameter``, ``InvalidParameterValue``)
    says so in its extras: ``metadata.cloudtwinValidation = {"missing": {"code", "message"},
    "invalid": {"code"}}``, the message naming the first missing top-level ``{name}``."""
    wording = operation.service_model.metadata.get("cloudtwinValidation")
    if not wording:
        return AwsError("ValidationException", validation_message(problems))
    shape = operation.input_shape
    missing = [name for name in (shape.required_members if shape else ()) if params.get(name) is None]
    if missing:
        return AwsError(wording["missing"]["code"], wording["missing"]["message"].format(name=missing[0]))
    return AwsError(wording["invalid"]["code"], validation_message(problems))


def validation_message(problems: Problems) -> str:
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(problems)
