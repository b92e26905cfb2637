"""The substitutions of one request (ExpressionAttributeNames/Values) and which ones got used.

One ``ExpressionContext`` serves every expression of a request (condition, update, filter,
projection, key condition), because DynamoDB refuses a name or value that none of them uses.
Values are validated and normalized once, here, so evaluation compares canonical numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.values import AttrValue, normalize_value

_NAME_KEY = re.compile(r"#[0-9A-Za-z_]+\Z")
_VALUE_KEY = re.compile(r":[0-9A-Za-z_]+\Z")


class ExpressionContext:
    """ExpressionAttributeNames and ExpressionAttributeValues of one request, with usage tracking."""

    __slots__ = ("names", "values", "_used_names", "_used_values")

    def __init__(
        self,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, AttrValue] | None = None,
    ) -> None:
        self.names: dict[str, str] = dict(_checked_keys(names, "ExpressionAttributeNames", _NAME_KEY))
        self.values: dict[str, AttrValue] = {
            key: normalize_value(value)
            for key, value in _checked_keys(values, "ExpressionAttributeValues", _VALUE_KEY).items()
        }
        self._used_names: set[str] = set()
        self._used_values: set[str] = set()

    def name(self, alias: str) -> str | None:
        """The attribute name ``alias`` (#x) stands for, or None when undefined."""
        resolved = self.names.get(alias)
        if resolved is not None:
            self._used_names.add(alias)
        return resolved

    def value(self, ref: str) -> AttrValue | None:
        """The (normalized) value ``ref`` (:x) stands for, or None when undefined."""
        resolved = self.values.get(ref)
        if resolved is not None:
            self._used_values.add(ref)
        return resolved

    def check_all_used(self) -> None:
        """Refuse names or values no expression of the request used (call after parsing them all)."""
        unused = [key for key in self.names if key not in self._used_names]
        if unused:
            raise Invalid(
                "Value provided in ExpressionAttributeNames unused in expressions: "
                f"keys: {{{', '.join(unused)}}}"
            )
        unused = [key for key in self.values if key not in self._used_values]
        if unused:
            raise Invalid(
                "Value provided in ExpressionAttributeValues unused in expressions: "
                f"keys: {{{', '.join(unused)}}}"
            )


def _checked_keys(mapping: Mapping[str, Any] | None, what: str, pattern: re.Pattern[str]) -> dict[str, Any]:
    if mapping is None:
        return {}
    if not mapping:
        raise Invalid(f"{what} must not be empty")
    for key in mapping:
        if not pattern.match(key):
            raise Invalid(f'{what} contains invalid key: Syntax error; key: "{key}"')
    return dict(mapping)


def check_expression_parameters(
    expressions: Mapping[str, object | None],
    legacy: Mapping[str, object | None],
    names: Mapping[str, str] | None = None,
    values: Mapping[str, AttrValue] | None = None,
) -> None:
    """DynamoDB's rules on which parameters may appear together in one request.

    ``expressions`` maps the operation's expression parameters, in DynamoDB's order, to what the
    request gave (None when absent), e.g. for Query ``{"ProjectionExpression": ...,
    "FilterExpression": ..., "KeyConditionExpression": ...}``; ``legacy`` does the same for the
    non-expression parameters (``{"AttributesToGet": ..., "QueryFilter": ...,
    "ConditionalOperator": ..., "KeyConditions": ...}``). KeyConditions alongside other
    expressions but without KeyConditionExpression is allowed, as in the service.
    """
    given = [key for key, value in expressions.items() if value is not None]
    if given:
        mixed = [
            key
            for key, value in legacy.items()
            if value is not None
            and not (key == "KeyConditions" and expressions.get("KeyConditionExpression") is None)
        ]
        if mixed:
            raise Invalid(
                "Can not use both expression and non-expression parameters in the same request: "
                f"Non-expression parameters: {{{', '.join(mixed)}}} "
                f"Expression parameters: {{{', '.join(given)}}}"
            )
    if names is not None and not given:
        raise Invalid("ExpressionAttributeNames can only be specified when using expressions")
    with_values = [key for key in expressions if key != "ProjectionExpression"]
    if values is not None and with_values and all(expressions[key] is None for key in with_values):
        verb = "are" if len(with_values) > 1 else "is"
        raise Invalid(
            "ExpressionAttributeValues can only be specified when using expressions: "
            f"{' and '.join(with_values)} {verb} null"
        )
