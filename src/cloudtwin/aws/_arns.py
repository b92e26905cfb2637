"""ARNs and URLs: the only module that knows their formats."""

from __future__ import annotations

from cloudtwin.engines._kernel.scope import Scope


def arn(service: str, scope: Scope, resource: str) -> str:
    return f"arn:aws:{service}:{scope.location}:{scope.tenant}:{resource}"


def resource_name(value: str, service: str, kind: str) -> str:
    """``value`` itself, or the name inside an ARN like arn:aws:<service>:...:<kind>/<name>."""
    if value.startswith(f"arn:aws:{service}:"):
        resource = value.split(":", 5)[5]
        prefix = f"{kind}/"
        if resource.startswith(prefix):
            return resource[len(prefix):].split("/", 1)[0]
    return value


def arn_scope(value: str) -> Scope | None:
    """The (account, region) an ARN names, or None for a plain name."""
    parts = value.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return Scope(parts[4], parts[3])
    return None


def kms_key_ref(value: str, scope: Scope) -> tuple[Scope, str]:
    """(scope, key id or alias name) of a KMS KeyId given as a key id, key ARN, alias name or alias ARN."""
    parts = value.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "kms":
        resource = parts[5]
        return Scope(parts[4], parts[3]), resource[4:] if resource.startswith("key/") else resource
    return scope, value
