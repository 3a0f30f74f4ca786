"""Two processes opening one new database at once: each migration is applied once, no error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ess_nlp.store import _migrations
from ess_nlp.store._migrations import available_migrations, migrate


def test_a_migration_applied_by_another_process_meanwhile_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "base.sqlite3"
    first = sqlite3.connect(db, isolation_level=None)
    second = sqlite3.connect(db, isolation_level=None)
    real = _migrations.applied_versions
    reads: list[int] = []

    def read_before_the_other_process_migrated(conn: sqlite3.Connection) -> set[int]:
        reads.append(1)
        return set() if len(reads) == 1 else real(conn)

    migrate(first)
    monkeypatch.setattr(_migrations, "applied_versions", read_before_the_other_process_migrated)
    assert migrate(second) == []
    versions = [row[0] for row in second.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [v for v, _, _ in available_migrations()]
    first.close()
    second.close()
