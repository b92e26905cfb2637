"""S3Face: the runner of every face, plus what S3 does around it on the wire.

Before the runner: a presigned URL is checked (expiry on the server clock, signature); a
virtual-hosted-style request (``<bucket>.s3.localhost``) is rewritten to path style; CORS
preflights (OPTIONS) and browser form uploads (POST with multipart/form-data), which are not
operations of the model, are answered here. Around the runner: the request's body and the
response's streamed body travel through an Exchange, and CORS headers are added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from typing import ClassVar

from cloudtwin.aws._face import Face
from cloudtwin.aws.s3 import cors, post
from cloudtwin.aws.s3.checksums import decode_b64
from cloudtwin.aws.s3.chunked import is_chunked
from cloudtwin.aws.s3.env import S3Env
from cloudtwin.aws.s3.exchange import Exchange
from cloudtwin.aws.s3.presign import check_presigned, check_presigned_v2, is_presigned_v2
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.protocols.aws.errors import AwsError
from cloudtwin.protocols.aws.sigv4 import read_credential
from cloudtwin.protocols.aws.wire import wire_protocol
from cloudtwin.protocols.http import HttpRequest, HttpResponse

#: Bodies up to this size are answered whole, larger ones streamed.
SMALL_BODY = 256 * 1024


def bucket_from_host(host: str, domains: tuple[str, ...]) -> str | None:
    """The bucket a virtual-hosted-style Host names (``photos.s3.localhost:4566`` -> photos)."""
    name = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else ""
    if not name or name in domains:
        return None
    for domain in domains:
        if name.endswith("." + domain):
            return name[: -len(domain) - 1]
    return None


def path_style(request: HttpRequest, domains: tuple[str, ...]) -> HttpRequest:
    bucket = bucket_from_host(request.host, domains)
    if bucket is None:
        return request
    rest = "" if request.raw_path == "/" else request.raw_path
    return replace(request, raw_path=f"/{bucket}{rest}")


def check_content_md5(request: HttpRequest) -> None:
    """Content-MD5 of a body held in memory (configurations, DeleteObjects; object bodies are
    checked again, and spooled or chunked ones only, by the blob engine as they are stored)."""
    given = request.headers.get("content-md5")
    if given is None or request.body_file is not None or is_chunked(request.headers):
        return
    if decode_b64(given, "Content-MD5") != hashlib.md5(request.body).digest():
        raise AwsError("BadDigest", "The Content-MD5 you specified did not match what we received.")


def bucket_of(request: HttpRequest) -> str:
    return request.path.lstrip("/").split("/", 1)[0]


@dataclass(frozen=True)
class S3Face(Face):
    #: Large bodies are spooled to disk by the server and streamed through the Exchange.
    streams_body: ClassVar[bool] = True

    def handle(self, env: S3Env, ctx: RequestContext, request: HttpRequest,
               protocol_name: str) -> HttpResponse | Awaitable[HttpResponse]:
        try:
            request = self._prepare(env, ctx, request)
            special = self._outside_model(env, ctx, request)
        except AwsError as error:
            return self._error(error, ctx)
        except EngineError as exc:
            return self._error(self.errors(exc), ctx)
        if special is not None:
            return special
        exchange = Exchange(request)
        response = super().handle(replace(env, exchange=exchange), ctx, request, protocol_name)
        if isinstance(response, HttpResponse):
            return self._complete(response, exchange, env, request)
        return self._complete_later(response, exchange, env, request)

    def _complete(self, response: HttpResponse, exchange: Exchange, env: S3Env, request: HttpRequest) -> HttpResponse:
        self._attach_body(response, exchange)
        cors.add_cors_headers(env.blobs, bucket_of(request), request, response)
        return response

    async def _complete_later(self, pending: Awaitable[HttpResponse], exchange: Exchange, env: S3Env,
                              request: HttpRequest) -> HttpResponse:
        """An upload whose large body is being written in a worker thread."""
        return self._complete(await pending, exchange, env, request)

    def _prepare(self, env: S3Env, ctx: RequestContext, request: HttpRequest) -> HttpRequest:
        credential = read_credential(request)
        if credential is not None and credential.presigned:
            check_presigned(request, credential, env.credentials, ctx.now)
        request = path_style(request, env.domains)
        if credential is None and is_presigned_v2(request):
            check_presigned_v2(request, env.credentials, ctx.now)
        check_content_md5(request)
        return request

    def _outside_model(self, env: S3Env, ctx: RequestContext, request: HttpRequest) -> HttpResponse | None:
        bucket = bucket_of(request)
        if request.method == "OPTIONS" and bucket:
            return HttpResponse(200, cors.preflight(env.blobs, bucket, request))
        if request.method == "POST" and bucket and post.is_form_upload(request):
            response = post.upload(replace(env, exchange=Exchange(request)), ctx, bucket, request)
            cors.add_cors_headers(env.blobs, bucket, request, response)
            return response
        return None

    def _error(self, error: AwsError, ctx: RequestContext) -> HttpResponse:
        return wire_protocol("rest-xml").serialize_error(self.model, None, error, ctx.request_id)

    @staticmethod
    def _attach_body(response: HttpResponse, exchange: Exchange) -> None:
        if exchange.status is not None and response.status < 300:
            response.status = exchange.status
        if response.status == 304:
            response.body = b""
            response.headers = [(k, v) for k, v in response.headers if k.lower() != "content-type"]
        if exchange.out is None or response.status >= 300:
            return
        response.headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        response.headers.append(("content-length", str(exchange.out_length)))
        if exchange.out_length <= SMALL_BODY:  # one send instead of a stream of them
            response.body = b"".join(exchange.out)
        else:
            response.body = b""
            response.stream = exchange.stream()

