"""Presigned URLs and browser POST uploads, as a browser uses them (plain HTTP with requests):
the Spotify scenario (a 15-minute link that works, then expires on the server clock, and a
tampered link refused) and form uploads checked against their policy.

Links are signed with the client's wall clock, so this module runs its own server, whose clock
no other test moves; the one test that moves it has a server of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.config import Config

from tests.conftest import ServerProcess
from tests.sdk.aws.test_s3 import client, make_bucket

@pytest.fixture(scope="module")
def own_server(private_server: ServerProcess) -> ServerProcess:
    return private_server


@pytest.fixture
def clock_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server for one test alone: the test moves its clock."""
    process = ServerProcess(tmp_path / "data").start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def s3(own_server: ServerProcess) -> Any:
    return client(own_server)


@pytest.fixture
def bucket(s3: Any, unique_name: str) -> str:
    return make_bucket(s3, unique_name)


@pytest.fixture(params=["s3v4", "s3"], ids=["sigv4", "sigv2"])
def signer(request: pytest.FixtureRequest, own_server: ServerProcess) -> Any:
    """A client that presigns with SigV4 (X-Amz-* query) or SigV2 (boto3's default for S3)."""
    return client(own_server, config=Config(signature_version=request.param))


@pytest.mark.parametrize("version", ["s3v4", "s3"], ids=["sigv4", "sigv2"])
def test_spotify_presigned_get_expires_on_the_clock(clock_server: ServerProcess, version: str) -> None:
    s3, signer = client(clock_server), client(clock_server, config=Config(signature_version=version))
    bucket = "spotify-songs"
    s3.create_bucket(Bucket=bucket)
    song = b"ID3" + bytes(range(256)) * 64
    s3.put_object(Bucket=bucket, Key="songs/track-1.mp3", Body=song, ContentType="audio/mpeg")
    url = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "songs/track-1.mp3"},
                                        ExpiresIn=900)
    fetched = requests.get(url)
    assert fetched.status_code == 200 and fetched.content == song
    assert fetched.headers["Content-Type"] == "audio/mpeg"
    ranged = requests.get(url, headers={"Range": "bytes=0-2"})
    assert ranged.status_code == 206 and ranged.content == b"ID3"
    tampered = url.replace("track-1", "track-2")
    refused = requests.get(tampered)
    assert refused.status_code == 403 and b"<Code>SignatureDoesNotMatch</Code>" in refused.content
    forged = url.replace("Signature=", "Signature=AA")
    assert b"SignatureDoesNotMatch" in requests.get(forged).content
    later = signer.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "songs/track-1.mp3"},
                                          ExpiresIn=900)
    clock_server.advance_clock("16m")
    expired = requests.get(url)
    assert expired.status_code == 403
    assert b"<Code>AccessDenied</Code>" in expired.content and b"Request has expired" in expired.content
    assert requests.get(later).status_code == 403


def test_presigned_put_uploads(s3: Any, signer: Any, bucket: str) -> None:
    url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "upload.txt"}, ExpiresIn=300)
    assert requests.put(url, data=b"from the browser").status_code == 200
    assert s3.get_object(Bucket=bucket, Key="upload.txt")["Body"].read() == b"from the browser"
    wrong_key = url.replace("upload.txt", "other.txt")
    assert requests.put(wrong_key, data=b"x").status_code == 403


def test_unknown_access_keys_are_not_verified(own_server: ServerProcess, s3: Any, bucket: str) -> None:
    stranger = client(own_server, aws_access_key_id="AKIDSTRANGER", aws_secret_access_key="whatever")
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    url = stranger.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    assert requests.get(url).content == b"v"


def test_presigned_post_with_policy(s3: Any, signer: Any, bucket: str) -> None:
    post = signer.generate_presigned_post(bucket, "uploads/${filename}", Fields={"Content-Type": "image/png"},
                                      Conditions=[{"Content-Type": "image/png"}, ["starts-with", "$key", "uploads/"],
                                                  ["content-length-range", 1, 1000]], ExpiresIn=600)
    files = {"file": ("cat.png", b"\x89PNG fake", "image/png")}
    done = requests.post(post["url"], data=post["fields"], files=files)
    assert done.status_code == 204, done.content
    got = s3.get_object(Bucket=bucket, Key="uploads/cat.png")
    assert got["Body"].read() == b"\x89PNG fake" and got["ContentType"] == "image/png"
    too_big = requests.post(post["url"], data=post["fields"], files={"file": ("big.png", b"x" * 2000, "image/png")})
    assert too_big.status_code == 400 and b"EntityTooLarge" in too_big.content
    wrong_type = {**post["fields"], "Content-Type": "text/html"}
    assert requests.post(post["url"], data=wrong_type, files=files).status_code == 403
    name = "x-amz-signature" if "x-amz-signature" in post["fields"] else "signature"
    tampered = {**post["fields"], name: "0" * 64}
    refused = requests.post(post["url"], data=tampered, files=files)
    assert refused.status_code == 403 and b"SignatureDoesNotMatch" in refused.content
    created = requests.post(post["url"], data={**post["fields"], "success_action_status": "201"}, files=files)
    assert created.status_code == 403  # success_action_status is not covered by the policy
