"""The AWS CLI against cloudtwin's S3: ``aws s3 mb/cp/sync/ls/presign/rm`` and ``aws s3api``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ServerProcess

pytestmark = pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is a test dependency (awscli)")


def aws_cli(server: ServerProcess, *args: str) -> str:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
           "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}
    result = subprocess.run(["aws", "--endpoint-url", server.endpoint, *args], capture_output=True, text=True,
                            env=env, timeout=120)
    if result.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def s3api(server: ServerProcess, *args: str) -> Any:
    out = aws_cli(server, "--output", "json", "s3api", *args)
    return json.loads(out) if out.strip() else None


def test_cp_sync_ls_presign_rm(server: ServerProcess, unique_name: str, tmp_path: Path) -> None:
    bucket = unique_name.lower()[-50:].lstrip("-")
    aws_cli(server, "s3", "mb", f"s3://{bucket}")
    site = tmp_path / "site"
    (site / "css").mkdir(parents=True)
    (site / "index.html").write_text("<h1>hi</h1>")
    (site / "css" / "main.css").write_text("body{}")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(9 * 1024 * 1024))  # multipart through the CLI's transfer manager
    aws_cli(server, "s3", "cp", str(big), f"s3://{bucket}/big.bin")
    aws_cli(server, "s3", "sync", str(site), f"s3://{bucket}/site")
    listing = aws_cli(server, "s3", "ls", f"s3://{bucket}/", "--recursive")
    assert "site/index.html" in listing and "site/css/main.css" in listing and "big.bin" in listing
    again = aws_cli(server, "s3", "sync", str(site), f"s3://{bucket}/site")
    assert again.strip() == ""  # nothing changed, nothing copied
    back = tmp_path / "back.bin"
    aws_cli(server, "s3", "cp", f"s3://{bucket}/big.bin", str(back))
    assert back.read_bytes() == big.read_bytes()
    url = aws_cli(server, "s3", "presign", f"s3://{bucket}/site/index.html", "--expires-in", "900").strip()
    assert requests.get(url).text == "<h1>hi</h1>"
    aws_cli(server, "s3", "rb", f"s3://{bucket}", "--force")
    assert bucket not in aws_cli(server, "s3", "ls")


def test_s3api_commands(server: ServerProcess, unique_name: str, tmp_path: Path) -> None:
    bucket = unique_name.lower()[-50:].lstrip("-")
    s3api(server, "create-bucket", "--bucket", bucket)
    body = tmp_path / "note.txt"
    body.write_text("api")
    put = s3api(server, "put-object", "--bucket", bucket, "--key", "note.txt", "--body", str(body),
                "--content-type", "text/plain", "--metadata", "author=ana")
    head = s3api(server, "head-object", "--bucket", bucket, "--key", "note.txt")
    assert head["ETag"] == put["ETag"] and head["ContentType"] == "text/plain" and head["Metadata"] == {"author": "ana"}
    s3api(server, "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")
    listed = s3api(server, "list-objects-v2", "--bucket", bucket)
    assert [o["Key"] for o in listed["Contents"]] == ["note.txt"]
    out = tmp_path / "out.txt"
    s3api(server, "get-object", "--bucket", bucket, "--key", "note.txt", str(out))
    assert out.read_text() == "api"
