"""CreateTable/UpdateTable parameters -> the engine's TableSpec, with DynamoDB's rules.

DynamoDB-only settings (billing mode, throughput, streams, SSE, table class, deletion
protection, attribute definitions) ride in the spec's ``meta`` and come back in
DescribeTable unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from cloudtwin.engines.tables import GLOBAL, LOCAL, IndexSpec, KeyAttr, TableSpec
from cloudtwin.protocols.aws.errors import AwsError, validation_error

MAX_GSIS, MAX_LSIS = 20, 5
MAX_PROJECTED_ATTRIBUTES = 100
_NAME = re.compile(r"[a-zA-Z0-9_.-]+")
INVALID = "One or more parameter values were invalid: "


def check_name(name: str, label: str = "tableName") -> None:
    if not 3 <= len(name) <= 255:
        bound = "greater than or equal to 3" if len(name) < 3 else "less than or equal to 255"
        raise validation_error(f"1 validation error detected: Value '{name}' at '{label}' failed to satisfy "
                               f"constraint: Member must have length {bound}")
    if not _NAME.fullmatch(name):
        raise validation_error(f"1 validation error detected: Value '{name}' at '{label}' failed to satisfy "
                               "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")


def _key_schema(elements: list[dict[str, str]], types: dict[str, str], owner: str) -> tuple[KeyAttr, KeyAttr | None]:
    kinds = [e["KeyType"] for e in elements]
    if kinds not in (["HASH"], ["HASH", "RANGE"]):
        if len(elements) > 2:
            raise validation_error(f"1 validation error detected: Value '{elements}' at '{owner}' failed to satisfy "
                                   "constraint: Member must have length less than or equal to 2")
        raise validation_error(f"{INVALID}Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
                               if kinds[0] != "HASH" else f"{INVALID}Too many hash keys specified.  All Dynamo "
                               "DB tables must have exactly one hash key")
    missing = [e["AttributeName"] for e in elements if e["AttributeName"] not in types]
    if missing:
        raise validation_error(
            f"{INVALID}Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(missing)}], AttributeDefinitions: [{', '.join(types)}]"
        )
    attrs = [KeyAttr(e["AttributeName"], types[e["AttributeName"]]) for e in elements]
    if len(attrs) == 2 and attrs[0].name == attrs[1].name:
        raise validation_error(f"{INVALID}Both the Hash Key and the Range Key element in the KeySchema have the "
                               "same name")
    return attrs[0], attrs[1] if len(attrs) > 1 else None


def _projection(projection: dict[str, Any], index_name: str) -> tuple[str, tuple[str, ...]]:
    kind = projection.get("ProjectionType", "KEYS_ONLY" if not projection.get("NonKeyAttributes") else "INCLUDE")
    non_key = tuple(projection.get("NonKeyAttributes", ()))
    if kind == "INCLUDE" and not non_key:
        raise validation_error(f"{INVALID}ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    if kind != "INCLUDE" and non_key:
        raise validation_error(f"{INVALID}ProjectionType is {kind}, but NonKeyAttributes is specified")
    return kind, non_key


def index_spec(data: dict[str, Any], kind: str, types: dict[str, str]) -> IndexSpec:
    name = data["IndexName"]
    check_name(name, "indexName")
    hash_key, range_key = _key_schema(data["KeySchema"], types, "keySchema")
    projection, non_key = _projection(data.get("Projection", {}), name)
    meta = {}
    if "ProvisionedThroughput" in data:
        meta["throughput"] = data["ProvisionedThroughput"]
    if "OnDemandThroughput" in data:
        meta["on_demand"] = data["OnDemandThroughput"]
    return IndexSpec(name, kind, hash_key, range_key, projection, non_key, meta)


def _check_billing(p: dict[str, Any], gsis: list[dict[str, Any]]) -> str:
    mode = p.get("BillingMode", "PROVISIONED")
    throughput = p.get("ProvisionedThroughput")
    if mode == "PROVISIONED":
        if throughput is None:
            raise validation_error(f"{INVALID}ReadCapacityUnits and WriteCapacityUnits must both be specified "
                                   "when BillingMode is PROVISIONED")
        for gsi in gsis:
            if "ProvisionedThroughput" not in gsi:
                raise validation_error(f"{INVALID}ProvisionedThroughput must be specified for index: "
                                       f"{gsi['IndexName']}")
    elif throughput is not None:
        raise validation_error(f"{INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                               "BillingMode is PAY_PER_REQUEST")
    return mode


def _check_indexes(hash_key: KeyAttr, range_key: KeyAttr | None, gsis: list[IndexSpec],
                   lsis: list[IndexSpec]) -> None:
    if len(gsis) > MAX_GSIS:
        raise AwsError("LimitExceededException", f"Subscriber limit exceeded: The number of global secondary "
                                                 f"indexes exceeds the maximum of {MAX_GSIS}")
    if len(lsis) > MAX_LSIS:
        raise validation_error(f"{INVALID}Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}")
    names = [i.name for i in gsis + lsis]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise validation_error(f"{INVALID}Duplicate index name: {duplicate}")
    for lsi in lsis:
        if range_key is None:
            raise validation_error(f"{INVALID}Table KeySchema does not have a range key, which is required when "
                                   "specifying a LocalSecondaryIndex")
        if lsi.hash_key != hash_key or lsi.range_key is None:
            raise validation_error(f"{INVALID}Index KeySchema does not have the same leading hash key as table "
                                   f"KeySchema for index: {lsi.name}. index hash key: {lsi.hash_key.name}, "
                                   f"table hash key: {hash_key.name}")


def table_spec(p: dict[str, Any]) -> TableSpec:
    """The spec of a CreateTable request, checked as DynamoDB checks it."""
    name = p["TableName"]
    check_name(name)
    definitions = p["AttributeDefinitions"]
    types = {d["AttributeName"]: d["AttributeType"] for d in definitions}
    if len(types) != len(definitions):
        raise validation_error(f"{INVALID}Cannot have two attributes with the same name")
    hash_key, range_key = _key_schema(p["KeySchema"], types, "keySchema")
    gsi_params = p.get("GlobalSecondaryIndexes", [])
    gsis = [index_spec(g, GLOBAL, types) for g in gsi_params]
    lsis = [index_spec(index, LOCAL, types) for index in p.get("LocalSecondaryIndexes", [])]
    _check_indexes(hash_key, range_key, gsis, lsis)
    used = {hash_key.name} | ({range_key.name} if range_key else set())
    for index in gsis + lsis:
        used.update(index.key_names)
    if set(types) != used:
        raise validation_error(f"{INVALID}Number of attributes in KeySchema does not exactly match number of "
                               "attributes defined in AttributeDefinitions")
    mode = _check_billing(p, gsi_params)
    meta = {
        "attribute_definitions": definitions,
        "billing_mode": mode,
        "throughput": p.get("ProvisionedThroughput"),
        "stream": p.get("StreamSpecification"),
        "sse": p.get("SSESpecification"),
        "table_class": p.get("TableClass", "STANDARD"),
        "deletion_protection": p.get("DeletionProtectionEnabled", False),
        "on_demand": p.get("OnDemandThroughput"),
        "warm_throughput": p.get("WarmThroughput"),
        "ttl_enabled": False,
    }
    return TableSpec(name, hash_key, range_key, tuple(gsis + lsis), meta=meta)
