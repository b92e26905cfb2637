"""The URLs SNS puts in its messages, served by cloudtwin under /_cloudtwin/sns/.

``SigningCertURL`` (the certificate that verifies signatures), ``SubscribeURL`` (visiting it
confirms a subscription, like ConfirmSubscription with the token) and ``UnsubscribeURL``.
The server's internal endpoints call ``answer`` with the path after /_cloudtwin/sns/.
"""

from __future__ import annotations

from collections.abc import Mapping

from cloudtwin.aws.sns.env import SnsEnv, parse_subscription_arn, parse_topic_arn, subscription_arn
from cloudtwin.aws.sns.signing import CERT_PREFIX
from cloudtwin.engines._kernel.errors import EngineError
from cloudtwin.protocols.aws.errors import AwsError

XML = "text/xml"
_NS = "http://sns.amazonaws.com/doc/2010-03-31/"


def answer(env: SnsEnv, path: str, query: Mapping[str, str]) -> tuple[int, str, bytes]:
    """(status, content type, body) for GET /_cloudtwin/sns/<path>."""
    if f"/_cloudtwin/sns/{path}" == env.signer.cert_path:
        return 200, "application/x-pem-file", env.signer.cert_pem()
    if path.startswith(CERT_PREFIX.rsplit("/", 1)[1]):
        return 404, "text/plain", b"no such certificate (cloudtwin makes a new one at each start)\n"
    try:
        if path == "confirm":
            scope, name = parse_topic_arn(query.get("TopicArn", ""))
            sub = env.topics.confirm(scope, name, query.get("Token", ""))
            arn = subscription_arn(scope, name, sub.id)
            return 200, XML, _xml("ConfirmSubscription", f"<SubscriptionArn>{arn}</SubscriptionArn>")
        if path == "unsubscribe":
            env.topics.unsubscribe(parse_subscription_arn(query.get("SubscriptionArn", "")))
            return 200, XML, _xml("Unsubscribe", "")
    except (AwsError, EngineError) as exc:
        message = exc.message if isinstance(exc, AwsError) else exc.detail
        return 400, "text/plain", f"{message}\n".encode()
    return 404, "text/plain", b"no such SNS link\n"


def _xml(action: str, result: str) -> bytes:
    return (f'<{action}Response xmlns="{_NS}"><{action}Result>{result}</{action}Result>'
            f"</{action}Response>").encode()
