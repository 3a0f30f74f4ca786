"""Per-file isolation: one file read and split in a worker process within time and memory
budgets; a file over a budget is stopped with its sentence and the next file is read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from ess_nlp import isolation
from ess_nlp.ingest import Limits
from ess_nlp.isolation import FileRequest, Worker, read_and_split

MB = 1024 * 1024
GOOD = "Le Jardin du Coteau\n\nConstats\n\nLes friches se multiplient.\n\nNos propositions\n\n1. Créer un fonds.\n"
PROSE = "L'association accompagne les habitants du quartier vers l'emploi et la formation. " * 6


@pytest.fixture(scope="module")
def worker():
    with Worker() as w:
        yield w


def long_text(chars: int) -> bytes:
    return ((PROSE + "\n\n") * (chars // (len(PROSE) + 2) + 1)).encode()


def test_the_worker_gives_what_the_pure_function_gives(worker: Worker, tmp_path: Path) -> None:
    path = tmp_path / "cahier.txt"
    path.write_text(GOOD, encoding="utf-8")
    request = FileRequest("cahier.txt", path=str(path))
    here = read_and_split(request)
    there = worker.run(request)
    assert there.ok and here.ok
    assert there.document == here.document
    assert there.units == here.units
    assert there.size == path.stat().st_size
    assert read_and_split(FileRequest("b.txt", data=GOOD.encode())).units[0].text.startswith("Le Jardin")


def test_a_bad_file_is_a_sentence_not_an_exception(worker: Worker, tmp_path: Path) -> None:
    result = worker.run(FileRequest("vide.txt", data=b""))
    assert not result.ok and not result.stopped
    assert result.error.startswith("vide.txt : le fichier est vide")


def test_a_file_over_its_cpu_time_is_stopped_and_the_next_file_is_read(worker: Worker) -> None:
    slow = FileRequest("lent.txt", data=long_text(400_000), limits=Limits(max_seconds=1))
    result = worker.run(slow)
    assert result.stopped and not result.ok
    assert result.error.startswith("lent.txt : lecture arrêtée après 1 s de calcul (limite 1 s)")
    assert "--limit max_seconds=2" in result.error
    after = worker.run(FileRequest("bon.txt", data=GOOD.encode()))
    assert after.ok and after.units


def test_a_file_over_its_memory_is_stopped_and_the_next_file_is_read(worker: Worker) -> None:
    big = FileRequest("gros.txt", data=long_text(8 * MB), limits=Limits(max_memory_bytes=40 * MB))
    result = worker.run(big)
    assert result.stopped and not result.ok
    assert result.error.startswith("gros.txt : lecture arrêtée")
    assert "--limit max_memory_bytes=" in result.error
    assert worker.run(FileRequest("bon.txt", data=GOOD.encode())).ok


@pytest.mark.slow  # a 5 s wait, then a new worker loads spaCy
def test_a_worker_that_does_not_answer_is_killed_at_the_wall_clock_deadline(
    worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that hangs (here stopped with SIGSTOP: alive, computing nothing, never answering,
    as on a blocked read) is killed at the wall-clock deadline; its CPU budget is not what ends it."""
    assert worker.run(FileRequest("bon.txt", data=GOOD.encode())).ok  # a child ready to answer
    assert worker._process is not None
    pid = worker._process.pid
    os.kill(pid, signal.SIGSTOP)
    # Were the deadline not kept, the run would wait for ever: a guard kills the child after 60 s
    # (the run then reports a crash, not the sentence asserted below).
    guard = threading.Timer(60, os.kill, (pid, signal.SIGKILL))
    guard.start()
    monkeypatch.setattr(isolation, "WALL_FACTOR", 0)  # deadline: 5 s of wall-clock time
    try:
        result = worker.run(FileRequest("attente.txt", data=GOOD.encode(), limits=Limits(max_seconds=600)))
    finally:
        guard.cancel()
    assert result.stopped and not result.ok
    assert result.error.startswith("attente.txt : lecture arrêtée : aucune réponse après 5 s"), result.error
    assert not _alive(pid)
    monkeypatch.undo()
    assert worker.run(FileRequest("bon.txt", data=GOOD.encode())).ok


@pytest.mark.slow  # separate processes, each loading spaCy
def test_the_worker_dies_with_its_parent(tmp_path: Path) -> None:
    """``kill -9`` of the command leaves no worker behind (it would hold memory and CPU)."""
    path = tmp_path / "long.txt"
    path.write_bytes(long_text(2 * MB))
    script = textwrap.dedent(
        f"""
        from ess_nlp.isolation import FileRequest, Worker
        w = Worker()
        w.start()
        print(w._process.pid, flush=True)
        w.run(FileRequest("long.txt", path={str(path)!r}))
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    time.sleep(1)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()
    for _ in range(100):
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[1][0] not in "ZX"
    except FileNotFoundError:
        return False


def test_shared_worker_is_one_per_process() -> None:
    assert isolation.shared_worker() is isolation.shared_worker()
    assert os.getpid()  # the shared worker is stopped at exit (atexit), not here
