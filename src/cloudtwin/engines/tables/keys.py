"""Keys: check an item's or a key's key attributes against the schema and encode them.

Messages follow DynamoDB's ValidationException wording, which is what users search for.
"""

from __future__ import annotations

from cloudtwin.engines._kernel.errors import Invalid
from cloudtwin.engines.tables.model import AttrValue, IndexSpec, Item, KeyAttr, TableSpec
from cloudtwin.engines.tables.values import encode_key_part

EncodedKey = tuple[bytes, bytes]

_INVALID = "One or more parameter values were invalid: "


def _value_of(attr: KeyAttr, value: AttrValue) -> bytes:
    ((tag, inner),) = value.items()
    if tag != attr.type:
        raise Invalid(f"{_INVALID}Type mismatch for key {attr.name} expected: {attr.type} actual: {tag}")
    if tag in ("S", "B") and len(inner) == 0:
        raise Invalid(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
            f"contain an empty {'string' if tag == 'S' else 'binary'} value. Key: {attr.name}"
        )
    return encode_key_part(value)


def _encoded(spec: TableSpec, values: Item, missing: str, mismatch: str | None) -> EncodedKey:
    """Encode the key attributes found in ``values``; ``missing``/``mismatch`` word the refusals
    (a ``mismatch`` of None lets the key check name the expected and actual types)."""
    parts = []
    for attr in (spec.hash_key, spec.range_key):
        if attr is None:
            parts.append(b"")
            continue
        value = values.get(attr.name)
        if value is None:
            raise Invalid(missing.format(name=attr.name))
        if mismatch is not None and next(iter(value)) != attr.type:
            raise Invalid(mismatch)
        parts.append(_value_of(attr, value))
    return parts[0], parts[1]


def item_key(spec: TableSpec, item: Item) -> EncodedKey:
    """The encoded (partition, sort) key of a whole item being written."""
    return _encoded(spec, item, _INVALID + "Missing the key {name} in the item", None)


def lookup_key(spec: TableSpec, key: Item) -> EncodedKey:
    """The encoded key of a Key parameter: exactly the key attributes, of the right types."""
    wrong = "The provided key element does not match the schema"
    if set(key) != set(spec.key_names):
        raise Invalid(wrong)
    return _encoded(spec, key, wrong, wrong)


def key_attributes(spec: TableSpec, item: Item) -> Item:
    return {name: item[name] for name in spec.key_names if name in item}


def index_key(index: IndexSpec, item: Item) -> EncodedKey | None:
    """The item's key in ``index``, or None when the item lacks it (sparse index)."""
    parts = []
    for attr in (index.hash_key, index.range_key):
        if attr is None:
            parts.append(b"")
            continue
        value = item.get(attr.name)
        if value is None:
            return None
        ((tag, inner),) = value.items()
        if tag != attr.type:
            raise Invalid(
                f"{_INVALID}Type mismatch for Index Key {attr.name} Expected: {attr.type} Actual: {tag} "
                f"IndexName: {index.name}"
            )
        if tag in ("S", "B") and len(inner) == 0:
            raise Invalid(
                "One or more parameter values are not valid. A value specified for a secondary index key "
                "is not supported. The AttributeValue for a key attribute cannot contain an empty "
                f"{'string' if tag == 'S' else 'binary'} value. IndexName: {index.name}, IndexKey: {attr.name}"
            )
        parts.append(encode_key_part(value))
    return parts[0], parts[1]


def check_index_keys(spec: TableSpec, item: Item) -> None:
    for index in spec.indexes:
        index_key(index, item)


def project(spec: TableSpec, index: IndexSpec, item: Item) -> Item:
    """What ``index`` holds of ``item``, by its projection."""
    if index.projection == "ALL":
        return item
    keep = set(spec.key_names) | set(index.key_names)
    if index.projection == "INCLUDE":
        keep.update(index.non_key_attributes)
    return {name: value for name, value in item.items() if name in keep}
