"""The queue engine: cloud-neutral durable queues (SQS queues, Service Bus queues).

Public API, for faces and for cross-engine delivery (wiring's Dispatch):

    engine = QueuesEngine(storage, clock)
    engine.create(scope, name, QueueSpec(max_message_bytes=..., retention=..., lease=...))
    sent = engine.send(scope, name, body, attributes=..., attributes_size=..., delay=...,
                       group=..., dedup_id=...)        # -> Sent(message_id, sequence, duplicate)
    engine.receive(scope, name, limit, lease=...)      # -> [Message(..., token=...)]
    engine.settle(scope, name, token)                  # delete / complete
    engine.extend(scope, name, token, seconds)         # change visibility / renew or abandon lock
    engine.watch(scope, name, callback)                # long polling: called once when worth receiving

``send`` is all another engine's delivery needs (SNS -> SQS): the body as the subscriber should
read it, and ``attributes`` in the shape the receiving face stores (the SQS face stores a dict
of name -> {"DataType", "StringValue" | "BinaryValue"} under "message", and the system
attributes under "system"), with ``attributes_size`` the bytes they count toward the limit.
It raises NotFound (kind "queue") when the queue is gone and LimitExceeded when too large.
"""

from cloudtwin.engines.queues.engine import QueuesEngine
from cloudtwin.engines.queues.model import Counts, DeadLetter, Message, MoveTask, QueueInfo, QueueSpec, Sent

__all__ = ["Counts", "DeadLetter", "Message", "MoveTask", "QueueInfo", "QueueSpec", "QueuesEngine", "Sent"]
