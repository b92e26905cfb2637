"""Junk thrown at every protocol through the face runner: always a 4xx in that protocol's error format.

Requests are random (method, path, query, headers, body), or botocore-valid requests with their
body cut or bytes flipped, or with one value swapped for one of another type. With no operations in the face, a request that is well-formed
after all reaches the runner's "not implemented" (501, named): the only 5xx allowed.
"""

from __future__ import annotations

import string
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

import cbor2
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudtwin.protocols.aws.models import service_model
from cloudtwin.protocols.http import HttpRequest
from tests.unit.protocols.botocore_wire import botocore_parse, botocore_request
from tests.unit.protocols.cases import CASES, SCALE, case_id, oracle_operation
from tests.unit.protocols.faces import answer
from tests.unit.protocols.shape_strategies import top_level

CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/x-amz-json-1.0", "application/json",
                 "application/cbor", "application/xml", "text/plain", ""]
JUNK = st.text(string.printable + "é中\x00", max_size=12)


@cache
def _paths(service: str) -> list[str]:
    model = service_model(service)
    paths = {model.operation_model(op).http.get("requestUri", "/").split("?")[0] for op in model.operation_names}
    paths |= {f"/service/{model.metadata.get('targetPrefix', 'X')}/operation/{op}" for op in model.operation_names}
    return sorted(paths)


@st.composite
def junk_requests(draw: Any, service: str) -> HttpRequest:
    model = service_model(service)
    operation = draw(st.sampled_from(sorted(model.operation_names)))
    path = draw(st.sampled_from(_paths(service)) | JUNK.map(lambda t: "/" + t))
    path = path.replace("{", "").replace("}", "").replace("+", "")
    query = draw(st.lists(st.tuples(st.sampled_from(["Action", "Version", "x", "prefix", "uploads"]) | JUNK,
                                    st.sampled_from([operation, "", "1"]) | JUNK), max_size=4))
    target = f"{model.metadata.get('targetPrefix', '')}.{draw(st.sampled_from([operation, 'Nope']))}"
    headers = {
        "content-type": draw(st.sampled_from(CONTENT_TYPES)),
        "x-amz-target": target,
        "smithy-protocol": "rpc-v2-cbor",
        **draw(st.dictionaries(st.text(string.ascii_lowercase + "-", min_size=1, max_size=10), JUNK, max_size=3)),
    }
    body = draw(st.binary(max_size=64) | JUNK.map(str.encode) | st.sampled_from(
        [b"{", b"[]", b'{"a": 1}', b"<a>", b"<?xml version='1.0'?><x><y>1</y></x>", b"\xa1\x61", b"Action=" + operation.encode()]
    ))
    query_string = "&".join(f"{k}={v}" for k, v in query)
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"]))
    return HttpRequest(method, path, query_string, headers, body)


@st.composite
def damaged_requests(draw: Any, service: str, protocol: str, damage: bool = True) -> HttpRequest:
    """A request botocore would send, with its body cut short or some bytes flipped."""
    model = service_model(service)
    operation = model.operation_model(draw(st.sampled_from(sorted(model.operation_names))))
    params = draw(top_level(operation.input_shape)) if operation.input_shape is not None else {}
    request = botocore_request(protocol, operation, params)
    body = bytearray(request.body)
    if not damage:
        return request
    if body and draw(st.booleans()):
        del body[draw(st.integers(0, len(body) - 1)) :]
    for _ in range(draw(st.integers(0, 3)) if body else 0):
        body[draw(st.integers(0, len(body) - 1))] = draw(st.integers(0, 255))
    request.body = bytes(body)
    return request


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=4,
)


def _replace_one(draw: Any, value: Any, new: st.SearchStrategy[Any]) -> Any:
    """``value`` (decoded JSON/CBOR or form pairs) with one leaf, chosen at random, replaced."""
    if isinstance(value, dict) and value:
        key = draw(st.sampled_from(sorted(value, key=str)))
        return {**value, key: _replace_one(draw, value[key], new)}
    if isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], _replace_one(draw, value[index], new), *value[index + 1 :]]
    return draw(new)


@st.composite
def retyped_requests(draw: Any, service: str, protocol: str) -> HttpRequest:
    """A request botocore would send, with one value swapped for one of another type."""
    request = draw(damaged_requests(service, protocol, damage=False))
    body = request.body
    if protocol in ("json", "rest-json") and body.startswith(b"{"):
        request.body = orjson.dumps(_replace_one(draw, orjson.loads(body), ANY_JSON))
    elif protocol == "smithy-rpc-v2-cbor" and body:
        request.body = cbor2.dumps(_replace_one(draw, cbor2.loads(body), ANY_JSON))
    elif protocol == "query":
        pairs = parse_qsl(body.decode(), keep_blank_values=True)
        index = draw(st.integers(0, len(pairs) - 1))
        pairs[index] = (pairs[index][0], draw(JUNK))
        request.body = urlencode(pairs).encode()
    return request


def _assert_clean_error(service: str, protocol: str, request: HttpRequest) -> None:
    response = answer(service, protocol, request)
    parsed = botocore_parse(protocol, oracle_operation(service, protocol, sorted(service_model(service).operation_names)[0]),
                            response, error=True)
    code = parsed["Error"]["Code"]
    assert code, response.body
    assert 400 <= response.status < 500 or (response.status == 501 and "NotImplemented" in code), (response, code)


@pytest.mark.parametrize(("service", "protocol"), CASES, ids=[case_id(c) for c in CASES])
@settings(max_examples=SCALE * 10 or 40, deadline=None, derandomize=not SCALE, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_junk_gets_a_clean_4xx(service: str, protocol: str, data: Any) -> None:
    request = data.draw(junk_requests(service) | damaged_requests(service, protocol)
                        | retyped_requests(service, protocol))
    _assert_clean_error(service, protocol, request)
