"""``ess-nlp ingest``: one line per file as it is done, limits set from the command line, a
database busy with another process waited for with a French message, never a traceback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ess_nlp.cli import app
from ess_nlp.pipeline import ingest_paths
from ess_nlp.store import Store, StoreBusyError

runner = CliRunner()
CAHIER = "Le Jardin du Coteau\n\nConstats\n\nLes friches se multiplient.\n\nNos propositions\n\n1. Créer un fonds.\n"
ESS_NLP = [sys.executable, "-c", "from ess_nlp.cli import main; main()"]


def lot(tmp_path: Path, count: int = 2) -> Path:
    folder = tmp_path / "lot"
    folder.mkdir()
    for i in range(count):
        (folder / f"cahier-{i}.txt").write_text(CAHIER.replace("Coteau", f"Coteau {i}"), encoding="utf-8")
    return folder


def test_ingest_prints_one_line_per_file_then_a_summary(tmp_path: Path) -> None:
    folder = lot(tmp_path)
    (folder / "vide.md").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "b.sqlite3"), "--quiet"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"ajouté : {folder}/cahier-0.txt (1 cahier(s), 7 unités)"
    assert lines[1].startswith(f"ajouté : {folder}/cahier-1.txt")
    assert lines[-1] == "3 fichiers : 2 ajoutés, 1 en échec."
    assert result.stderr.strip() == f"{folder}/vide.md : le fichier est vide (0 octet), il n'y a rien à lire"
    again = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "b.sqlite3"), "--json"])
    records = [json.loads(line) for line in again.stdout.splitlines()]
    assert [r["outcome"] for r in records] == ["unchanged", "unchanged", "failed"]


def test_limit_option_and_environment_change_the_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = lot(tmp_path, 1)
    db = str(tmp_path / "b.sqlite3")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--quiet", "--limit", "max_file_bytes=20"])
    assert result.exit_code == 1
    assert "trop volumineux" in result.stderr and "--limit max_file_bytes=" in result.stderr
    monkeypatch.setenv("ESS_NLP_LIMITS", "max_text_chars=10")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--quiet"])
    assert "le texte extrait est trop long" in result.stderr
    result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--quiet", "--limit", "max_text_chars=1000"])
    assert result.exit_code == 0, result.output


def test_a_bad_limit_is_one_french_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path), "--limit", "max_secondes=3"])
    assert result.exit_code != 0
    assert "Limite « max_secondes=3 » invalide" in str(result.exception or result.output)


def test_a_write_locked_database_makes_the_file_fail_in_french_not_crash(tmp_path: Path) -> None:
    folder = lot(tmp_path, 1)
    db = tmp_path / "b.sqlite3"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waits: list[int] = []
    try:
        with Store(db, timeout=0.5, on_busy=lambda: waits.append(1)) as store:
            [report] = ingest_paths([folder], store)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report.outcome == "failed" and waits == [1]
    assert report.message.startswith(f"{folder}/cahier-0.txt : La base {db} est occupée par un autre traitement")
    with pytest.raises(StoreBusyError):
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            Store(db, timeout=0.2).remove_source("x")
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def test_ingest_waits_for_another_writer_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ess_nlp.cli import _common, _corpus

    folder = lot(tmp_path, 1)
    db = tmp_path / "b.sqlite3"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()
    releasing = threading.Lock()

    def release() -> None:
        with releasing:
            if not released.is_set():
                released.set()
                holder.execute("COMMIT")

    # The other writer lets go one second after the command said it waits (whatever the
    # machine's load), or after 60 s if it never says so (then the test fails below).
    def busy_notice_then_release(timeout: float = 30.0):
        notice = _common.busy_notice(timeout)

        def on_busy() -> None:
            notice()
            threading.Timer(1.0, release).start()

        return on_busy

    monkeypatch.setattr(_corpus, "busy_notice", busy_notice_then_release)
    fallback = threading.Timer(60.0, release)
    fallback.start()
    try:
        result = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--quiet"])
    finally:
        fallback.cancel()
        time.sleep(1.2)  # a release scheduled by the notice has run
        release()
        holder.close()
    assert result.exit_code == 0, result.output
    assert "Base occupée par un autre traitement : attente de sa fin" in result.stderr
    assert "ajouté" in result.stdout


@pytest.mark.slow  # separate processes, each loading spaCy
def test_two_ingest_processes_on_one_database_both_finish(tmp_path: Path) -> None:
    first, second = tmp_path / "un", tmp_path / "deux"
    for folder, tag in ((first, "A"), (second, "B")):
        folder.mkdir()
        for i in range(6):
            text = CAHIER.replace("Coteau", f"Coteau {tag}{i}")
            (folder / f"{tag}{i}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "b.sqlite3"
    processes = [
        subprocess.Popen([*ESS_NLP, "ingest", "--quiet", "--db", str(db), str(folder)], stderr=subprocess.PIPE)
        for folder in (first, second)
    ]
    codes = [p.wait(timeout=600) for p in processes]
    errors = [p.stderr.read().decode() for p in processes if p.stderr is not None]
    for p in processes:
        assert p.stderr is not None
        p.stderr.close()
    assert codes == [0, 0], errors
    assert all("Traceback" not in e for e in errors)
    with Store(db) as store:
        assert len(store.sources()) == 12
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow  # separate processes, each loading spaCy
def test_kill_9_during_ingest_then_a_rerun_loses_and_doubles_nothing(tmp_path: Path) -> None:
    folder = lot(tmp_path, 30)
    db = tmp_path / "b.sqlite3"
    process = subprocess.Popen([*ESS_NLP, "ingest", "--quiet", "--db", str(db), str(folder)], stdout=subprocess.PIPE)
    assert process.stdout is not None
    for _ in range(10):  # killed after the tenth file is stored, in the middle of the batch
        process.stdout.readline()
    process.kill()
    process.wait()
    process.stdout.close()
    time.sleep(0.5)
    with Store(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert 10 <= len(store.sources()) < 30
    rerun = subprocess.run([*ESS_NLP, "ingest", "--quiet", "--db", str(db), str(folder)], capture_output=True)
    assert rerun.returncode == 0, rerun.stderr
    with Store(db) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert len(store.sources()) == 30
        units = store.conn.execute("SELECT count(*), count(DISTINCT source_id || ':' || level || ':' || start || ':' || end) FROM units").fetchone()
        assert units[0] == units[1] == 30 * 7
    assert os.path.exists(db)
