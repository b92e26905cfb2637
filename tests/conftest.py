"""Shared fixtures: a live cloudtwin server per test worker, real SDK clients pointed at it.

``server`` is started once per xdist worker as a separate process (``python -m cloudtwin up``)
on a free port with its own data dir, so tests exercise the real wire, exactly as users do.
``ServerProcess`` can also be used directly by tests that kill and restart a server.

Tests that move the server's clock far (days) use ``private_server`` (one per test module):
the shared server's clock must stay near the wall clock, which clients sign requests with.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """A cloudtwin server in a child process: start, kill -9, restart on the same data dir."""

    def __init__(self, data_dir: Path, *extra: str, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.extra = list(extra)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServerProcess":
        args = [sys.executable, "-m", "cloudtwin", "up", "--port", str(self.port),
                "--data-dir", str(self.data_dir), *self.extra]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cloudtwin exited: {self.log.read_text()[-2000:]}")
            try:
                self.get("/_cloudtwin/health")
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("cloudtwin did not start within 30 s")

    def kill(self) -> None:
        """kill -9: no chance to flush or close anything."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.endpoint + path, timeout=5) as response:
            return json.loads(response.read())

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body or {}).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method="POST",
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def advance_clock(self, seconds: float | str) -> Any:
        """Move the server's clock forward; due sweeps (TTL, timeouts) have run when it returns."""
        return self.post("/_cloudtwin/clock", {"advance": seconds})


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("cloudtwin") / "data").start()
    yield process
    process.stop()


def raw_client(server: ServerProcess, service: str) -> Any:
    """A boto3 client that never retries and gives up quickly: for tests that kill the server."""
    import boto3
    from botocore.config import Config

    return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                        config=Config(retries={"max_attempts": 0}, connect_timeout=2, read_timeout=30))


def kill_under_load(server: ServerProcess, service: str, write: Callable[[Any, str], str],
                    workers: int = 4, at_least: int = 300) -> list[str]:
    """Threads call ``write(client, tag)`` (each with its own client, ``tag`` unique) until
    ``at_least`` writes are acknowledged, then the server gets kill -9. Returns what every
    acknowledged write returned; writes in flight at the kill are not in it."""
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer(worker: int) -> None:
        own = raw_client(server, service)
        for i in range(1_000_000):
            if stop.is_set():
                return
            try:
                result = write(own, f"{worker}-{i}")
            except Exception:  # the server is gone: what was acknowledged is all that counts
                return
            acknowledged.append(result)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < at_least and any(t.is_alive() for t in threads):
        time.sleep(0.01)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()
    return list(acknowledged)


@pytest.fixture(scope="module")
def private_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server for one test module alone: for tests that move its clock far."""
    process = ServerProcess(tmp_path_factory.mktemp("private") / "data").start()
    yield process
    process.stop()


def client_factory(server: ServerProcess) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=60)

    def client(service: str, **kwargs: Any) -> Any:
        kwargs.setdefault("region_name", "us-east-1")
        return boto3.client(service, endpoint_url=server.endpoint, config=config, **kwargs)

    return client


@pytest.fixture(scope="session")
def aws(server: ServerProcess) -> Any:
    """``aws("dynamodb")`` -> a boto3 client for the live server."""
    return client_factory(server)


@pytest.fixture
def unique_name(request: pytest.FixtureRequest) -> str:
    """A resource name unique to the test (tests share one server per worker)."""
    base = "".join(ch if ch.isalnum() else "-" for ch in request.node.name)[-40:].strip("-")
    return f"{base}-{os.urandom(3).hex()}"
