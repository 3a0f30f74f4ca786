"""Schema migrations: numbered SQL files applied in order, each once, each atomically."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from importlib import resources

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def available_migrations() -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` of every migration shipped with the package, in order."""
    folder = resources.files("ess_nlp.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet applied; return the names applied now.

    Each migration runs in one transaction with its bookkeeping row, so a failing migration
    leaves the database as it was; two processes opening a new database at once apply each
    migration once (the second one finds it applied when its own attempt fails).
    """
    done = applied_versions(conn)
    applied = []
    for version, name, sql in available_migrations():
        if version in done:
            continue
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{sql}\n;"
            f"INSERT INTO schema_migrations(version, name, applied_at) VALUES ({version}, '{name}', '{now}');\n"
            "COMMIT;"
        )
        try:
            conn.executescript(script)
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if version in applied_versions(conn):
                continue  # another process applied it while this one waited for the lock
            raise
        logger.info("applied migration %s", name)
        applied.append(name)
    return applied
