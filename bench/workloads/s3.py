"""S3: PutObject and GetObject of 1 KiB and 1 MiB objects, ListObjectsV2 pages of 1,000 keys
over a bucket of LIST_KEYS keys; and, run as a script, a 1 GiB multipart upload and download
against a fresh cloudtwin with MB/s and the server's peak RSS growth:

    python bench/workloads/s3.py multipart [--size-mib 1024] [--part-mib 64]
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import Request  # noqa: E402
from workloads import Op  # noqa: E402

SERVICE = "s3"
BUCKET = "bench"
SMALL, LARGE = 1024, 1024 * 1024
SMALL_KEYS, LARGE_KEYS = 1000, 16
LIST_KEYS = int(os.environ.get("BENCH_S3_LIST_KEYS", "10000"))
NONCE = os.urandom(4).hex()
SMALL_BODY = os.urandom(SMALL)
LARGE_BODY = os.urandom(LARGE)


def probe() -> Request:
    return Request("GET", "/", {})


def setup(client) -> None:
    """Create the bucket and seed the objects GetObject reads and the keys ListObjectsV2 pages."""
    try:
        client.create_bucket(Bucket=BUCKET)
    except client.exceptions.ClientError as exc:
        if "BucketAlreadyOwnedByYou" not in str(exc) and "BucketAlreadyExists" not in str(exc):
            raise
    jobs = [(f"small-{i:05d}", SMALL_BODY) for i in range(SMALL_KEYS)]
    jobs += [(f"large-{i:03d}", LARGE_BODY) for i in range(LARGE_KEYS)]
    jobs += [(f"list/{i:07d}", b"x") for i in range(LIST_KEYS)]
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda job: client.put_object(Bucket=BUCKET, Key=job[0], Body=job[1]), jobs))


def _put(size_body: bytes, prefix: str):
    def make(i: int) -> Request:
        return Request("PUT", f"/{BUCKET}/{prefix}-{NONCE}-{i:07d}",
                       {"Content-Type": "application/octet-stream"}, size_body)
    return make


def _get(prefix: str, count: int):
    def make(i: int) -> Request:
        width = 5 if prefix == "small" else 3
        return Request("GET", f"/{BUCKET}/{prefix}-{i % count:0{width}d}", {})
    return make


def _list(i: int) -> Request:
    return Request("GET", f"/{BUCKET}?list-type=2&prefix=list%2F&max-keys=1000", {})


def _check_size(size: int):
    def check(body: bytes) -> str | None:
        return None if len(body) == size else f"GetObject answered {len(body)} bytes, expected {size}"
    return check


def _check_list(body: bytes) -> str | None:
    count = body.count(b"<Key>")
    return None if count == min(1000, LIST_KEYS) else f"ListObjectsV2 listed {count} keys"


OPS = [
    Op("PutObject-1KiB", _put(SMALL_BODY, "put-small")),
    Op("GetObject-1KiB", _get("small", SMALL_KEYS), distinct=SMALL_KEYS, check=_check_size(SMALL)),
    Op("PutObject-1MiB", _put(LARGE_BODY, "put-large"), distinct=64),
    Op("GetObject-1MiB", _get("large", LARGE_KEYS), distinct=LARGE_KEYS, check=_check_size(LARGE)),
    Op("ListObjectsV2", _list, distinct=1, check=_check_list),
]


# ------------------------------------------------------------ multipart: MB/s and peak RSS

def _rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class _Zeros:
    """A readable file of ``size`` pseudo-random bytes made on the fly (no 1 GiB in the client)."""

    def __init__(self, size: int) -> None:
        self.size, self.pos, self.block = size, 0, os.urandom(1024 * 1024)

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.pos if n < 0 else min(n, self.size - self.pos)
        out = (self.block * (n // len(self.block) + 1))[:n]
        self.pos += n
        return out


class _Sink:
    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def multipart(size_mib: int, part_mib: int) -> None:
    import shutil
    import subprocess
    import tempfile
    import time
    import urllib.request

    import boto3
    from boto3.s3.transfer import TransferConfig

    data_dir = Path(tempfile.mkdtemp(prefix="cloudtwin-bench-s3-"))
    port = 4700 + os.getpid() % 200
    server = subprocess.Popen([sys.executable, "-m", "cloudtwin", "up", "--port", str(port), "--data-dir",
                               str(data_dir / "data")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_cloudtwin/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")
        client.create_bucket(Bucket=BUCKET)
        base = _rss_kib(server.pid, "VmRSS")
        config = TransferConfig(multipart_threshold=part_mib << 20, multipart_chunksize=part_mib << 20,
                                max_concurrency=4)
        size = size_mib << 20
        started = time.perf_counter()
        client.upload_fileobj(_Zeros(size), BUCKET, "big.bin", Config=config)
        upload_s = time.perf_counter() - started
        started = time.perf_counter()
        sink = _Sink()
        client.download_fileobj(BUCKET, "big.bin", sink, Config=config)
        download_s = time.perf_counter() - started
        peak = _rss_kib(server.pid, "VmHWM")
        assert sink.size == size, f"downloaded {sink.size} bytes of {size}"
        print(f"multipart {size_mib} MiB in {part_mib} MiB parts: upload {size_mib / upload_s:.0f} MB/s "
              f"({upload_s:.1f} s), download {size_mib / download_s:.0f} MB/s ({download_s:.1f} s); "
              f"server RSS {base / 1024:.0f} MiB at start, peak {peak / 1024:.0f} MiB "
              f"(growth {(peak - base) / 1024:.0f} MiB)")
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["multipart"])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=64)
    args = parser.parse_args()
    multipart(args.size_mib, args.part_mib)
