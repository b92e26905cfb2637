"""Face: a service's table of operations, and the runner that drives one request through it.

The runner: protocol finds the operation -> parses -> model validation -> the operation
function ``(env, ctx, params) -> dict`` -> serialize. Engine errors are mapped to the
service's error shapes by the face's ``errors`` function; an operation the model has but the
face lacks answers "not implemented", naming it.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel, ServiceModel

from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.protocols.aws.errors import AwsError, not_implemented
from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.aws.validate import validate
from cloudtwin.protocols.aws.wire import WireProtocol, wire_protocol
from cloudtwin.protocols.http import HttpRequest, HttpResponse

log = logging.getLogger("cloudtwin.aws")

Params = dict[str, Any]
#: An operation answers a dict, or an awaitable of one when it must wait (SQS long polling).
Operation = Callable[[Any, RequestContext, Params], dict[str, Any] | Awaitable[dict[str, Any]]]
ErrorMap = Callable[[EngineError], AwsError]


class Operations(dict[str, Operation]):
    """Operation name -> function; filled with the ``@operations.operation("Name")`` decorator."""

    def operation(self, name: str) -> Callable[[Operation], Operation]:
        def register(fn: Operation) -> Operation:
            self[name] = fn
            return fn

        return register


def internal_error(exc: EngineError) -> AwsError:
    return AwsError("InternalFailure", exc.detail, 500, sender_fault=False)


@dataclass(frozen=True)
class Face:
    service: str
    operations: Operations
    errors: ErrorMap = internal_error
    #: The protocols this face answers in; the first is the model's own.
    protocols: tuple[str, ...] = field(default=())

    @property
    def model(self) -> ServiceModel:
        return service_model(self.service)

    @property
    def protocol_names(self) -> tuple[str, ...]:
        return self.protocols or (self.model.protocol,)

    def coverage(self) -> tuple[list[str], list[str]]:
        """(implemented, missing) operation names, against the model."""
        names = sorted(self.model.operation_names)
        return [n for n in names if n in self.operations], [n for n in names if n not in self.operations]

    def handle(self, env: Any, ctx: RequestContext, request: HttpRequest,
               protocol_name: str) -> HttpResponse | Awaitable[HttpResponse]:
        """The response; or, for an operation that returned an awaitable (a long poll), an
        awaitable of it, which the server awaits."""
        model = self.model
        protocol = wire_protocol(protocol_name)
        name = protocol.operation_name(request, model)
        if name is None:
            return protocol.serialize_error(model, None, protocol.unknown_operation(request), ctx.request_id)
        operation = model.operation_model(name)
        try:
            params = protocol.parse(request, operation)
            validate(operation, params)
            fn = self.operations.get(name)
            if fn is None:
                raise not_implemented(self.service, name)
            result = fn(env, ctx._replace(service=self.service, operation=name), params)
        except AwsError as error:
            return protocol.serialize_error(model, operation, error, ctx.request_id)
        except EngineError as exc:
            return protocol.serialize_error(model, operation, self.errors(exc), ctx.request_id)
        if inspect.isawaitable(result):
            return self._finish(result, protocol, operation, ctx.request_id)
        return protocol.serialize(operation, result, ctx.request_id)

    async def _finish(self, pending: Awaitable[dict[str, Any]], protocol: WireProtocol, operation: OperationModel,
                      request_id: str) -> HttpResponse:
        try:
            result = await pending
        except AwsError as error:
            return protocol.serialize_error(operation.service_model, operation, error, request_id)
        except EngineError as exc:
            return protocol.serialize_error(operation.service_model, operation, self.errors(exc), request_id)
        return protocol.serialize(operation, result, request_id)

