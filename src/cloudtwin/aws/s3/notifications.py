"""Bucket event notifications: the configuration (stored as given) and, for each blob event,
AWS's event message (S3 User Guide, "Event message structure", version 2.1) sent to the
configured SQS queues through the dispatch port and to SNS topics through the topic engine,
after the event-name and prefix/suffix filters.

Lambda and EventBridge destinations are stored but not delivered (no such engines yet).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote_plus

import orjson

from cloudtwin.aws._arns import arn_scope
from cloudtwin.aws._delivery import QueueMessage
from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.documents import stored_document
from cloudtwin.aws.s3.env import S3Env, bucket_arn
from cloudtwin.engines._kernel.context import RequestContext
from cloudtwin.engines._kernel.dispatch import QUEUE, Envelope, Target
from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.engines._kernel.ids import new_uuid
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs import Event
from cloudtwin.engines.topics import Message

operations = Operations()
SETTING = "notification"
RENDERER = "aws.s3"
Params = dict[str, Any]
stored_document(operations, "BucketNotificationConfiguration", SETTING, "NotificationConfiguration", None, None,
                default={}, deletable=False)
_store_configuration = operations["PutBucketNotificationConfiguration"]


@operations.operation("PutBucketNotificationConfiguration")
def put_bucket_notification_configuration(env: S3Env, ctx: RequestContext, p: Params) -> dict[str, Any]:
    """Keep the configuration, then send each queue and topic S3's test event, as S3 does."""
    _store_configuration(env, ctx, p)
    if env.notifier is not None:
        env.notifier.test(ctx, p["Bucket"], p.get("NotificationConfiguration") or {})
    return {}

#: (engine event kind, how) -> S3 event name.
_NAMES = {
    ("created", "put"): "ObjectCreated:Put", ("created", "copy"): "ObjectCreated:Copy",
    ("created", "upload"): "ObjectCreated:CompleteMultipartUpload", ("created", "post"): "ObjectCreated:Post",
    ("removed", "marker"): "ObjectRemoved:DeleteMarkerCreated", ("removed", "version"): "ObjectRemoved:Delete",
    ("expired", "marker"): "LifecycleExpiration:DeleteMarkerCreated", ("expired", "version"): "LifecycleExpiration:Delete",
}


def event_name(event: Event) -> str | None:
    if event.kind == "transitioned":
        return "LifecycleTransition"
    return _NAMES.get((event.kind, event.how))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def record(event: Event, name: str, configuration_id: str) -> dict[str, Any]:
    blob = event.blob
    obj: dict[str, Any] = {"key": quote_plus(blob.key, safe="/"), "sequencer": f"{int(event.at * 1e6):016X}"}
    if not blob.marker:
        obj.update(size=blob.size, eTag=blob.etag)
    if blob.version != "null":
        obj["versionId"] = blob.version
    return {
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": event.location, "eventTime": _iso(event.at),
        "eventName": name, "userIdentity": {"principalId": f"AWS:{event.tenant}"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": new_uuid(), "x-amz-id-2": new_uuid()},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": event.container, "ownerIdentity": {"principalId": event.tenant},
                          "arn": bucket_arn(event.container)},
               "object": obj}}


def matches(config: dict[str, Any], name: str, key: str) -> bool:
    if not any(pattern == f"s3:{name}" or (pattern.endswith("*") and f"s3:{name}".startswith(pattern[:-1]))
               for pattern in config.get("Events", [])):
        return False
    for rule in ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules", []):
        value, kind = rule.get("Value", ""), rule.get("Name", "").lower()
        if (kind == "prefix" and not key.startswith(value)) or (kind == "suffix" and not key.endswith(value)):
            return False
    return True


class Renderer:
    """The dispatch renderer for S3 events: the event document is the message body as is."""

    def for_queue(self, envelope: Envelope) -> QueueMessage:
        return QueueMessage(envelope.body, {}, 0, None, None)

    def for_http(self, envelope: Envelope) -> Any:
        raise NotImplementedError("S3 notifications have no HTTP destinations")


class Notifier:
    """The blob engine's event sink: filters by each bucket's configuration and delivers."""

    def __init__(self, blobs: Any, dispatch: Any, topics: Any = None) -> None:
        self.blobs, self.dispatch, self.topics = blobs, dispatch, topics

    def __call__(self, event: Event) -> None:
        name = event_name(event)
        if name is None:
            return
        config = self.blobs.container(event.container).settings.get(SETTING) or {}
        for queue in config.get("QueueConfigurations", []):
            if matches(queue, name, event.blob.key):
                self._to_queue(queue["QueueArn"], self._body(event, name, queue))
        for topic in config.get("TopicConfigurations", []):
            if matches(topic, name, event.blob.key) and self.topics is not None:
                self._to_topic(topic["TopicArn"], self._body(event, name, topic))

    def test(self, ctx: RequestContext, bucket: str, config: dict[str, Any]) -> None:
        body = orjson.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": _iso(ctx.now),
                             "Bucket": bucket, "RequestId": ctx.request_id, "HostId": ctx.request_id}).decode()
        for queue in config.get("QueueConfigurations", []):
            self._to_queue(queue["QueueArn"], body)
        for topic in config.get("TopicConfigurations", []):
            if self.topics is not None:
                self._to_topic(topic["TopicArn"], body)

    @staticmethod
    def _body(event: Event, name: str, config: dict[str, Any]) -> str:
        return orjson.dumps({"Records": [record(event, name, config.get("Id", ""))]}).decode()

    def _to_queue(self, queue_arn: str, body: str) -> None:
        scope = arn_scope(queue_arn) or Scope("000000000000", "us-east-1")
        target = Target(QUEUE, scope, queue_arn.rsplit(":", 1)[-1])
        self.dispatch.deliver(target, Envelope(body=body, message_id=new_uuid()), renderer=RENDERER)

    def _to_topic(self, topic_arn: str, body: str) -> None:
        scope = arn_scope(topic_arn) or Scope("000000000000", "us-east-1")
        context = {"endpoint": "http://localhost:4566", "topic_arn": topic_arn, "signature_version": "1",
                   "subject": "Amazon S3 Notification"}
        try:
            self.topics.publish(scope, topic_arn.rsplit(":", 1)[-1], Message(body, context=context))
        except EngineError:  # a topic deleted since the configuration was made: S3 drops the event
            return
