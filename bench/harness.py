"""The moving parts of a benchmark run: servers as processes, /proc accounting, SigV4
pre-signing, the Lua request file and wrk itself. No knowledge of any service lives here."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BENCH_DIR = Path(__file__).resolve().parent
REPLAY_LUA = BENCH_DIR / "replay.lua"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

ACCESS_KEY = "test"
SECRET_KEY = "test"
REGION = "us-east-1"


# ---------------------------------------------------------------- requests


@dataclass
class Request:
    """One raw HTTP request, unsigned until sign() fills in its auth headers."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


def sign(req: Request, service: str, host: str) -> Request:
    """Sign with botocore's own SigV4 code, for the host the request will be sent to."""
    aws = AWSRequest(
        method=req.method,
        url=f"http://{host}{req.path}",
        data=req.body,
        headers={"Host": host, **req.headers},
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), service, REGION).add_auth(aws)
    return Request(req.method, req.path, dict(aws.headers.items()), req.body)


def _lua_str(value: str | bytes) -> str:
    data = value.encode() if isinstance(value, str) else value
    out = ['"']
    for b in data:
        if b in (0x22, 0x5C):  # " and backslash
            out.append("\\" + chr(b))
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\%03d" % b)
    out.append('"')
    return "".join(out)


def write_lua_requests(requests: list[Request], path: Path) -> None:
    """Write requests as a Lua file returning {{method, path, headers, body}, ...}.

    LuaJIT caps the constants of one function, so every 500 requests get their own function.
    """
    with open(path, "w") as f:
        f.write("local all = {}\n")
        for start in range(0, len(requests), 500):
            f.write("for _, r in ipairs((function() return {\n")
            for req in requests[start : start + 500]:
                headers = ", ".join(
                    f"[{_lua_str(k)}]={_lua_str(v)}"
                    for k, v in req.headers.items()
                    if k.lower() != "content-length"  # wrk.format sets it
                )
                f.write(
                    f"{{{_lua_str(req.method)}, {_lua_str(req.path)}, {{{headers}}}, "
                    f"{_lua_str(req.body)}}},\n"
                )
            f.write("} end)()) do all[#all + 1] = r end\n")
        f.write("return all\n")


def send(host: str, req: Request, timeout: float = 30.0) -> tuple[int, bytes]:
    """Send one request with the standard library; for probes and verification only."""
    conn = http.client.HTTPConnection(host, timeout=timeout)
    try:
        headers = {k: v for k, v in req.headers.items() if k.lower() != "host"}
        conn.putrequest(req.method, req.path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", req.headers.get("Host", host))
        for k, v in headers.items():
            conn.putheader(k, v)
        if "content-length" not in {k.lower() for k in headers}:
            conn.putheader("Content-Length", str(len(req.body)))
        conn.endheaders(req.body)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def bulk(host: str, service: str, make, count: int, threads: int = 4,
         check=lambda body: None) -> float:
    """Sign and send make(0..count-1) over THREADS keep-alive connections; every answer must
    be a 2xx that passes check. For loading data before a timed run; returns seconds."""
    import threading

    cursor = iter(range(count))
    lock = threading.Lock()
    failures: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection(host, timeout=300)
        while not failures:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            req = sign(make(i), service, host)
            conn.request(req.method, req.path, body=req.body, headers=req.headers)
            resp = conn.getresponse()
            body = resp.read()
            problem = None if 200 <= resp.status < 300 else f"HTTP {resp.status}: {body[:300]!r}"
            problem = problem or check(body)
            if problem:
                failures.append(f"request {i}: {problem}")
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if failures:
        raise RuntimeError(f"bulk load failed: {failures[0]}")
    return time.perf_counter() - started


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        out = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out.extend(int(x) for x in f.read().split())
        return out
    except OSError:
        return []


def process_tree(pid: int) -> list[int]:
    """pid and all its live descendants (a granian supervisor's worker, npm's node...)."""
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.append(p)
            todo.extend(_children(p))
    return seen


def cpu_seconds(pid: int) -> float:
    """utime+stime of the process tree, in seconds (all threads of each process)."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        except (OSError, IndexError):
            pass
    return total / CLK_TCK


def rss_bytes(pid: int) -> int:
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError):
            pass
    return total


@dataclass
class Server:
    """A server process started by the bench, in its own session so it can be stopped whole."""

    name: str
    argv: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    log_path: Path | None = None
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    _log: object = None

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "wb")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env={**os.environ, **self.env},
            stdin=subprocess.DEVNULL,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, probe: Request, timeout: float = 60.0) -> float:
        """Poll with the probe until it gets a 2xx; seconds from start() to that answer."""
        deadline = time.perf_counter() + timeout
        last = "no answer"
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} before answering; "
                    f"see {self.log_path}"
                )
            try:
                status, body = send(self.host, probe, timeout=2.0)
                if 200 <= status < 300:
                    return time.perf_counter() - self.started_at
                last = f"{status} {body[:200]!r}"
            except OSError as e:
                last = repr(e)
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} not ready after {timeout}s: {last}; see {self.log_path}")

    def stop(self) -> None:
        if not self.proc or self.proc.poll() is not None:
            self._close_log()
            return
        pgid = self.proc.pid  # its own session: process group id == its pid
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        # a supervisor may exit before its workers: clear the rest of the group
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._close_log()

    def _close_log(self) -> None:
        if self._log:
            self._log.close()
            self._log = None


def busy_cpu_seconds() -> float:
    """CPU time spent busy on the whole machine so far (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    return (sum(fields[:3]) + sum(fields[5:8])) / CLK_TCK


def wait_quiet(max_wait: float, threshold: float = 0.25, log=None) -> float:
    """Wait (at most max_wait s) until the machine's busy CPU over 1 s is under threshold
    cores, so a timed run does not start while someone else's job holds the cores. Returns
    the last 1 s sample, in cores."""
    deadline = time.perf_counter() + max_wait
    warned = False
    while True:
        before = busy_cpu_seconds()
        time.sleep(1.0)
        busy = busy_cpu_seconds() - before
        if busy < threshold or time.perf_counter() >= deadline:
            return busy
        if log and not warned:
            log(f"machine busy ({busy:.2f} cores used by others); waiting up to {max_wait:.0f}s")
            warned = True


# ---------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    requests: int
    seconds: float
    ok: int
    non_2xx: int
    socket_errors: int
    timeouts: int
    p50_ms: float
    p99_ms: float
    server_cpu_s: float
    wrk_cpu_s: float
    first_non_2xx: str
    other_cores: float = 0.0  # CPU others used during the run, in cores (noise)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_op(self) -> float:
        return self.server_cpu_s / self.requests * 1e6 if self.requests else float("nan")

    @property
    def wrk_cpu_us_per_op(self) -> float:
        return self.wrk_cpu_s / self.requests * 1e6 if self.requests else float("nan")


def run_wrk(server: Server, requests_file: Path, connections: int, duration: float) -> WrkResult:
    threads = min(2, connections)
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--timeout",
        "30s",
        "-s",
        str(REPLAY_LUA),
        f"http://{server.host}/",
        "--",
        str(requests_file),
        str(threads),
    ]
    cpu_before = cpu_seconds(server.proc.pid)
    busy_before = busy_cpu_seconds()
    started = time.perf_counter()
    wrk = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = wrk.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(wrk.pid, 0)
    wrk.returncode = os.waitstatus_to_exitcode(status)
    cpu_after = cpu_seconds(server.proc.pid)
    busy = busy_cpu_seconds() - busy_before
    elapsed = time.perf_counter() - started
    wrk_cpu = usage.ru_utime + usage.ru_stime
    line = next((l for l in out.splitlines() if l.startswith("BENCH_JSON ")), None)
    if wrk.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({wrk.returncode}):\n{out}")
    data = json.loads(line[len("BENCH_JSON ") :])
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        ok=data["ok"],
        non_2xx=data["non_2xx"],
        socket_errors=data["socket_errors"],
        timeouts=data["timeouts"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        server_cpu_s=cpu_after - cpu_before,
        wrk_cpu_s=wrk_cpu,
        first_non_2xx=data["first_non_2xx"],
        other_cores=max(0.0, busy - (cpu_after - cpu_before) - wrk_cpu) / elapsed,
    )


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
