"""The blob engine's value objects: containers, blobs (versions), uploads, rules, pages.

Every number and name that differs between clouds (tiers, limits, retention modes' wire
names) arrives from the face; the engine keeps neutral concepts only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

#: Retention modes: "governance" may be lifted by a privileged caller, "compliance" never.
GOVERNANCE = "governance"
COMPLIANCE = "compliance"
#: Versioning states of a container.
UNVERSIONED, ENABLED, SUSPENDED = "", "enabled", "suspended"
#: The version id of the one unversioned version of a key.
NULL_VERSION = "null"


class Hasher(Protocol):
    def update(self, data: bytes, /) -> Any: ...

    def digest(self) -> bytes: ...


@dataclass(frozen=True)
class Digest:
    """A digest the engine computes while it writes a body, checked against ``expected``.

    ``expected`` is the raw digest the caller was promised, or a callable that tells it once
    the body has been read (trailers of chunked uploads); a mismatch raises
    ``Invalid(kind="digest", name=name)`` and nothing is stored.
    """

    name: str
    new: Callable[[], Hasher]
    expected: bytes | Callable[[], bytes | None] | None = None


@dataclass(frozen=True)
class Retention:
    mode: str
    until: float


@dataclass(frozen=True)
class Sealing:
    """How a body is encrypted at rest: by the engine's own master key ("managed"), by a key of
    the key provider ("key", ``key_ref``), or by a key only the caller holds ("customer")."""

    mode: str = "managed"
    key_ref: str = ""
    customer_key: bytes = b""


@dataclass(frozen=True)
class Staging:
    """A write under way: where it goes, the conditions it was given, and the data key its body
    is encrypted with (``wrapped`` is what the metadata keeps of that key)."""

    container: str
    key: str
    sealing: Sealing
    data_key: bytes = field(repr=False)
    wrapped: bytes = field(repr=False)
    key_ref: str
    if_absent: bool = False
    if_match: str | None = None
    upload_id: str = ""
    part_number: int = 0


@dataclass(frozen=True)
class Restore:
    """An archived blob's temporary readable copy: ready at ``ready_at``, gone at ``expires_at``."""

    ready_at: float
    expires_at: float


@dataclass(frozen=True)
class Props:
    """What a writer says about a blob, besides its bytes."""

    headers: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    tier: str = ""
    retention: Retention | None = None
    legal_hold: bool = False


@dataclass(frozen=True)
class Blob:
    """One version of a blob (or a delete marker)."""

    container: str
    key: str
    version: str
    latest: bool
    marker: bool
    size: int
    etag: str
    modified: float
    props: Props
    digests: Mapping[str, bytes]
    parts: int
    sealing_mode: str
    key_ref: str
    customer_key_md5: bytes
    restore: Restore | None
    tier_since: float
    noncurrent_since: float | None
    #: The engine's record of the body (opaque to callers), so a read needs no second lookup.
    body: Any = field(default=None, compare=False, repr=False)

    @property
    def tier(self) -> str:
        return self.props.tier


@dataclass(frozen=True)
class Container:
    name: str
    created: float
    versioning: str
    lock_enabled: bool
    default_retention: tuple[str, float] | None
    #: Opaque per-container documents the face keeps (policy, CORS, notification settings...).
    settings: Mapping[str, Any]
    rules: tuple["Rule", ...]


@dataclass(frozen=True)
class Transition:
    days: int
    tier: str


@dataclass(frozen=True)
class Rule:
    """A lifecycle rule: what happens to matching blobs as they age (days on the clock)."""

    id: str
    enabled: bool = True
    prefix: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)
    size_over: int | None = None
    size_under: int | None = None
    transitions: tuple[Transition, ...] = ()
    expire_days: int | None = None
    expire_at: float | None = None
    noncurrent_transitions: tuple[Transition, ...] = ()
    noncurrent_expire_days: int | None = None
    abort_uploads_days: int | None = None
    remove_expired_markers: bool = False

    def matches(self, blob: Blob) -> bool:
        if not blob.key.startswith(self.prefix):
            return False
        if any(blob.props.tags.get(k) != v for k, v in self.tags.items()):
            return False
        if self.size_over is not None and blob.size <= self.size_over:
            return False
        return self.size_under is None or blob.size < self.size_under


class Listed(NamedTuple):
    """What a listing of current blobs shows of each: read from columns, no document decoded."""

    key: str
    size: int
    modified: float
    etag: str
    tier: str
    #: Names of the digests stored with the body (e.g. "sha256"), in the order they were given.
    digests: tuple[str, ...]


Item = TypeVar("Item", Blob, Listed)


@dataclass(frozen=True)
class Page(Generic[Item]):
    """A page of a listing: blobs (or their summaries), grouped prefixes, and where the next page starts."""

    blobs: list[Item]
    prefixes: list[str]
    truncated: bool
    next_key: str = ""
    next_version: str = ""


@dataclass(frozen=True)
class Part:
    number: int
    size: int
    etag: str
    modified: float
    digests: Mapping[str, bytes]


@dataclass(frozen=True)
class Upload:
    upload_id: str
    container: str
    key: str
    initiated: float
    props: Props
    sealing_mode: str
    key_ref: str
    digest_names: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """Something that happened to a blob, for notifications: kind is "created", "removed",
    "restored", "transitioned" or "expired"; ``how`` refines it (put, copy, upload, marker...)."""

    tenant: str
    location: str
    container: str
    kind: str
    how: str
    blob: Blob
    at: float


Chunks = Iterator[bytes]
