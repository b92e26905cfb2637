"""The SQS face, on the queue engine, in both wire protocols (JSON and query/XML).

LIMITATIONS (known differences from AWS):
- The query protocol speaks the legacy query API's names (``Attribute.1.Name``,
  ``MessageAttribute.1.Value.StringValue``, ``SendMessageBatchRequestEntry.1.Id``, ``<Message>``,
  ``<Attribute><Name>``, flattened ``<QueueUrl>``s), as SDKs and CLIs from before 2023 send and read
  them (the names are data in protocols/aws/extras/sqs, taken from botocore's last SQS query
  model); the queue URL may also be the request path (aws-sdk-java v1). Parameters added after
  the move to JSON (ReceiveMessage's MessageSystemAttributeNames) have no legacy name and are
  read by their model name; map entries are read only as ``.N.Name``/``.N.Value`` (``.Key`` for tags).
- Missing required parameters answer MissingParameter ("The request must contain the parameter
  X.") when a top-level one is missing; any other model constraint (a nested missing member such
  as a batch entry's Id, an unknown system attribute name) answers InvalidParameterValue in
  cloudtwin's generic "N validation errors detected: ..." wording, not SQS's own sentence.
- Queue URLs are ``http://<host the client used>/<account>/<name>``; the region of a queue is
  the region the request is signed for, whatever host the URL names.
- Policies (Policy, also as AddPermission/RemovePermission edit it) and KMS settings are stored
  and shown, never enforced; messages are not encrypted. RedriveAllowPolicy is enforced.
- Approximate counts are exact. Standard queues deliver each message once per lease (no
  duplicate deliveries) and in nearly the order sent.
- MessageGroupId is accepted on standard queues (fair queues) and stored; it does not change
  delivery order there.
- A receive's VisibilityTimeout is not capped at 12 hours from the first receive in total; each
  ChangeMessageVisibility is checked against 0-43200 s only.
- Deleting with a receipt handle whose visibility timeout has expired (and the message not been
  received again) deletes the message, for FIFO queues too.
- Delayed messages and expired visibility timeouts wake parked long polls at the next sweep
  (within a second), not at the exact instant.
- Message move tasks run at the sweep (about once a second); a cancelled task's handle may be
  used from any account.
"""

from cloudtwin.aws._face import Face, Operations
from cloudtwin.aws.sqs import messages, moves, permissions, queues, receive, settle
from cloudtwin.aws.sqs.env import SqsEnv
from cloudtwin.aws.sqs.errors import to_aws

operations = Operations({
    **queues.operations, **messages.operations, **receive.operations, **settle.operations, **moves.operations,
    **permissions.operations,
})

FACE = Face("sqs", operations, to_aws, protocols=("json", "query"))

__all__ = ["FACE", "SqsEnv"]
