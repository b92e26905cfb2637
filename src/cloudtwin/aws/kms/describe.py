"""KMS's descriptions of keys, aliases, grants and rotations, and its Limit/Marker paging."""

from __future__ import annotations

from typing import Any, TypeVar

from cloudtwin.aws.kms.env import alias_arn, key_arn
from cloudtwin.aws.kms.names import SPEC_NAMES, STATES, USAGE_NAMES, algorithms
from cloudtwin.engines._kernel.paging import decode_token, encode_token
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys import CUSTOMER, IMPORTED, PENDING_DELETION, Alias, Grant, KeyInfo, Material
from cloudtwin.protocols.aws.errors import AwsError

T = TypeVar("T")
ROTATION_TYPES = {"automatic": "AUTOMATIC", "on_demand": "ON_DEMAND"}


def key_metadata(key: KeyInfo) -> dict[str, Any]:
    spec = SPEC_NAMES[key.type.name]
    meta: dict[str, Any] = {
        "AWSAccountId": key.scope.tenant, "KeyId": key.key_id, "Arn": key_arn(key.scope, key.key_id),
        "CreationDate": key.created, "Enabled": key.enabled, "Description": key.description,
        "KeyUsage": USAGE_NAMES[key.usage], "KeyState": STATES[key.state],
        "Origin": "EXTERNAL" if key.origin == IMPORTED else "AWS_KMS",
        "KeyManager": "CUSTOMER" if key.manager == CUSTOMER else "AWS",
        "CustomerMasterKeySpec": spec, "KeySpec": spec, "MultiRegion": False, **algorithms(key),
    }
    if key.state == PENDING_DELETION:
        meta["DeletionDate"] = key.delete_at
        meta["PendingDeletionWindowInDays"] = key.delete_window_days
    if key.type.family == "aes" and key.material_id:
        meta["CurrentKeyMaterialId"] = key.material_id
    if key.origin == IMPORTED:
        meta["ExpirationModel"] = "KEY_MATERIAL_EXPIRES" if key.valid_to else "KEY_MATERIAL_DOES_NOT_EXPIRE"
        if key.valid_to:
            meta["ValidTo"] = key.valid_to
    return meta


def alias_entry(scope: Scope, alias: Alias) -> dict[str, Any]:
    return {"AliasName": alias.name, "AliasArn": alias_arn(scope, alias.name), "TargetKeyId": alias.key_id,
            "CreationDate": alias.created, "LastUpdatedDate": alias.updated}


def grant_entry(scope: Scope, grant: Grant) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "KeyId": key_arn(scope, grant.key_id), "GrantId": grant.grant_id, "CreationDate": grant.created,
        "GranteePrincipal": grant.grantee, "IssuingAccount": f"arn:aws:iam::{grant.issuer}:root",
        "Operations": list(grant.operations),
    }
    for name, value in (("Name", grant.name), ("RetiringPrincipal", grant.retiring),
                        ("Constraints", grant.constraints)):
        if value:
            entry[name] = value
    return entry


def rotation_entry(key: KeyInfo, material: Material) -> dict[str, Any]:
    entry = {"KeyId": key.key_id, "KeyMaterialId": material.material_id,
             "KeyMaterialState": "CURRENT" if material.current else "NON_CURRENT",
             "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE", "RotationDate": material.created}
    if material.origin in ROTATION_TYPES:
        entry["RotationType"] = ROTATION_TYPES[material.origin]
    return entry


def page(items: list[T], p: dict[str, Any], default_limit: int = 100) -> tuple[list[T], dict[str, Any]]:
    """One page of ``items`` after the request's Marker, and the Truncated/NextMarker members."""
    start = decode_token(p["Marker"], "marker") if "Marker" in p else 0
    if type(start) is not int or start < 0:
        raise AwsError("InvalidMarkerException", "The marker is not valid.")
    limit = p.get("Limit", default_limit)
    chunk = items[start:start + limit]
    more = start + limit < len(items)
    return chunk, {"Truncated": more, **({"NextMarker": encode_token(start + limit)} if more else {})}
