"""SQLite state of the emulator: schema, seeding and serialized access.

Every request thread shares one connection. A re-entrant lock makes each
request's reads and writes one serialized transaction, so concurrent
clients always see a consistent state.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator

from tsemulator import builtins

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    display_key TEXT NOT NULL,
    email TEXT,
    account_type TEXT NOT NULL,
    account_status TEXT NOT NULL,
    visibility TEXT NOT NULL,
    password_hash TEXT,
    builtin INTEGER NOT NULL DEFAULT 0,
    system_user INTEGER NOT NULL DEFAULT 0,
    super_user INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    props TEXT NOT NULL DEFAULT '{}',
    created_ms INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS users_display_key ON users (display_key);
CREATE INDEX IF NOT EXISTS users_created ON users (created_ms);
CREATE INDEX IF NOT EXISTS users_modified ON users (modified_ms);
CREATE INDEX IF NOT EXISTS users_email ON users (email COLLATE NOCASE);

CREATE TABLE IF NOT EXISTS groups (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    display_key TEXT NOT NULL,
    description TEXT,
    type TEXT NOT NULL,
    visibility TEXT NOT NULL,
    privileges TEXT NOT NULL DEFAULT '[]',
    builtin INTEGER NOT NULL DEFAULT 0,
    hidden INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS groups_display_key ON groups (display_key);
CREATE INDEX IF NOT EXISTS groups_created ON groups (created_ms);
CREATE INDEX IF NOT EXISTS groups_modified ON groups (modified_ms);

-- Direct memberships. Membership of the All group is implicit and never stored.
CREATE TABLE IF NOT EXISTS user_groups (
    user_seq INTEGER NOT NULL REFERENCES users (seq) ON DELETE CASCADE,
    group_seq INTEGER NOT NULL REFERENCES groups (seq) ON DELETE CASCADE,
    PRIMARY KEY (user_seq, group_seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS user_groups_by_group ON user_groups (group_seq, user_seq);

-- Nesting: child_seq is listed in the sub_groups of parent_seq, so the
-- members of the child inherit the parent.
CREATE TABLE IF NOT EXISTS group_subgroups (
    parent_seq INTEGER NOT NULL REFERENCES groups (seq) ON DELETE CASCADE,
    child_seq INTEGER NOT NULL REFERENCES groups (seq) ON DELETE CASCADE,
    PRIMARY KEY (parent_seq, child_seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS group_subgroups_by_child ON group_subgroups (child_seq, parent_seq);
"""


def now_ms() -> int:
    """Return the current time in milliseconds since the epoch."""
    return int(time.time() * 1000)


def hash_password(password: str) -> str:
    """Hash a password with a random salt; the emulator never stores one in clear."""
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((salt + password).encode()).hexdigest()
    return f"{salt}${digest}"


def check_password(stored: str | None, password: str) -> bool:
    """Tell whether a password matches a hash made by ``hash_password``."""
    if not stored or "$" not in stored:
        return False
    salt, digest = stored.split("$", 1)
    candidate = hashlib.sha256((salt + password).encode()).hexdigest()
    return secrets.compare_digest(candidate, digest)


class Database:
    """The emulator's SQLite connection, guarded by one lock."""

    def __init__(self, path: str, admin_password: str) -> None:
        self.path = path
        self.admin_password = admin_password
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(SCHEMA)
        with self.transaction() as conn:
            seed_builtins(conn, admin_password)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextlib.contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        """Run a block as one transaction, rolled back on error or when ``commit`` is false."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            if commit:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock for a block of reads, so no write lands between them."""
        with self.lock:
            yield self.conn

    def reset(self) -> None:
        """Delete every principal and membership, then seed the built-ins again."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM group_subgroups")
            conn.execute("DELETE FROM user_groups")
            conn.execute("DELETE FROM users")
            conn.execute("DELETE FROM groups")
            seed_builtins(conn, self.admin_password)
        log.info("state reset to the built-in principals")


def seed_builtins(conn: sqlite3.Connection, admin_password: str) -> None:
    """Insert the built-in users and groups that are missing and set the tsadmin password."""
    stamp = now_ms()
    for group in builtins.GROUPS:
        conn.execute(
            "INSERT OR IGNORE INTO groups (id, name, name_key, display_name, display_key,"
            " description, type, visibility, privileges, builtin, hidden, created_ms, modified_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, 'LOCAL_GROUP', 'SHARABLE', ?, 1, ?, ?, ?)",
            (
                group.id,
                group.name,
                group.name.casefold(),
                group.display_name,
                group.display_name.casefold(),
                f"Built-in {group.name} group",
                json.dumps(list(group.privileges)),
                int(group.hidden),
                stamp,
                stamp,
            ),
        )
    for user in builtins.USERS:
        conn.execute(
            "INSERT OR IGNORE INTO users (id, name, name_key, display_name, display_key, email,"
            " account_type, account_status, visibility, builtin, system_user, super_user, hidden,"
            " created_ms, modified_ms)"
            " VALUES (?, ?, ?, ?, ?, NULL, 'LOCAL_USER', 'ACTIVE', 'SHARABLE', 1, ?, ?, ?, ?, ?)",
            (
                user.id,
                user.name,
                user.name.casefold(),
                user.display_name,
                user.display_name.casefold(),
                int(user.system_user),
                int(user.super_user),
                int(user.hidden),
                stamp,
                stamp,
            ),
        )
        for group_name in user.groups:
            conn.execute(
                "INSERT OR IGNORE INTO user_groups (user_seq, group_seq)"
                " SELECT u.seq, g.seq FROM users u, groups g WHERE u.id = ? AND g.name_key = ?",
                (user.id, group_name.casefold()),
            )
    conn.execute(
        "UPDATE users SET password_hash = ? WHERE id = ?",
        (hash_password(admin_password), builtins.TSADMIN.id),
    )
