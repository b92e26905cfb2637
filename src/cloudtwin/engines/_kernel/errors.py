"""Neutral engine errors: what went wrong, in the engine's own words.

Engines raise these; each face maps (error class, ``kind``) to its cloud's error shape and the
protocol layer renders it. ``kind`` names the thing involved ("table", "item", "queue", ...)
so a face can pick the right code; ``detail`` is the human message, already worded as the
face's documentation words it where the engine models that service's own language (for
example DynamoDB's expression grammar).
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error an engine raises on purpose. Never becomes a 500."""

    def __init__(self, detail: str, *, kind: str = "", name: str = "", **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.kind = kind
        self.name = name
        self.extra = extra


class NotFound(EngineError):
    """The named resource does not exist (in this scope)."""


class AlreadyExists(EngineError):
    """A resource with that name exists already."""


class Conflict(EngineError):
    """The resource is in a state that forbids the operation (in use, being deleted, ...)."""


class ConditionFailed(EngineError):
    """A caller-supplied condition evaluated to false; ``extra`` may carry the current item."""


class Invalid(EngineError):
    """The request is well-formed on the wire but makes no sense to the engine."""


class LimitExceeded(EngineError):
    """A size or count limit from the resource's spec was exceeded."""


class Throttled(EngineError):
    """The engine refuses for now; the caller may retry later."""


class PreconditionFailed(EngineError):
    """An optimistic-concurrency precondition (etag, version) did not hold."""
