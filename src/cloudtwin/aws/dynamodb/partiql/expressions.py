"""PartiQL conditions and SET/REMOVE actions -> DynamoDB expression text, compiled by the table
engine's expression language, so PartiQL and the item API share one set of semantics.

Every attribute name becomes a generated ``#nK`` and every value a ``:vK`` (so reserved words
and odd characters never matter); the same statement shape yields the same text, which the
engine's parser caches. ``x IS [NOT] MISSING`` becomes attribute_not_exists / attribute_exists,
``x IS [NOT] <type>`` becomes attribute_type, ``set_add``/``set_delete`` become ADD/DELETE.
"""

from __future__ import annotations

from typing import Any

from cloudtwin.aws.dynamodb.partiql import syntax as S
from cloudtwin.aws.dynamodb.partiql.binding import bind
from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables import expressions as ex
from cloudtwin.engines.tables.model import AttrValue

CONDITION_FUNCTIONS = frozenset(("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with",
                                 "contains"))
_IS_TYPES = {"NULL": "NULL", "BOOLEAN": "BOOL", "STRING": "S", "NUMERIC": "N", "BLOB": "B", "STRUCT": "M",
             "TUPLE": "M", "LIST": "L"}
_NOT_BOOLEAN = "WHERE clause must contain an expression that resolves to a boolean"


class Expressions:
    """The generated names and values of one statement, and the texts that use them."""

    def __init__(self, params: list[AttrValue]) -> None:
        self.params = params
        self.names: dict[str, str] = {}
        self.values: dict[str, AttrValue] = {}
        self._aliases: dict[str, str] = {}

    # -- compiled forms -------------------------------------------------------------------------
    def compile_condition(self, text: str) -> Any:
        return ex.parse_condition(text, self._context(), "ConditionExpression")

    def compile_update(self, actions: tuple[S.Assign, ...]) -> Any:
        return ex.parse_update(self.update(actions), self._context())

    def _context(self) -> ex.ExpressionContext:
        return ex.ExpressionContext(self.names or None, self.values or None)

    # -- names and values -----------------------------------------------------------------------
    def name(self, attribute: str) -> str:
        alias = self._aliases.get(attribute)
        if alias is None:
            alias = self._aliases[attribute] = f"#n{len(self._aliases)}"
            self.names[alias] = attribute
        return alias

    def value(self, value: AttrValue) -> str:
        ref = f":v{len(self.values)}"
        self.values[ref] = value
        return ref

    def path(self, node: S.Path) -> str:
        text = ""
        for part in node.parts:
            text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + self.name(part)
        return text

    # -- conditions -----------------------------------------------------------------------------
    def condition(self, node: S.Expr) -> str:
        if isinstance(node, (S.And, S.Or)):
            word = "AND" if isinstance(node, S.And) else "OR"
            return f"{self._group(node.left)} {word} {self._group(node.right)}"
        if isinstance(node, S.Not):
            return f"NOT {self._group(node.inner)}"
        if isinstance(node, S.Compare):
            return f"{self.operand(node.left)} {node.op} {self.operand(node.right)}"
        if isinstance(node, S.Between):
            return f"{self.operand(node.subject)} BETWEEN {self.operand(node.low)} AND {self.operand(node.high)}"
        if isinstance(node, S.In):
            return f"{self.operand(node.subject)} IN ({', '.join(self.operand(o) for o in node.options)})"
        if isinstance(node, S.Is):
            return self._is(node)
        if isinstance(node, S.Call) and node.name in CONDITION_FUNCTIONS:
            return self._call(node)
        if isinstance(node, S.Call):
            raise Invalid(f"Unrecognized function: {node.name}")
        raise Invalid(_NOT_BOOLEAN)

    def _group(self, node: S.Expr) -> str:
        text = self.condition(node)
        return f"({text})" if isinstance(node, (S.And, S.Or, S.Not)) else text

    def _is(self, node: S.Is) -> str:
        if not isinstance(node.subject, S.Path):
            raise Invalid("The left hand side argument to IS must be a Variable Reference, Literal, or Path")
        path = self.path(node.subject)
        if node.type == "MISSING":
            return f"attribute_exists({path})" if node.negated else f"attribute_not_exists({path})"
        test = f"attribute_type({path}, {self.value({'S': _IS_TYPES[node.type]})})"
        return f"NOT {test}" if node.negated else test

    def _call(self, node: S.Call) -> str:
        return f"{node.name}({', '.join(self.operand(arg, True) for arg in node.args)})"

    def operand(self, node: S.Expr, arithmetic: bool = False) -> str:
        if isinstance(node, S.Path):
            return self.path(node)
        if isinstance(node, S.VALUE_NODES):
            return self.value(bind(node, self.params))  # type: ignore[arg-type]
        if isinstance(node, S.Call):
            return self._call(node)
        if isinstance(node, S.Arith) and arithmetic:
            return f"{self.operand(node.left)} {node.op} {self.operand(node.right)}"
        if isinstance(node, S.Arith):
            raise Invalid(f"Unsupported operator in Condition Expression. Operator: {node.op}")
        raise Invalid(_NOT_BOOLEAN)

    # -- updates --------------------------------------------------------------------------------
    def update(self, actions: tuple[S.Assign, ...]) -> str:
        sections: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
        for action in actions:
            target = self.path(action.path)
            value = action.value
            if value is None:
                sections["REMOVE"].append(target)
            elif isinstance(value, S.Call) and value.name in ("set_add", "set_delete"):
                section = "ADD" if value.name == "set_add" else "DELETE"
                sections[section].append(f"{target} {self._set_change(action.path, value)}")
            else:
                sections["SET"].append(f"{target} = {self.operand(value, arithmetic=True)}")
        return " ".join(f"{word} {', '.join(parts)}" for word, parts in sections.items() if parts)

    def _set_change(self, target: S.Path, call: S.Call) -> str:
        """The value of ``set_add(target, <<...>>)``/``set_delete``, as checked by DynamoDB."""
        kind = call.name[4:].upper()
        if len(call.args) != 2:
            raise Invalid(f"SET_{kind} must have exactly two arguments")
        first, second = call.args
        if first != target:
            raise Invalid(f"The first argument to SET_{kind} must equal the assignment value")
        if not isinstance(second, (S.BagLit, S.Param)):
            raise Invalid(f"The second argument to SET_{kind} must be a value with type SET")
        value = bind(second, self.params)
        if next(iter(value)) not in ("SS", "NS", "BS"):
            raise Invalid(f"The second argument to SET_{kind} must be a value with type SET")
        return self.value(value)
