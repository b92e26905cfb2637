"""Bucket event notifications: the configuration (stored as given) and, for each blob event,
AWS's event message (S3 User Guide, "Event message structure") sent to the configured queues
through the dispatch port, after the event-name and prefix/suffix filters."""

from __future__ import annotations

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3.documents import stored_document

operations = Operations()
SETTING = "notification"
stored_document(operations, "BucketNotificationConfiguration", SETTING, "NotificationConfiguration", None, None,
                default={}, deletable=False)
