"""botocore's client serializer writes a request; our protocol must find the operation and read back the params.

The client is built from the oracle model: for SQS over query, the legacy query model (``cases.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.aws.parse.rest import route_index
from cloudtwin.protocols.aws.wire import wire_protocol
from tests.unit.protocols.botocore_wire import botocore_request
from tests.unit.protocols.cases import EXAMPLES, SHARED_ELEMENTS, case_id, operation_cases, oracle_operation
from tests.unit.protocols.normalize import normal, without_http_headers
from tests.unit.protocols.shape_strategies import top_level


def _same_route(service: str, a: str, b: str) -> bool:
    """Two rest operations no request can tell apart (S3's ListBuckets and ListDirectoryBuckets)."""
    index = route_index(service_model(service))
    routes = {r.operation: (r.pattern.pattern, r.query) for g in index._groups.values() for r in g}
    return routes[a] == routes[b]


@pytest.mark.parametrize(("service", "protocol", "operation"), operation_cases(), ids=[case_id(c) for c in operation_cases()])
def test_botocore_request_reads_back(service: str, protocol: str, operation: str) -> None:
    model = service_model(service)
    op = model.operation_model(operation)
    sender = oracle_operation(service, protocol, operation)  # SQS over query: the legacy model's client
    wire = wire_protocol(protocol)
    shape = op.input_shape

    def check(params: dict[str, Any]) -> None:
        request = botocore_request(protocol, sender, params)
        found = wire.operation_name(request, model)
        assert found == operation or (found and protocol.startswith("rest") and _same_route(service, found, operation))
        if shape is None:
            return
        parsed = wire.parse(request, op)
        assert normal(shape, without_http_headers(shape, parsed)) == normal(shape, without_http_headers(shape, params))

    if shape is None:
        check({})
        return
    if (service, operation) in SHARED_ELEMENTS:
        pytest.skip("two members share one XML element name")
    given(top_level(sender.input_shape))(EXAMPLES(check))()
