"""The S3 face, on the blob engine (and the keys engine for SSE-KMS).

LIMITATIONS (known differences from AWS):
- Authentication: header-signed (SigV4) requests are not verified; presigned URLs (SigV4 and
  SigV2) and POST policies are verified for access keys whose secret cloudtwin knows (by
  default ``test`` / ``test``, ``S3Env.credentials``) and accepted unchecked for any other key.
  Bucket policies and ACLs are stored, not enforced; Get*Acl always answers the owner's
  FULL_CONTROL.
- Bucket names are unique across accounts, but any account may use any bucket.
- aws-chunked chunk signatures are read, not verified; trailing checksums are verified.
- CRC32C and CRC64NVME are computed in pure Python (slow for large bodies; botocore only
  sends them when awscrt is installed). Multipart checksums are answered in the composite
  form ("-N") only.
- SSE-KMS data keys are bound to the object's ARN (as AWS does by default); a caller's own
  x-amz-server-side-encryption-context is not added to it nor stored.
- Bodies over 1 MiB of PutObject and UploadPart are hashed, encrypted and written in a worker
  thread while the server goes on serving; a browser POST upload is stored on the event loop
  (other clients wait while a very large one is written).
- Not implemented: SelectObjectContent,
  ListBuckets paging, delimiter grouping in ListMultipartUploads, replication, inventory,
  analytics, metrics, logging, accelerate, request payment, access points, directory buckets;
  website hosting endpoints are not served (the website configuration is stored).
- Lifecycle runs on each day boundary of the server clock (and at once after a rule changes),
  where AWS runs it once a day; restores are ready after the upper end of the documented
  retrieval time (Expedited 5 min, Standard 5 h, Bulk 12 h; Deep Archive 12 h / 48 h).
- Event notifications carry AWS's event JSON to SQS queues and SNS topics; Lambda and
  EventBridge destinations are stored but not delivered, destinations are not validated when
  the configuration is put, and ObjectRestore events are not sent.
"""

from cloudtwin.aws._face import Operations
from cloudtwin.aws.s3 import buckets, cors, lifecycle, listing, lock, multipart, notifications, objects
from cloudtwin.aws.s3.encryption import KmsKeys
from cloudtwin.aws.s3.env import DEFAULT_DOMAINS, S3Env
from cloudtwin.aws.s3.errors import to_aws
from cloudtwin.aws.s3.face import S3Face
from cloudtwin.aws.s3.notifications import RENDERER, Notifier, Renderer

operations = Operations({
    **buckets.operations, **objects.operations, **listing.operations, **multipart.operations, **lock.operations,
    **lifecycle.operations, **cors.operations, **notifications.operations,
})

FACE = S3Face("s3", operations, to_aws)
#: Storage classes from warmest to coldest (lifecycle moves objects only colder) and the
#: archive classes whose objects must be restored before they can be read.
TIERS = ("STANDARD", "INTELLIGENT_TIERING", "STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
ARCHIVE_TIERS = ("GLACIER", "DEEP_ARCHIVE")

__all__ = ["ARCHIVE_TIERS", "DEFAULT_DOMAINS", "FACE", "RENDERER", "KmsKeys", "Notifier", "Renderer", "S3Env", "TIERS"]
