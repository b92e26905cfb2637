"""Which face answers a request, and in which of its protocols.

AWS, in LocalStack's order: the SigV4 credential scope's service, then ``X-Amz-Target``'s
prefix, then the form ``Action`` of query protocols, then the face that claims plain paths
(S3). The protocol of a face that speaks several (SQS: json and query) is told by the
request's content type and headers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from cloudtwin.aws._face import Face
from cloudtwin.protocols.aws.sigv4 import Credential, read_credential
from cloudtwin.protocols.http import HttpRequest


class Route(NamedTuple):
    face: Face
    protocol: str
    credential: Credential | None


def _signing_names(face: Face) -> set[str]:
    meta = face.model.metadata
    return {meta.get("signingName") or meta["endpointPrefix"], meta["endpointPrefix"], face.service}


def _pick_protocol(face: Face, request: HttpRequest) -> str:
    names = face.protocol_names
    if len(names) == 1:
        return names[0]
    if "smithy-rpc-v2-cbor" in names and request.headers.get("smithy-protocol") == "rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    if "json" in names and "x-amz-target" in request.headers:
        return "json"
    if "query" in names and (
        request.content_type.startswith("application/x-www-form-urlencoded") or "Action" in request.query
    ):
        return "query"
    return names[0]


def _action(request: HttpRequest) -> str | None:
    """The query protocol's ``Action``, from the query string or a form body."""
    for key, value in request.query_list + request.form_list:
        if key == "Action":
            return value
    return None


def _unique_actions(faces: list[Face]) -> dict[str, Face]:
    """Operation name -> the one query-speaking face that has it (unsigned requests, e.g. STS's
    AssumeRoleWithWebIdentity); a name several such faces share routes nowhere by itself."""
    owners: dict[str, list[Face]] = {}
    for face in faces:
        if "query" in face.protocol_names:
            for name in face.model.operation_names:
                owners.setdefault(name, []).append(face)
    return {name: found[0] for name, found in owners.items() if len(found) == 1}


class Router:
    def __init__(self, faces: Iterable[Face]) -> None:
        self.faces = list(faces)
        self._by_signing_name: dict[str, Face] = {}
        self._by_target: dict[str, Face] = {}
        self._by_action = _unique_actions(self.faces)
        self._path_face: Face | None = None
        for face in self.faces:
            for name in _signing_names(face):
                self._by_signing_name.setdefault(name, face)
            prefix = face.model.metadata.get("targetPrefix")
            if prefix:
                self._by_target[prefix] = face
            if face.model.protocol == "rest-xml" and face.service == "s3":
                self._path_face = face

    def route(self, request: HttpRequest) -> Route | None:
        credential = read_credential(request)
        face = self._by_signing_name.get(credential.service) if credential else None
        if face is None:
            target = request.headers.get("x-amz-target")
            if target:
                face = self._by_target.get(target.rpartition(".")[0])
        if face is None:
            face = self._by_action.get(_action(request) or "")
        if face is None:
            face = self._path_face
        if face is None:
            return None
        return Route(face, _pick_protocol(face, request), credential)
