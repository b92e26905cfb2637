"""The SNS face, on the topic engine; deliveries are rendered by ``delivery`` in the wiring.

LIMITATIONS (known differences from AWS):
- Lambda, email, email-json, SMS, mobile (application) and Firehose subscriptions are accepted
  and listed, but nothing is delivered to them yet: email and application subscriptions stay
  PendingConfirmation (no mail is sent, so their token is never seen); a lambda or firehose
  delivery fails as undeliverable and goes to the subscription's dead-letter queue if it has
  one. Publish to a PhoneNumber or a platform endpoint ARN is refused.
- HTTPS endpoints are called without verifying their certificate (local test servers use
  self-signed ones). SubscribeURL, UnsubscribeURL and SigningCertURL point at cloudtwin
  (/_cloudtwin/sns/...), not at sns.<region>.amazonaws.com, so verifiers that insist on an
  amazonaws.com certificate host must be told to accept cloudtwin's.
- The signing key and certificate are made at each start (the URL carries its fingerprint).
- Retries follow AWS's documented phases without jitter. A topic's DeliveryPolicy sets the
  retries of HTTP/S subscriptions made after it is set (a subscription's own DeliveryPolicy
  wins); throttlePolicy is not applied. Any non-2xx answer or connection failure of an HTTP
  endpoint counts as a failed attempt. Confirmation requests that fail are retried on the same
  policy and then dropped.
- MessageGroupId on a standard topic is validated and accepted but not passed on to standard
  queues (SQS fair queues are not modelled).
- Notifications are signed with a 1024-bit RSA key (AWS uses 2048): signing is most of the
  cost of a publish, and verification works the same.
- Policies (Policy, DataProtectionPolicy, KMS keys, feedback roles, TracingConfig, ArchivePolicy)
  are stored and returned, never enforced; message data protection is not applied.
- FilterPolicy: nested keys in body policies are matched through arrays at any level (the
  EventBridge rule); per-topic quotas on filter policies (200) are not enforced.
- HTTP deliveries have no concurrency cap per endpoint: each one is its own connection, with
  a 15 s timeout; redirects are not followed.
- Archive and replay of FIFO topics (ArchivePolicy, ReplayPolicy) are stored, not performed.
"""

from cloudtwin.aws._face import Face, Operations
from cloudtwin.aws.sns import permissions, publish, subscriptions, topics
from cloudtwin.aws.sns.delivery import Renderer
from cloudtwin.aws.sns.env import SnsEnv
from cloudtwin.aws.sns.errors import to_aws
from cloudtwin.aws.sns.links import answer
from cloudtwin.aws.sns.signing import Signer
from cloudtwin.aws.sns.topics import RENDERER

operations = Operations({**topics.operations, **subscriptions.operations, **publish.operations,
                         **permissions.operations})

FACE = Face("sns", operations, to_aws)

__all__ = ["FACE", "RENDERER", "Renderer", "Signer", "SnsEnv", "answer"]
