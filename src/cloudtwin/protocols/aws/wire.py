"""WireProtocol: what the server asks of every AWS protocol, and the registry of them.

One class per protocol (json, query, rest-json, rest-xml, smithy-rpc-v2-cbor), each built from
its ``parse/`` and ``serialize/`` modules. A protocol knows how to find the operation a
request names, read its params, and write a result or an error. It knows nothing of services
beyond their botocore model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cache
from importlib import import_module
from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.http import HttpRequest, HttpResponse


class WireProtocol(ABC):
    name: str

    @abstractmethod
    def operation_name(self, request: HttpRequest, service: ServiceModel) -> str | None:
        """The operation ``request`` names, or None when it names none of ``service``'s."""

    def unknown_operation(self, request: HttpRequest) -> AwsError:
        """The error for a request that names no operation of the service."""
        target = request.headers.get("x-amz-target") or request.path
        return AwsError("UnknownOperationException", f"Unknown operation {target}")

    @abstractmethod
    def parse(self, request: HttpRequest, operation: OperationModel) -> dict[str, Any]:
        """The operation's params; raises AwsError for a malformed request."""

    @abstractmethod
    def serialize(self, operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
        """The HTTP response carrying ``result`` (a dict of the output shape's members)."""

    @abstractmethod
    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: AwsError, request_id: str
    ) -> HttpResponse:
        """The HTTP response carrying ``error``."""


#: botocore's protocol name -> the module and class that speak it (imported when first asked for).
_PROTOCOLS = {
    "json": "json_wire:JsonProtocol",
    "query": "query_wire:QueryProtocol",
    "rest-json": "rest_json_wire:RestJsonProtocol",
    "rest-xml": "rest_xml_wire:RestXmlProtocol",
    "smithy-rpc-v2-cbor": "cbor_wire:CborProtocol",
}


@cache
def wire_protocol(name: str) -> WireProtocol:
    """The protocol named as in botocore's metadata ("json", "query", "rest-xml", ...)."""
    module_name, class_name = _PROTOCOLS[name].split(":")
    protocol: type[WireProtocol] = getattr(import_module(f"cloudtwin.protocols.aws.{module_name}"), class_name)
    return protocol()
