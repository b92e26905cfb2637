"""The one way to persist: a SQLite database per engine, group commit, an ephemeral mode."""

from cloudtwin.storage.sqlite import Database, Storage

__all__ = ["Database", "Storage"]
