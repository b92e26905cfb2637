"""SQS: SendMessage, SendMessageBatch of 10, ReceiveMessage of 1 and of 10; and a drain.

Messages are a small order (about 200 bytes of JSON) with one message attribute. The receive
ops read a seeded queue with VisibilityTimeout=0, so every receive leases (writes) and the
queue never empties; wrk replays fixed requests, so a ReceiveMessage+DeleteMessage loop, whose
deletes carry the handles just received, is measured by the drain instead:

    python bench/workloads/sqs.py --endpoint http://127.0.0.1:4566 --messages 100000 --threads 4

which seeds a queue, then receives batches of 10 and deletes each batch until it is empty, and
prints messages per second.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import Request, bulk, sign  # noqa: E402
from workloads import Op  # noqa: E402

SERVICE = "sqs"
NONCE = os.urandom(4).hex()
SEEDED = 1000
#: Queue URLs by role, filled by setup() with each target's own URLs.
QUEUES: dict[str, str] = {}


def _call(operation: str, params: dict) -> Request:
    return Request("POST", "/", {"Content-Type": "application/x-amz-json-1.0",
                                 "X-Amz-Target": f"AmazonSQS.{operation}"},
                   json.dumps(params, separators=(",", ":")).encode())


def order(i: int) -> dict:
    body = json.dumps({"order": f"{NONCE}-{i:08d}", "restaurant": f"r-{i % 700:04d}", "rider": None,
                       "items": [{"sku": f"s{i % 97}", "qty": 1 + i % 3}], "total": f"{10 + i % 40}.50"})
    return {"MessageBody": body, "MessageAttributes": {"city": {"DataType": "String", "StringValue": "London"}}}


def probe() -> Request:
    return _call("ListQueues", {})


def setup(client) -> None:
    """Create the send and receive queues, and seed the receive queue."""
    for role in ("send", "receive"):
        QUEUES[role] = client.create_queue(QueueName=f"bench-{role}")["QueueUrl"]
    for start in range(0, SEEDED, 10):
        client.send_message_batch(QueueUrl=QUEUES["receive"], Entries=[
            {"Id": str(n), **order(start + n)} for n in range(10)])


def _queue(role: str) -> str:
    """The target's URL of the queue (the ceiling, which has no setup, gets a plausible one)."""
    return QUEUES.get(role, f"http://localhost:4566/000000000000/bench-{role}")


def _send(i: int) -> Request:
    return _call("SendMessage", {"QueueUrl": _queue("send"), **order(i)})


def _send_batch(i: int) -> Request:
    return _call("SendMessageBatch", {"QueueUrl": _queue("send"),
                                      "Entries": [{"Id": str(n), **order(i * 10 + n)} for n in range(10)]})


def _receive(count: int):
    def make(i: int) -> Request:
        return _call("ReceiveMessage", {"QueueUrl": _queue("receive"), "MaxNumberOfMessages": count,
                                        "VisibilityTimeout": 0, "MessageAttributeNames": ["All"]})
    return make


def _check_send(body: bytes) -> str | None:
    return None if json.loads(body).get("MD5OfMessageBody") else f"SendMessage answered {body[:200]!r}"


def _check_batch(body: bytes) -> str | None:
    answer = json.loads(body)
    return None if len(answer.get("Successful", [])) == 10 else f"SendMessageBatch answered {body[:200]!r}"


def _check_receive(count: int):
    def check(body: bytes) -> str | None:
        got = len(json.loads(body).get("Messages", []))
        return None if got == count else f"ReceiveMessage returned {got} messages, expected {count}"
    return check


OPS = [
    Op("SendMessage", _send, check=_check_send),
    Op("SendMessageBatch10", _send_batch, distinct=4000, check=_check_batch),
    Op("ReceiveMessage1", _receive(1), distinct=1, check=_check_receive(1)),
    Op("ReceiveMessage10", _receive(10), distinct=1, check=_check_receive(10)),
]


# ---------------------------------------------------------------- the drain: receive + delete


def _drain_worker(host: str, url: str, counter: list[int], lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection(host, timeout=60)
    receive = _call("ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10, "VisibilityTimeout": 60})
    while True:
        req = sign(receive, SERVICE, host)
        conn.request(req.method, req.path, body=req.body, headers=req.headers)
        messages = json.loads(conn.getresponse().read()).get("Messages", [])
        if not messages:
            break
        entries = [{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)]
        req = sign(_call("DeleteMessageBatch", {"QueueUrl": url, "Entries": entries}), SERVICE, host)
        conn.request(req.method, req.path, body=req.body, headers=req.headers)
        conn.getresponse().read()
        with lock:
            counter[0] += len(messages)
    conn.close()


def drain(endpoint: str, messages: int, threads: int) -> None:
    import boto3

    host = urlsplit(endpoint).netloc
    client = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    url = client.create_queue(QueueName=f"bench-drain-{NONCE}")["QueueUrl"]
    seconds = bulk(host, SERVICE, lambda i: _call("SendMessageBatch", {
        "QueueUrl": url, "Entries": [{"Id": str(n), **order(i * 10 + n)} for n in range(10)]}),
        messages // 10, threads=threads)
    print(f"seeded {messages} messages in {seconds:.1f}s ({messages / seconds:,.0f} msg/s in batches of 10)")
    counter, lock = [0], threading.Lock()
    started = time.perf_counter()
    pool = [threading.Thread(target=_drain_worker, args=(host, url, counter, lock)) for _ in range(threads)]
    for worker in pool:
        worker.start()
    for worker in pool:
        worker.join()
    elapsed = time.perf_counter() - started
    print(f"drained {counter[0]} messages in {elapsed:.1f}s: {counter[0] / elapsed:,.0f} msg/s "
          f"(receive 10 + delete batch of 10, {threads} connections)")
    client.delete_queue(QueueUrl=url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", default="http://127.0.0.1:4566")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    drain(args.endpoint, args.messages, args.threads)
