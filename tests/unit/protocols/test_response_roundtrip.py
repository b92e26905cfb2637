"""We serialize a result or an error; botocore's response parser must read what we meant."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudtwin.protocols.aws.error_shapes import legacy_code, wire_status
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.aws.wire import wire_protocol
from tests.unit.protocols.botocore_wire import botocore_parse
from tests.unit.protocols.cases import (
    CASES, EXAMPLES, SHARED_ELEMENTS, UNWRAPPED_RESULTS, case_id, operation_cases, oracle_operation,
)
from tests.unit.protocols.normalize import normal, without_http_headers
from tests.unit.protocols.shape_strategies import TEXT, top_level


@pytest.mark.parametrize(("service", "protocol", "operation"), operation_cases(),
                         ids=[case_id(c) for c in operation_cases()])
def test_result_reads_back_in_botocore(service: str, protocol: str, operation: str) -> None:
    op = service_model(service).operation_model(operation)
    if op.has_event_stream_output:
        pytest.skip("event stream output")
    if (service, operation) in SHARED_ELEMENTS:
        pytest.skip("two members share one XML element name")
    if (service, operation) in UNWRAPPED_RESULTS:
        pytest.skip("botocore reads this result with a client handler")
    oracle = oracle_operation(service, protocol, operation)
    shape = op.output_shape
    wire = wire_protocol(protocol)

    def check(result: dict[str, Any]) -> None:
        response = wire.serialize(op, result, "request-1")
        parsed = botocore_parse(protocol, oracle, response)
        parsed.pop("ResponseMetadata", None)
        for name, member in (shape.members.items() if shape else ()):
            if member.serialization.get("location") == "statusCode" and name not in result:
                assert parsed.pop(name) == response.status  # botocore reads it from any response
        if shape is None:
            assert parsed == {}
            return
        assert normal(shape, without_http_headers(shape, parsed)) == normal(shape, without_http_headers(shape, result))

    if shape is None:
        check({})
        return
    given(top_level(shape))(EXAMPLES(check))()


def _error_cases() -> list[tuple[str, str, str]]:
    cases: list[tuple[str, str, str]] = []
    for service, protocol in CASES:
        model = service_model(service)
        cases.extend((service, protocol, shape.name) for shape in model.error_shapes)
        cases.append((service, protocol, "InternalFailure"))  # a common error, not in the model
    return cases


@pytest.mark.parametrize(("service", "protocol", "code"), _error_cases(), ids=[case_id(c) for c in _error_cases()])
def test_error_reads_back_in_botocore(service: str, protocol: str, code: str) -> None:
    model = service_model(service)
    operation = sorted(model.operation_names)[0]
    oracle = oracle_operation(service, protocol, operation)
    wire = wire_protocol(protocol)
    named_by_legacy_code = protocol in ("query", "rest-xml") or "awsQueryCompatible" in model.metadata

    def check(message: str) -> None:
        error = AwsError(code, message, 400 if code != "InternalFailure" else 500)
        response = wire.serialize_error(model, model.operation_model(operation), error, "request-1")
        parsed = botocore_parse(protocol, oracle, response, error=True)["Error"]
        assert parsed["Code"] == (legacy_code(model, error) if named_by_legacy_code else code)
        assert parsed["Message"] == message
        assert response.status == wire_status(model, error) >= 400

    given(st.text(TEXT, min_size=1, max_size=20))(EXAMPLES(check))()
