"""The command line as a newcomer uses it: up, status, coverage, reset, python -m cloudtwin."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ServerProcess, free_port


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cloudtwin", *args], capture_output=True, text=True, timeout=60)


def test_coverage_lists_dynamodb_operations() -> None:
    result = run("coverage", "dynamodb")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("dynamodb: ") and first.endswith(" operations")
    assert "PutItem" in result.stdout and "TransactWriteItems" in result.stdout
    assert "missing:" in result.stdout


def test_coverage_of_unknown_service_fails() -> None:
    result = run("coverage", "nosuchservice")
    assert result.returncode == 1
    assert "has no nosuchservice face" in result.stderr


def test_status_and_reset_against_a_running_server(server: ServerProcess) -> None:
    status = run("status", "--port", str(server.port))
    assert status.returncode == 0
    assert json.loads(status.stdout)["status"] == "running"
    reset = run("reset", "dynamodb", "--port", str(server.port))
    assert reset.returncode == 0 and json.loads(reset.stdout) == {"reset": ["dynamodb"]}


def test_status_when_nothing_runs() -> None:
    result = run("status", "--port", str(free_port()))
    assert result.returncode == 1
    assert "no cloudtwin answers" in result.stdout


def test_up_prints_endpoint_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cloudtwin", "up", "--port", str(port), "--data-dir",
                             str(tmp_path / "d")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        assert f"http://127.0.0.1:{port}" in first
        server = ServerProcess(tmp_path / "d", port=port)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                assert server.get("/_cloudtwin/health")["status"] == "running"
                break
            except OSError:
                time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
        assert (tmp_path / "d" / "tables.sqlite").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stdout:
            proc.stdout.close()


def test_ephemeral_keeps_nothing_on_disk(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "never", "--ephemeral").start()
    try:
        assert server.get("/_cloudtwin/health")["ephemeral"] is True
    finally:
        server.stop()
    assert not (tmp_path / "never").exists()


def test_debug_log_shows_each_request(tmp_path: Path) -> None:
    import boto3

    server = ServerProcess(tmp_path / "data", "--log-level", "debug").start()
    try:
        ddb = boto3.client("dynamodb", endpoint_url=server.endpoint, region_name="eu-west-1")
        ddb.list_tables()
        try:
            ddb.describe_table(TableName="missing-table")
        except ddb.exceptions.ResourceNotFoundException:
            pass
    finally:
        server.stop()
    log = server.log.read_text()
    assert "dynamodb.ListTables -> 200 (000000000000/eu-west-1," in log
    assert "dynamodb.DescribeTable -> 400" in log
