"""The main job on Dask: the same database whatever the number of workers, on a local cluster
and on a scheduler with a worker started by ``dask worker``; a killed worker, an interrupted
run; bad options in French."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ess_nlp.cli import app
from ess_nlp.parallel import dask_client, run_parallel, window
from ess_nlp.pipeline import run
from ess_nlp.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample"
STEPS = ["classify", "extract"]  # the document steps; topics and syntheses run on the driver either way

# Table contents that must not depend on the number of workers (no timestamps; model ids by name).
TABLES = {
    "sources": "SELECT id, path, sha256, format, size, text, pages, metadata FROM sources",
    "units": "SELECT id, source_id, level, parent_id, cahier_id, section_id, ord, title, kind, start, end,"
    " page, number, text, lemmas, metadata FROM units",
    "predictions": "SELECT p.unit_id, m.name, m.version, p.facet, p.label, p.score, p.assigned, p.explanation"
    " FROM predictions p JOIN model_versions m ON m.id = p.model_id",
    "proposals": "SELECT * FROM proposals",
    "constats": "SELECT * FROM constats",
    "initiatives": "SELECT * FROM initiatives",
    "duplicate_groups": "SELECT label, size, cahiers FROM duplicate_groups",
    "duplicate_members": "SELECT g.label, m.proposal_id, m.similarity FROM duplicate_members m"
    " JOIN duplicate_groups g ON g.id = m.group_id",
    "extracted_sources": "SELECT source_id, sha256, version FROM extracted_sources",
    "proposal_cores": "SELECT proposal_id, version, features, asks FROM proposal_cores",
}


def _supervised_model() -> Path | None:
    """The newest shipped classifier without the zero-shot blend (None: none shipped)."""
    found = None
    for folder in sorted((ROOT / "models" / "ess-default").glob("*/"), key=lambda f: int(f.name) if f.name.isdigit() else -1):
        meta = folder / "meta.json"
        if meta.is_file() and json.loads(meta.read_text(encoding="utf-8")).get("kind") == "supervised":
            found = folder
    return found


# The tests compare runs, not models: every store here scores with a plain supervised model,
# which each Dask worker process loads in a fraction of the blend's time (no zero-shot
# calibration, no word vectors; issue 14: suite time). Without one, the shipped default is used.
SUPERVISED = _supervised_model()


def new_store(db: Path) -> Store:
    """The store at ``db``, its current model the supervised one."""
    store = Store(db)
    if SUPERVISED is not None:
        from ess_nlp.classify.model import load_model
        from ess_nlp.classify.step import register_model

        register_model(store, load_model(SUPERVISED), current=True)
    return store


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in TABLES.items()}


def small_corpus() -> list[Path]:
    if not SAMPLE.is_dir():
        pytest.skip("corpus/sample absent (rendered by corpus/authoring/build.py)")
    return [SAMPLE / "txt", SAMPLE / "md", SAMPLE / "html"]


@pytest.fixture(scope="module")
def default_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[object, ...]]]:
    """The database after the default run (one process, no Dask) over the small corpus."""
    db = tmp_path_factory.mktemp("default") / "base.sqlite3"
    with new_store(db) as store:
        report = run(small_corpus(), store, steps=STEPS)
    assert not report.failures
    found = contents(db)
    assert found["predictions"] and found["proposals"]  # the comparison compares something
    return found


@pytest.fixture(scope="module")
def client():
    with dask_client(workers=2) as client:
        yield client


def test_two_workers_store_the_same_database_as_the_default_run(default_db, client, tmp_path, caplog):
    db = tmp_path / "base.sqlite3"
    with new_store(db) as store:
        report = run(small_corpus(), store, steps=STEPS, client=client)
    assert not report.failures
    assert "fait ici, par le processus principal" not in caplog.text  # the grouping ran as a task on a worker
    assert [s.name for s in report.steps] == STEPS
    assert report.steps[0].counts["units"] == len({row[0] for row in default_db["predictions"]})
    assert contents(db) == default_db
    # Both workers took part (documents are tasks, not one block).
    pids = {pid for pid in client.run(os.getpid).values()}
    assert len(pids) == 2


def test_an_interrupted_run_resumes_from_what_is_stored(default_db, client, tmp_path):
    db = tmp_path / "base.sqlite3"
    stored: list[str] = []

    def stop_after_four(source: str, report: object) -> None:
        stored.append(source)
        if len(stored) == 4:
            raise KeyboardInterrupt  # Ctrl-C once a first batch is written

    with new_store(db) as store, pytest.raises(KeyboardInterrupt):
        run_parallel(small_corpus(), store, client, steps=STEPS, on_file=stop_after_four, batch=4)
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        assert 4 <= kept < len(default_db["sources"])  # whole batches: those written before Ctrl-C
        # A source whose scores and extraction were lost (an older run, a model change): redone.
        first = conn.execute("SELECT id FROM sources ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("DELETE FROM predictions WHERE unit_id IN (SELECT id FROM units WHERE source_id = ?)", (first,))
        conn.execute("DELETE FROM extracted_sources WHERE source_id = ?", (first,))
    with Store(db) as store:
        report = run_parallel(small_corpus(), store, client, steps=STEPS)
    outcomes = [s.outcome for s in report.sources]
    assert outcomes.count("unchanged") == kept and "failed" not in outcomes
    assert contents(db) == default_db


def test_the_driver_holds_a_window_of_tasks_and_releases_each_result_once_stored(client, tmp_path):
    """Issue 20: the driver's memory must not grow with the corpus. However many files, it holds
    the tasks of one window (submitted ahead of the writer) and no result once it is stored: the
    scheduler, which ``LocalCluster`` runs in this process, forgets every task by the end."""
    bound = window(client)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = bound * 2 + 5  # more files than the window: submitting them all at once would show
    for i in range(files):
        (corpus / f"cahier-{i:03d}.txt").write_text(
            f"Cahier de l'atelier {i}\n\nPropositions\n\nOuvrir une épicerie solidaire dans le quartier {i}.\n",
            encoding="utf-8",
        )
    held: list[int] = []

    def count(source: str, report: object) -> None:
        held.append(len(client.futures))  # tasks this client still refers to, after a file is stored

    with Store(tmp_path / "base.sqlite3") as store:
        report = run_parallel([corpus], store, client, steps=[], on_file=count, batch=4)
    assert len(report.sources) == files and not report.failures
    assert len(held) == files and 0 < max(held) <= bound
    assert not client.futures  # every result released once stored
    deadline = time.monotonic() + 10
    while client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) and time.monotonic() < deadline:
        time.sleep(0.05)  # the scheduler hears of the last releases asynchronously
    assert client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks)) == 0


def test_small_files_go_by_chunks_and_a_failed_chunk_fails_only_its_bad_file(tmp_path, monkeypatch):
    """Small files are sent to the workers several per task (the driver's cost is per task); when
    a chunk's task ends in error, its files run again one per task: only the bad one fails."""
    from distributed import Client, LocalCluster

    import ess_nlp.parallel as parallel

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = 7
    for i in range(files):
        (corpus / f"cahier-{i}.txt").write_text(
            f"Cahier {i}\n\nPropositions\n\nOuvrir une recyclerie dans le quartier {i}.\n", encoding="utf-8"
        )
    real = parallel.process_file
    log = tmp_path / "tasks.txt"  # the tasks run on copies of these functions: they log to a file

    def broken_on_three(request, plan):
        if request.source.endswith("cahier-3.txt"):
            raise RuntimeError("panne simulée")
        return real(request, plan)

    def counted(requests, plan, task):
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{len(requests)}\n")
        return real_files(requests, plan, task)

    real_files = parallel.process_files
    monkeypatch.setattr(parallel, "process_file", broken_on_three)
    monkeypatch.setattr(parallel, "process_files", counted)
    # Threads in this process, so that the patched functions are the ones the tasks run.
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as client,
        Store(tmp_path / "base.sqlite3") as store,
    ):
        report = run_parallel([corpus], store, client, steps=[])
        stored = [row[0] for row in store.conn.execute("SELECT path FROM sources ORDER BY id")]
    tasks = [int(n) for n in log.read_text(encoding="utf-8").split()]
    assert tasks == [files] + [1] * files  # one task for the seven small files, then one per file
    failed = [s for s in report.sources if s.outcome == "failed"]
    assert [s.path for s in failed] == [str(corpus / "cahier-3.txt")]
    assert "panne simulée" in failed[0].message
    assert len(stored) == files - 1 and all("cahier-3" not in path for path in stored)


def test_results_arriving_one_by_one_share_a_transaction_and_are_reported_once_committed(tmp_path, monkeypatch):
    """The writer commits several files at once (a commit per file rewrote the same index pages
    at every file), and calls ``on_file`` only once a file's transaction is committed."""
    from distributed import Client, LocalCluster

    import ess_nlp.parallel as parallel

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = 5
    for i in range(files):
        (corpus / f"cahier-{i}.txt").write_text(f"Cahier {i}\n\nUn paragraphe sur le quartier {i}.\n", encoding="utf-8")
    monkeypatch.setattr(parallel, "CHUNK_FILES", 1)  # one task per file: the results come one by one
    monkeypatch.setattr(parallel, "COMMIT_SECONDS", 60)  # far longer than these files take
    commits: list[str] = []
    in_transaction: list[bool] = []
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as client,
        Store(tmp_path / "base.sqlite3") as store,
    ):
        store.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
        report = run_parallel(
            [corpus], store, client, steps=[], on_file=lambda source, r: in_transaction.append(store.conn.in_transaction)
        )
        store.conn.set_trace_callback(None)
    assert [s.outcome for s in report.sources] == ["added"] * files
    assert len(commits) == 1  # the five files in one transaction
    assert in_transaction == [False] * files  # each reported once stored


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Until the scheduler listens on ``port`` (instead of a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)


def test_scheduler_mode_with_a_dask_worker_killed_during_the_run(default_db, tmp_path):
    """The README's cluster commands, on this machine: ``dask scheduler`` and ``dask worker`` as
    processes of their own, then the run given the scheduler's address (as ``--scheduler``);
    the worker process is killed once the first file is stored: the run finishes and stores
    every file once."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    dask = [sys.executable, "-m", "dask"]
    processes = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--dashboard-address", ":0"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]
    try:
        wait_for_port(port, processes[0])
        processes.append(
            subprocess.Popen(
                [*dask, "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
                env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )
        db = tmp_path / "base.sqlite3"
        with dask_client(scheduler=address) as client, new_store(db) as store:
            (victim,) = client.run(os.getpid).values()
            killed: list[int] = []

            def kill_once(source: str, report: object) -> None:
                if not killed:  # the first file is stored, the others are running or queued
                    os.kill(victim, signal.SIGKILL)
                    killed.append(victim)

            report = run_parallel(small_corpus(), store, client, steps=STEPS, on_file=kill_once, batch=1)
            assert killed and not report.failures
            # The worker's nanny started a new worker process, and Dask ran its tasks again there.
            assert victim not in client.run(os.getpid).values()
        assert contents(db) == default_db  # every file stored once, as without the kill
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.mark.parametrize("value", ["0", "-3"])
def test_workers_must_be_positive(value, tmp_path):
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "b.sqlite3"), "--workers", value])
    assert result.exit_code == 1
    assert result.output.strip() == f"--workers doit être un entier positif (au moins 1), et non {value}."


def test_an_unreachable_scheduler_is_one_french_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr("ess_nlp.parallel.CONNECT_SECONDS", 2)  # Dask retries until then
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    result = CliRunner().invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "b.sqlite3"), "--scheduler", address])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"Ordonnanceur Dask injoignable à l'adresse « {address} »")
    assert not (tmp_path / "b.sqlite3").exists()  # nothing was created before the check


class _FailingFuture:
    released = False

    def result(self) -> object:
        raise OSError("unable to open database file")

    def release(self) -> None:
        self.released = True


class _FailingClient:
    def __init__(self) -> None:
        self.future = _FailingFuture()
        self.submitted: list[tuple[object, ...]] = []

    def submit(self, *args: object, **kwargs: object) -> _FailingFuture:
        self.submitted.append(args)
        return self.future


def test_a_grouping_task_that_fails_is_done_by_the_driver_with_a_french_line(tmp_path, caplog):
    """A worker that cannot open the database (another machine, another path): the driver groups
    the proposals itself, says so in French, and releases the task."""
    from types import SimpleNamespace

    from ess_nlp.extract.step import automatic_groups
    from ess_nlp.parallel import _groups_on_worker

    store = Store(tmp_path / "ess.db")  # an empty database: no proposal, so no group
    client = _FailingClient()
    with caplog.at_level("WARNING"):
        groups, cores = _groups_on_worker(SimpleNamespace(store=store, client=client))  # type: ignore[arg-type]
    assert client.submitted and client.submitted[0][1] == str((tmp_path / "ess.db").resolve())
    assert client.future.released
    assert (groups, cores) == automatic_groups(store.conn)
    assert "Le regroupement des propositions proches a échoué sur les processus Dask" in caplog.text
    assert "fait ici, par le processus principal" in caplog.text
