"""botocore as the oracle: its client serializer builds our HttpRequest, its parser reads our HttpResponse."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import HeadersDict, create_request_object, prepare_request_dict
from botocore.model import OperationModel
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer

from cloudtwin.protocols.http import HttpRequest, HttpResponse

ENDPOINT = "http://127.0.0.1:4566"


def botocore_request(protocol: str, operation: OperationModel, params: dict[str, Any]) -> HttpRequest:
    """What a botocore client speaking ``protocol`` sends for ``params`` (before signing)."""
    request_dict = create_serializer(protocol, include_validation=False).serialize_to_request(params, operation)
    prepare_request_dict(request_dict, ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = body.read()
    headers = {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in prepared.headers.items()}
    return HttpRequest(prepared.method, url.path or "/", url.query, headers, body)


def botocore_parse(protocol: str, operation: OperationModel, response: HttpResponse, error: bool = False) -> Any:
    headers = HeadersDict()
    for name, value in response.headers:
        headers[name] = value
    body: Any = response.body
    if operation.has_streaming_output and not error:  # as botocore's endpoint hands it over
        body = StreamingBody(io.BytesIO(response.body), len(response.body))
    raw = {"status_code": response.status, "headers": headers, "body": body}
    return create_parser(protocol).parse(raw, None if error else operation.output_shape)
