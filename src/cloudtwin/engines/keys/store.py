"""The keys engine's schema and SQL: keys, their material versions, aliases and grants.

``keys``: one row per key, its state and schedules (``delete_at``: when a key pending deletion
goes; ``next_rotation``: when automatic rotation adds a material version; ``valid_to``: when
imported material expires; ``fingerprint``: a keyed digest of imported material, so that only
the same material can be imported again). ``materials``: every version of every key's material,
sealed by the vault (never in clear); a key waiting for imported material has none.
``aliases``, ``grants`` and ``imports`` (wrapping keys handed out for an import, sealed too)
point at keys and go with them.
"""

from __future__ import annotations

from typing import Any

import orjson

from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.keys.model import KEY_TYPES, Alias, Grant, KeyInfo, Material
from cloudtwin.storage import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS keys(
    key_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, location TEXT NOT NULL,
    type TEXT NOT NULL, usage TEXT NOT NULL, state TEXT NOT NULL, manager TEXT NOT NULL,
    description TEXT NOT NULL, created REAL NOT NULL,
    delete_at REAL, delete_window INTEGER, rotation_days INTEGER, next_rotation REAL,
    policies BLOB NOT NULL, tags BLOB NOT NULL, origin TEXT NOT NULL, valid_to REAL, fingerprint BLOB);
CREATE INDEX IF NOT EXISTS keys_by_scope ON keys(tenant, location, key_id);
CREATE INDEX IF NOT EXISTS keys_by_deletion ON keys(delete_at) WHERE delete_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS keys_by_rotation ON keys(next_rotation) WHERE next_rotation IS NOT NULL;
CREATE INDEX IF NOT EXISTS keys_by_expiry ON keys(valid_to) WHERE valid_to IS NOT NULL;
CREATE TABLE IF NOT EXISTS materials(
    key_id TEXT NOT NULL, version INTEGER NOT NULL, material_id TEXT NOT NULL,
    sealed BLOB NOT NULL, created REAL NOT NULL, origin TEXT NOT NULL,
    PRIMARY KEY(key_id, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases(
    tenant TEXT NOT NULL, location TEXT NOT NULL, name TEXT NOT NULL, key_id TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL, PRIMARY KEY(tenant, location, name)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_by_key ON aliases(key_id);
CREATE TABLE IF NOT EXISTS grants(
    grant_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, tenant TEXT NOT NULL, location TEXT NOT NULL,
    name TEXT NOT NULL, grantee TEXT NOT NULL, retiring TEXT NOT NULL, operations BLOB NOT NULL,
    constraints BLOB NOT NULL, created REAL NOT NULL, issuer TEXT NOT NULL, token TEXT NOT NULL UNIQUE);
CREATE INDEX IF NOT EXISTS grants_by_key ON grants(key_id, grant_id);
CREATE INDEX IF NOT EXISTS grants_by_retiring ON grants(tenant, location, retiring);
CREATE TABLE IF NOT EXISTS imports(
    token TEXT PRIMARY KEY, key_id TEXT NOT NULL, sealed BLOB NOT NULL, algorithm TEXT NOT NULL,
    valid_to REAL NOT NULL);
CREATE INDEX IF NOT EXISTS imports_by_expiry ON imports(valid_to);
"""

_KEY_COLUMNS = ("key_id, tenant, location, type, usage, state, manager, description, created, delete_at, "
                "delete_window, rotation_days, next_rotation, policies, tags, origin, valid_to")
_KEY_SELECT = (f"SELECT {', '.join('k.' + c.strip() for c in _KEY_COLUMNS.split(','))}, "
               "coalesce(m.version, 0), coalesce(m.material_id, '') FROM keys k LEFT JOIN materials m "
               "ON m.key_id = k.key_id AND m.version = (SELECT max(version) FROM materials WHERE key_id = k.key_id) "
               "WHERE 1")
_GRANT_COLUMNS = "grant_id, key_id, name, grantee, retiring, operations, constraints, created, issuer, token"


def _key(row: Any) -> KeyInfo:
    (key_id, tenant, location, type_name, usage, state, manager, description, created, delete_at,
     delete_window, rotation_days, next_rotation, policies, tags, origin, valid_to, version, material_id) = row
    return KeyInfo(key_id, Scope(tenant, location), KEY_TYPES[type_name], usage, state, manager, description,
                   created, version, material_id, delete_at, delete_window, rotation_days, next_rotation,
                   orjson.loads(policies), orjson.loads(tags), origin, valid_to)


def _grant(row: Any) -> Grant:
    grant_id, key_id, name, grantee, retiring, operations, constraints, created, issuer, token = row
    return Grant(grant_id, key_id, name, grantee, retiring, tuple(orjson.loads(operations)),
                 orjson.loads(constraints), created, issuer, token)


class KeyStore:
    """SQL over the engine's database; knows rows, not rules."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- keys ---------------------------------------------------------------------------------
    def key(self, key_id: str) -> KeyInfo | None:
        row = self.db.one(f"{_KEY_SELECT} AND k.key_id = ?", (key_id,))
        return _key(row) if row else None

    def keys(self, scope: Scope) -> list[KeyInfo]:
        rows = self.db.all(f"{_KEY_SELECT} AND k.tenant = ? AND k.location = ? ORDER BY k.key_id", scope)
        return [_key(row) for row in rows]

    def insert_key(self, key: KeyInfo) -> None:
        self.db.execute(
            f"INSERT INTO keys({_KEY_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (key.key_id, key.scope.tenant, key.scope.location, key.type.name, key.usage, key.state, key.manager,
             key.description, key.created, key.delete_at, key.delete_window_days, key.rotation_days,
             key.next_rotation, orjson.dumps(key.policies), orjson.dumps(key.tags), key.origin, key.valid_to),
        )

    def update_key(self, key: KeyInfo) -> None:
        self.db.execute(
            "UPDATE keys SET state=?, description=?, delete_at=?, delete_window=?, rotation_days=?, "
            "next_rotation=?, policies=?, tags=?, valid_to=? WHERE key_id=?",
            (key.state, key.description, key.delete_at, key.delete_window_days, key.rotation_days,
             key.next_rotation, orjson.dumps(key.policies), orjson.dumps(key.tags), key.valid_to, key.key_id),
        )

    def delete_key(self, key_id: str) -> None:
        for table in ("materials", "aliases", "grants", "imports", "keys"):
            self.db.execute(f"DELETE FROM {table} WHERE key_id=?", (key_id,))

    def due_deletions(self, now: float) -> list[str]:
        return [r[0] for r in self.db.all("SELECT key_id FROM keys WHERE delete_at <= ?", (now,))]

    def due_rotations(self, now: float) -> list[str]:
        return [r[0] for r in self.db.all("SELECT key_id FROM keys WHERE next_rotation <= ?", (now,))]

    def due_expiries(self, now: float) -> list[str]:
        return [r[0] for r in self.db.all("SELECT key_id FROM keys WHERE valid_to <= ?", (now,))]

    def fingerprint(self, key_id: str) -> bytes | None:
        row = self.db.one("SELECT fingerprint FROM keys WHERE key_id=?", (key_id,))
        return row[0] if row else None

    def set_fingerprint(self, key_id: str, fingerprint: bytes) -> None:
        self.db.execute("UPDATE keys SET fingerprint=? WHERE key_id=?", (fingerprint, key_id))

    # -- material -----------------------------------------------------------------------------
    def add_material(self, key_id: str, version: int, material_id: str, sealed: bytes, created: float,
                     origin: str) -> None:
        self.db.execute("INSERT INTO materials(key_id, version, material_id, sealed, created, origin) "
                        "VALUES (?,?,?,?,?,?)", (key_id, version, material_id, sealed, created, origin))

    def sealed_material(self, key_id: str, version: int) -> tuple[bytes, str] | None:
        row = self.db.one("SELECT sealed, material_id FROM materials WHERE key_id=? AND version=?",
                          (key_id, version))
        return (row[0], row[1]) if row else None

    def delete_materials(self, key_id: str) -> None:
        self.db.execute("DELETE FROM materials WHERE key_id=?", (key_id,))

    def materials(self, key_id: str, current: int) -> list[Material]:
        rows = self.db.all("SELECT version, material_id, created, origin FROM materials WHERE key_id=? "
                           "ORDER BY version", (key_id,))
        return [Material(v, mid, created, origin, v == current) for v, mid, created, origin in rows]

    # -- aliases --------------------------------------------------------------------------------
    def alias(self, scope: Scope, name: str) -> Alias | None:
        row = self.db.one("SELECT name, key_id, created, updated FROM aliases WHERE tenant=? AND location=? "
                          "AND name=?", (*scope, name))
        return Alias(*row) if row else None

    def aliases(self, scope: Scope, hide_manager: str) -> list[Alias]:
        rows = self.db.all("SELECT a.name, a.key_id, a.created, a.updated FROM aliases a JOIN keys k USING(key_id) "
                           "WHERE a.tenant=? AND a.location=? AND k.manager != ? ORDER BY a.name",
                           (*scope, hide_manager))
        return [Alias(*row) for row in rows]

    def put_alias(self, scope: Scope, alias: Alias) -> None:
        self.db.execute("INSERT OR REPLACE INTO aliases(tenant, location, name, key_id, created, updated) "
                        "VALUES (?,?,?,?,?,?)", (*scope, alias.name, alias.key_id, alias.created, alias.updated))

    def delete_alias(self, scope: Scope, name: str) -> None:
        self.db.execute("DELETE FROM aliases WHERE tenant=? AND location=? AND name=?", (*scope, name))

    # -- grants ---------------------------------------------------------------------------------
    def insert_grant(self, scope: Scope, grant: Grant) -> None:
        self.db.execute(
            f"INSERT INTO grants({_GRANT_COLUMNS}, tenant, location) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (grant.grant_id, grant.key_id, grant.name, grant.grantee, grant.retiring,
             orjson.dumps(grant.operations), orjson.dumps(grant.constraints), grant.created, grant.issuer,
             grant.token, *scope),
        )

    def grants(self, key_id: str) -> list[Grant]:
        rows = self.db.all(f"SELECT {_GRANT_COLUMNS} FROM grants WHERE key_id=? ORDER BY created, grant_id",
                           (key_id,))
        return [_grant(row) for row in rows]

    def retirable_grants(self, scope: Scope, retiring: str) -> list[Grant]:
        rows = self.db.all(f"SELECT {_GRANT_COLUMNS} FROM grants WHERE tenant=? AND location=? AND retiring=? "
                           "ORDER BY created, grant_id", (*scope, retiring))
        return [_grant(row) for row in rows]

    def grant_by_token(self, token: str) -> Grant | None:
        row = self.db.one(f"SELECT {_GRANT_COLUMNS} FROM grants WHERE token=?", (token,))
        return _grant(row) if row else None

    def delete_grant(self, grant_id: str) -> None:
        self.db.execute("DELETE FROM grants WHERE grant_id=?", (grant_id,))

    # -- import parameters --------------------------------------------------------------------
    def add_import(self, token: str, key_id: str, sealed: bytes, algorithm: str, valid_to: float) -> None:
        self.db.execute("INSERT INTO imports(token, key_id, sealed, algorithm, valid_to) VALUES (?,?,?,?,?)",
                        (token, key_id, sealed, algorithm, valid_to))

    def import_parameters(self, token: str) -> tuple[str, bytes, str, float] | None:
        row = self.db.one("SELECT key_id, sealed, algorithm, valid_to FROM imports WHERE token=?", (token,))
        return (row[0], row[1], row[2], row[3]) if row else None

    def trim_imports(self, before: float) -> None:
        self.db.execute("DELETE FROM imports WHERE valid_to < ?", (before,))

    def clear(self) -> None:
        for table in ("materials", "aliases", "grants", "imports", "keys"):
            self.db.execute(f"DELETE FROM {table}")
