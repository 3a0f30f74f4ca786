"""Disk full and other operating-system errors at every step (issue 18, item 7): one French
sentence naming the file or the step and the reason, no traceback, exit status 1, and the
database keeps what earlier transactions saved.

SQLite's own "database or disk is full" is produced for real by capping the database's size
(``PRAGMA max_page_count``, what SQLite checks before growing the file); errors of files
(exports, backups, model folders) are simulated with ``OSError(ENOSPC)`` and the like.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ess_nlp.cli import main
from ess_nlp.errors import StorageError, system_error
from ess_nlp.pipeline import STEP_LABELS, STEPS
from ess_nlp.store import Store

CAHIER = "Le Jardin du Coteau\n\nConstats\n\nLes friches se multiplient.\n\nNos propositions\n\n1. Créer un fonds.\n"


def cap_growth(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Store opened from now on may not grow the database file: SQLite then raises its
    real SQLITE_FULL, "database or disk is full", as on a full disk."""
    original = Store.__init__

    def capped(self: Store, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(Store, "__init__", capped)


def base_with_one_file(tmp_path: Path) -> Path:
    folder = tmp_path / "avant"
    folder.mkdir()
    (folder / "a.txt").write_text(CAHIER, encoding="utf-8")
    db = tmp_path / "base.sqlite3"
    assert run_cli(["ingest", str(folder), "--db", str(db), "--quiet"])[0] == 0
    return db


def run_cli(args: list[str]) -> tuple[int, str]:
    """``ess-nlp ARGS`` in this process (so monkeypatches hold): exit status and stderr."""
    import contextlib
    import io

    err = io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            main(args)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    run_cli.stdout = out.getvalue()  # type: ignore[attr-defined]
    return code, err.getvalue()


def assert_one_french_sentence(stderr: str, *names: str) -> None:
    assert "Traceback" not in stderr and "erreur inattendue" not in stderr, stderr
    assert "OperationalError" not in stderr and "No space left" not in stderr, stderr
    assert "disque plein" in stderr, stderr
    for name in names:
        assert name in stderr, (name, stderr)


def intact(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert not conn.execute("PRAGMA foreign_key_check").fetchall()
        return [r[0] for r in conn.execute("SELECT path FROM sources ORDER BY path")]


def test_ingest_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = base_with_one_file(tmp_path)
    before = intact(db)
    folder = tmp_path / "nouveaux"
    folder.mkdir()
    big = (CAHIER + "\n\n" + "Nous proposons de mutualiser les locaux des associations du quartier. " * 40) * 20
    (folder / "b.txt").write_text(big, encoding="utf-8")
    cap_growth(monkeypatch)
    code, stderr = run_cli(["ingest", str(folder), "--db", str(db), "--quiet"])
    assert code == 1
    assert_one_french_sentence(stderr, "b.txt", str(db))
    monkeypatch.undo()
    assert intact(db) == before  # a.txt still there, nothing of b.txt half-written


@pytest.mark.parametrize("name", [name for name, _ in STEPS])
def test_each_processing_step_on_a_full_disk(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ess-nlp run``: the step stops with SQLite's "database or disk is full" (or the OS's
    ENOSPC while writing a model folder); the other steps run, nothing earlier is lost."""
    import importlib

    db = base_with_one_file(tmp_path)
    for step_name, target in STEPS:  # the other steps do nothing here (they are tested elsewhere)
        module, func = target.split(":")
        failing = step_name == name

        def fake(store: Store, progress: Any = None, failing: bool = failing) -> Any:
            from ess_nlp.pipeline import StepReport

            if failing:
                with store.transaction() as conn:  # half a step written, then the disk is full
                    conn.execute("UPDATE sources SET ingested_at = 'demi-étape'")
                    raise sqlite3.OperationalError("database or disk is full")
            return StepReport("ok", "rien à faire")

        monkeypatch.setattr(importlib.import_module(module), func, fake)
    code, stderr = run_cli(["run", str(tmp_path / "avant"), "--db", str(db), "--quiet"])
    assert code == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sources WHERE ingested_at = 'demi-étape'").fetchone()[0] == 0  # rolled back
    assert intact(db) == [str(tmp_path / "avant" / "a.txt")]
    assert "Traceback" not in stderr and "erreur inattendue" not in stderr, stderr
    line = next(li for li in run_cli.stdout.splitlines() if li.startswith(STEP_LABELS[name]))  # type: ignore[attr-defined]
    assert "échec" in line and "disque plein" in line and str(db) in line, line


@pytest.mark.parametrize(
    "error",
    [OSError(errno.ENOSPC, "No space left on device", "models/topics/x"), sqlite3.OperationalError("database or disk is full")],
    ids=["enospc", "sqlite-full"],
)
def test_a_step_failing_outside_a_transaction_is_one_french_line(error: Exception, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from ess_nlp.pipeline import run_steps

    db = base_with_one_file(tmp_path)
    module, func = dict(STEPS)["topics"].split(":")

    def fake(store: Store, progress: Any = None) -> Any:
        raise error

    monkeypatch.setattr(importlib.import_module(module), func, fake)
    with Store(db) as store:
        [report] = run_steps(store, steps=["topics"])
    assert report.failed and report.summary.startswith(f"échec : {STEP_LABELS['topics']}")
    assert "disque plein" in report.summary and "Error" not in report.summary
    if isinstance(error, OSError):
        assert "models/topics/x" in report.summary


def test_topic_edit_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command whose library call raises SQLite's error outside a transaction: the command
    line's boundary gives the French sentence (no traceback)."""
    import ess_nlp.topics

    db = base_with_one_file(tmp_path)

    def full(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ess_nlp.topics, "edit_topics", full)
    code, stderr = run_cli(
        ["topics-edit", "--db", str(db), "--name", "section", "--who", "amelie", "--rename", "1", "--label", "Nouveau nom"]
    )
    if code == 2:  # the options of topics-edit changed: say which the test needs
        pytest.fail(stderr)
    assert code == 1
    assert_one_french_sentence(stderr, "ess-nlp topics-edit")
    assert intact(db)


def test_export_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = base_with_one_file(tmp_path)
    out = tmp_path / "exports" / "t4.md"
    out.parent.mkdir()
    out.write_text("l'export d'avant", encoding="utf-8")
    real_replace = os.replace

    def full(src: Any, dst: Any) -> None:
        if str(dst) == str(out):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full)
    code, stderr = run_cli(["export", "--theme", "T4", "--format", "md", "--out", str(out), "--db", str(db)])
    assert code == 1
    assert_one_french_sentence(stderr, str(out))
    assert "rien n'a été remplacé" in stderr
    assert out.read_text(encoding="utf-8") == "l'export d'avant"
    assert [p.name for p in out.parent.iterdir()] == ["t4.md"]  # no temporary file left


@pytest.mark.parametrize(
    ("number", "reason"),
    [(errno.ENOSPC, "disque plein"), (errno.EACCES, "droits insuffisants"), (errno.EROFS, "lecture seule")],
)
def test_backup_refused_by_the_system(number: int, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = base_with_one_file(tmp_path)
    target = tmp_path / "copies" / "b.sqlite3"
    real_replace = os.replace

    def refused(src: Any, dst: Any) -> None:
        if str(dst) == str(target):
            raise OSError(number, os.strerror(number), str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", refused)
    code, stderr = run_cli(["backup", str(target), "--db", str(db)])
    assert code == 1 and "Traceback" not in stderr and reason in stderr and str(target) in stderr, stderr
    assert "la base n'a pas changé" in stderr
    assert not target.exists() and not list(target.parent.glob("*.partiel"))
    assert intact(db)


def test_a_read_only_database_is_one_french_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only files")
    db = base_with_one_file(tmp_path)
    folder = tmp_path / "nouveaux"
    folder.mkdir()
    (folder / "b.txt").write_text(CAHIER.replace("Coteau", "Verger"), encoding="utf-8")
    for path in (db, tmp_path):
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        code, stderr = run_cli(["ingest", str(folder), "--db", str(db), "--quiet"])
    finally:
        tmp_path.chmod(0o755)
        db.chmod(0o644)
    assert code == 1 and "Traceback" not in stderr and "erreur inattendue" not in stderr, stderr
    assert str(db) in stderr and ("lecture seule" in stderr or "ne peut pas être ouverte" in stderr), stderr
    assert intact(db) == [str(tmp_path / "avant" / "a.txt")]


def test_the_errors_module_maps_os_and_sqlite_errors() -> None:
    cases = {
        OSError(errno.ENOSPC, "No space left on device"): "disque plein",
        OSError(errno.EACCES, "Permission denied", "/x"): "droits insuffisants",
        OSError(errno.EROFS, "Read-only file system"): "lecture seule",
        sqlite3.OperationalError("database or disk is full"): "disque plein",
        sqlite3.OperationalError("attempt to write a readonly database"): "base en lecture seule",
        sqlite3.OperationalError("disk I/O error"): "entrée-sortie",
    }
    for error, reason in cases.items():
        found = system_error(error, "étape")
        assert isinstance(found, StorageError) and str(found).startswith("étape") and reason in str(found)
    assert system_error(ValueError("bug"), "étape") is None  # a bug keeps its traceback
    assert system_error(sqlite3.IntegrityError("UNIQUE constraint failed"), "étape") is None
