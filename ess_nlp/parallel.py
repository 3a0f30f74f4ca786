"""The main job on Dask (``dask.distributed``): documents read, split, classified and extracted
on several processes or machines, stored by one writer.

The document-parallel work of one file (read and split it, score its units, extract from them)
is :func:`process_file`; small files go to the workers a few at a time, one Dask task per
chunk (:func:`process_files`; a chunk whose task fails runs again one file per task). The task
reads each file in the worker's reading process (:class:`~ess_nlp.isolation.Worker`, with the
same time and memory budgets and the same French sentences as ``ess-nlp run`` without Dask) and
keeps its models loaded for the life of the worker process (:func:`_models`). The driver (this
process) is the only writer: it stores the results in the database in batches (one transaction
for up to ``BATCH`` files or ``COMMIT_SECONDS``, a savepoint per file), in the order of the
files, so the database holds the same rows whatever the number of workers.
Sources stored earlier but not yet scored or extracted (an interrupted run, a new model) are
processed the same way (:func:`process_stored`). A task also computes the demand cores of the
proposals it extracts (:func:`ess_nlp.extract.step.with_cores`), stored with them.

The corpus-wide steps then run: the near-duplicate groups' computation as one Dask task
(:func:`duplicate_groups`: it opens the database read-only and returns the groups; the driver
replays people's edits and writes them; on the driver when the task cannot run, a database in
memory for one), then topics and syntheses here, on the driver.

Faults: a worker that dies is restarted (``LocalCluster``) and its tasks run again elsewhere
(Dask retries a task ``distributed.scheduler.allowed-failures`` times; past that the file gets
its French sentence and the run goes on). A result is stored once, when the driver writes it;
a run stopped half-way leaves whole files stored, and running it again goes on from there.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ess_nlp.errors import EssNlpError
from ess_nlp.ingest import Limits, source_name
from ess_nlp.ingest._limits import DEFAULT_LIMITS
from ess_nlp.isolation import FileRequest, FileResult, shared_worker
from ess_nlp.pipeline import (
    STEPS,
    FileCallback,
    RunReport,
    SourceReport,
    _unchanged,
    list_files,
    run_steps,
    store_file_result,
    wanted_steps,
)
from ess_nlp.records import Unit
from ess_nlp.steps import Progress, StepReport
from ess_nlp.store import Store

if TYPE_CHECKING:
    from distributed import Client, Future

    from ess_nlp.classify.model import ClassificationModel
    from ess_nlp.classify.step import PredictionRow
    from ess_nlp.extract._run import Extraction
    from ess_nlp.extract.duplicates import Method
    from ess_nlp.extract.step import Grouping

__all__ = [
    "DocumentOutput",
    "Plan",
    "dask_client",
    "duplicate_groups",
    "memory_peaks",
    "process_file",
    "process_stored",
    "run_parallel",
]

logger = logging.getLogger(__name__)

# Files stored per transaction by the writer, at most; and the longest a transaction stays open
# (seconds) when results come one by one. A commit per file rewrote the same index pages into the
# write-ahead log at every file (issue 20).
BATCH = 64
COMMIT_SECONDS = 2.0
# Small files go to the workers several at a time, in file order: one task for at most
# CHUNK_FILES files of CHUNK_BYTES together (a file at least that large is a task of its own).
# The driver pays for each task (submitting it, the scheduler's bookkeeping, receiving its
# result: 15 to 20 ms of its CPU, profiled on 400 reports), not for each file. A chunk whose
# task fails is run again one file per task, so that only the file at fault gets the failure.
CHUNK_FILES = 16
CHUNK_BYTES = 256 * 1024
# Tasks submitted ahead of the writer: at least MIN_WINDOW, else WINDOW_PER_THREAD per worker
# thread. The driver holds the tasks of this window only (their results are released once
# stored), so its memory does not grow with the number of files.
MIN_WINDOW = 16
WINDOW_PER_THREAD = 4
# Seconds to reach a scheduler given by address, and to wait for its first worker.
CONNECT_SECONDS = 10
WORKER_WAIT_SECONDS = 60
DOCUMENT_STEPS = ("classify", "extract")


# --- the tasks (run on the workers) -------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the tasks do after splitting: score units with the classification model in folder
    ``model_path`` (None: the zero-shot scorer of the default taxonomy) when ``classify``, and
    extract with the spaCy pipeline ``extraction_model`` when ``extract``, computing the demand
    cores of its proposals when the ``grouping`` method (the driver's) reads them."""

    classify: bool = False
    model_path: str | None = None
    extract: bool = False
    extraction_model: str = ""
    grouping: Method = "core"


@dataclass(frozen=True)
class DocumentOutput:
    """What a task sends back: the read file (None for units already stored), the prediction
    rows of its units (None: not scored), units scored per level, its extraction (None: not
    extracted), the seconds spent per step, and the worker process that ran it."""

    result: FileResult | None
    predictions: list[PredictionRow] | None = None
    classified: dict[str, int] = field(default_factory=dict)
    extraction: Extraction | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    pid: int = 0


_loaded: dict[tuple[str, str | None], Any] = {}


def _models(plan: Plan) -> tuple[ClassificationModel | None, Any]:
    """The classification model and the extraction pipeline of ``plan``, loaded once per worker
    process and kept for its next tasks."""
    model = nlp = None
    if plan.classify:
        key = ("classify", plan.model_path)
        if key not in _loaded:
            from ess_nlp.classify.model import load_model
            from ess_nlp.classify.step import zero_shot_model

            _loaded[key] = load_model(Path(plan.model_path)) if plan.model_path else zero_shot_model()
        model = _loaded[key]
    if plan.extract:
        from ess_nlp.extract._run import extraction_pipeline

        nlp = extraction_pipeline(plan.extraction_model)  # cached by the function itself
    return model, nlp


def process_file(request: FileRequest, plan: Plan) -> DocumentOutput:
    """Read and split one file in this worker's reading process (time and memory budgets),
    then score and extract its units as ``plan`` says (a Dask task)."""
    started = time.perf_counter()
    try:
        result = shared_worker().run(request)
    except EssNlpError as err:  # the reading process could not start
        result = FileResult(request.source, error=f"{request.source} : {err}")
    read = time.perf_counter() - started
    if not result.ok:
        return DocumentOutput(result, seconds={"ingest": read}, pid=os.getpid())
    output = process_stored(list(result.units), plan)
    return replace(output, result=result, seconds={"ingest": read, **output.seconds})


def process_files(
    requests: Sequence[FileRequest], plan: Plan, task: Callable[[FileRequest, Plan], DocumentOutput] = process_file
) -> list[DocumentOutput]:
    """``task`` (:func:`process_file`) on each of ``requests`` in turn: one Dask task for a few
    small files."""
    return [task(request, plan) for request in requests]


def process_stored(units: Sequence[Unit], plan: Plan, todo: Iterable[str] | None = None) -> DocumentOutput:
    """Score (the units of ``todo``, default all) and extract the units of one source, in source
    order, as ``plan`` says (a Dask task)."""
    from ess_nlp.classify.step import prediction_rows, units_to_classify
    from ess_nlp.extract._run import extract_units
    from ess_nlp.extract.step import with_cores

    model, nlp = _models(plan)
    seconds: dict[str, float] = {}
    predictions: list[PredictionRow] | None = None
    classified: dict[str, int] = {}
    if model is not None:
        started = time.perf_counter()
        chosen = None if todo is None else set(todo)
        wanted = units_to_classify(u for u in units if chosen is None or u.id in chosen)
        predictions = []
        for _, rows, counts in prediction_rows(model, units, wanted):
            predictions.extend(rows)
            for level, n in counts.items():
                classified[level] = classified.get(level, 0) + n
        seconds["classify"] = time.perf_counter() - started
    extraction = None
    if nlp is not None:
        started = time.perf_counter()
        extraction = with_cores(extract_units(list(units), nlp=nlp), plan.grouping)
        seconds["extract"] = time.perf_counter() - started
    return DocumentOutput(None, predictions, classified, extraction, seconds, os.getpid())


def duplicate_groups(database: str, method: Method | None = None) -> Grouping:
    """The automatic groups of near-duplicate proposals of the database at the absolute path
    ``database``, opened read-only (a Dask task: :func:`ess_nlp.extract.step.automatic_groups`),
    by ``method`` (the driver's, so that a worker's own environment does not change it)."""
    import sqlite3

    from ess_nlp.extract.step import automatic_groups

    conn = sqlite3.connect(f"{Path(database).as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return automatic_groups(conn, method=method)
    finally:
        conn.close()


def memory_peaks() -> dict[str, int]:
    """Peak resident memory, in bytes, of this process (``process``) and of its reading process
    (``reader``, when it runs); run on each worker with ``client.run(memory_peaks)``."""
    peaks = {"process": _peak_bytes("self")}
    process = shared_worker()._process
    if process is not None and process.poll() is None:
        peaks["reader"] = _peak_bytes(str(process.pid))
    return peaks


def _peak_bytes(pid: str) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


# --- the cluster ----------------------------------------------------------------------------------


@contextlib.contextmanager
def dask_client(*, workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A Dask client: on a ``LocalCluster`` of ``workers`` processes (one thread each), or on
    the scheduler at ``scheduler`` (``tcp://HOST:8786``, its workers started with
    ``dask worker``). Bad values and an unreachable scheduler raise one French sentence."""
    if (workers is None) == (scheduler is None):
        raise EssNlpError("Indiquez soit --workers N (sur ce poste), soit --scheduler ADRESSE (une grappe Dask).")
    from distributed import Client, LocalCluster

    if workers is not None:
        if workers < 1:
            raise EssNlpError(f"--workers doit être un entier positif (au moins 1), et non {workers}.")
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # a free port: several runs may share a machine
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
        return
    assert scheduler is not None
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError, TypeError) as err:
        logger.info("cannot reach the Dask scheduler %s: %s", scheduler, err)
        raise EssNlpError(
            f"Ordonnanceur Dask injoignable à l'adresse « {scheduler} » : vérifiez qu'il est lancé "
            f"(dask scheduler) et que l'adresse est de la forme tcp://HÔTE:8786."
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
        except (TimeoutError, OSError):
            raise EssNlpError(
                f"Aucun processus de calcul n'est connecté à l'ordonnanceur « {scheduler} » après "
                f"{WORKER_WAIT_SECONDS} s : lancez-en au moins un (dask worker {scheduler})."
            ) from None
        yield client


def _threads(client: Client) -> int:
    workers = client.scheduler_info()["workers"].values()
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers))


def window(client: Client) -> int:
    """How many tasks the writer keeps submitted ahead of it on the workers of ``client``."""
    return max(MIN_WINDOW, WINDOW_PER_THREAD * _threads(client))


# --- the writer (the driver) ----------------------------------------------------------------------


@dataclass
class _Entry:
    """One source in the writer's queue: a report already known, or the task computing it."""

    source: str
    report: SourceReport | None = None
    future: Future[Any] | None = None
    stored: tuple[int, str, list[Unit]] | None = None  # (source id, sha256, units) for process_stored
    # A file of a chunk: its place in the list the chunk's task returns, and how to submit the
    # file alone (when the chunk's task fails).
    index: int | None = None
    alone: Callable[[], Future[Any]] | None = None
    chunk: dict[str, Any] = field(default_factory=dict)  # shared by the chunk's files: its outputs, once fetched

    @property
    def task(self) -> bool:
        """Whether this entry stands for a task (its first file, for a chunk)."""
        return self.future is not None and not self.index


@dataclass
class _Totals:
    classified: dict[str, int] = field(default_factory=dict)
    extracted: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, output: DocumentOutput) -> None:
        for level, n in output.classified.items():
            self.classified[level] = self.classified.get(level, 0) + n
        for step, s in output.seconds.items():
            self.seconds[step] = self.seconds.get(step, 0.0) + s


class _Run:
    """One parallel run over a store: submits tasks ahead, writes their results in order."""

    def __init__(self, client: Client, store: Store, wanted: list[str], batch: int) -> None:
        self.client, self.store, self.batch = client, store, max(1, batch)
        self.window = window(client)
        self.classify, self.extract = "classify" in wanted, "extract" in wanted
        self.totals = _Totals()
        self._plan: Plan | None = None
        self.model: ClassificationModel | None = None
        self.model_id = 0
        self.version = ""
        if self.extract:
            from ess_nlp.extract.step import extraction_version, new_counts

            self.version = extraction_version()
            self.totals.extracted = new_counts()

    def plan(self) -> Plan:
        """The tasks' plan; the classification model is loaded and registered on first need."""
        if self._plan is None:
            model_path = None
            if self.classify:
                from ess_nlp.classify.step import current_model, register_model

                self.model = current_model(self.store)
                self.model_id = register_model(self.store, self.model, current=True)
                model_path = str(self.model.path) if self.model.path else None
            from ess_nlp.extract._run import DEFAULT_MODEL
            from ess_nlp.extract.step import grouping_method

            self._plan = Plan(self.classify, model_path, self.extract, DEFAULT_MODEL, grouping_method())
        return self._plan

    def ordered(
        self,
        entries: Iterator[_Entry],
        write: Callable[[_Entry, DocumentOutput | BaseException | None], SourceReport | None],
        done: Callable[[SourceReport | None], None],
    ) -> None:
        """Submit the tasks of ``entries`` ahead (at most ``window`` running), and write their
        results in the order of ``entries``, each file in a savepoint, several files in one
        transaction: it is committed once it holds ``batch`` files, or once it is
        ``COMMIT_SECONDS`` old, or when the next result is that long in coming. ``done`` is called
        for each file once its transaction is committed."""
        queue: deque[_Entry] = deque()
        more = True
        written: list[tuple[_Entry, SourceReport | None]] = []
        opened: float | None = None  # when the transaction open began
        with contextlib.ExitStack() as transaction:

            def commit() -> None:
                nonlocal opened
                transaction.close()
                opened = None
                stored = list(written)
                written.clear()
                for entry, _ in stored:
                    entry.future = None  # the result can go from the worker's memory
                for _, report in stored:
                    done(report)

            while True:
                more = more and self._fill(queue, entries)
                if not queue:
                    break
                if not _ready(queue[0]):
                    if opened is not None and not _wait(queue[0].future, opened + COMMIT_SECONDS - time.monotonic()):
                        commit()  # the next result is long in coming: what is written is committed first
                    if not _ready(queue[0]):
                        _wait(queue[0].future)
                if opened is None:
                    transaction.enter_context(self.store.transaction())
                    opened = time.monotonic()
                while queue and len(written) < self.batch and _ready(queue[0]) and not _split(queue):
                    entry = queue.popleft()
                    written.append((entry, entry.report or write(entry, _outcome(entry))))
                if len(written) >= self.batch or time.monotonic() - opened >= COMMIT_SECONDS:
                    commit()
            if opened is not None:
                commit()

    def _fill(self, queue: deque[_Entry], entries: Iterator[_Entry]) -> bool:
        """Queue entries until ``window`` of their tasks run ahead of the writer; False once
        ``entries`` is exhausted."""
        running = sum(entry.task for entry in queue)
        while running < self.window:
            entry = next(entries, None)
            if entry is None:
                return False
            queue.append(entry)
            running += entry.task
        return True

    def store_output(
        self, output: DocumentOutput, source: tuple[int, str], units: Sequence[Unit], *, new: bool = False
    ) -> None:
        """Store the predictions and the extraction of one source ``(id, sha256)``; ``new``: its
        units were stored in this transaction (they have no scores to replace)."""
        self.totals.add(output)
        if output.predictions:
            from ess_nlp.classify.step import INSERT_NEW_PREDICTION, INSERT_PREDICTION

            with self.store.transaction() as conn:
                conn.executemany(
                    INSERT_NEW_PREDICTION if new else INSERT_PREDICTION,
                    [(r[0], self.model_id, *r[1:]) for r in output.predictions],
                )
        if output.extraction is not None:
            from ess_nlp.extract.step import store_extraction

            ids = [u.id for u in units]
            store_extraction(self.store, (*source, self.version), ids, output.extraction, self.totals.extracted)


def _ready(entry: _Entry) -> bool:
    return entry.future is None or bool(entry.future.done())  # type: ignore[no-untyped-call]


def _wait(future: Future[Any] | None, timeout: float | None = None) -> bool:
    """Wait until ``future`` is done (at most ``timeout`` seconds: False if it is not done by
    then). A scheduler that cannot be reached raises the French sentence of :func:`_lost`."""
    from distributed import wait

    if timeout is not None and timeout <= 0:
        return future is None or bool(future.done())  # type: ignore[no-untyped-call]
    try:
        wait(future, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as err:
        if timeout is not None:
            return False  # not done yet, or the scheduler is lost: the wait without timeout tells
        raise _lost(err) from None
    return True


def _outcome(entry: _Entry) -> DocumentOutput | BaseException | None:
    """The output of the entry's task (its file's, for a chunk), or the exception the task
    ended with (None: no task)."""
    future = entry.future
    if future is None:
        return None
    if future.status == "finished":
        if entry.index is None:
            output = future.result()
        else:  # fetched from the worker once for the whole chunk
            if "outputs" not in entry.chunk:
                entry.chunk["outputs"] = future.result()
            output = entry.chunk["outputs"][entry.index]
        assert isinstance(output, DocumentOutput)
        return output
    if future.status == "cancelled":
        raise _lost(None)
    try:
        err = future.exception()  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as lost:
        raise _lost(lost) from None
    return err if isinstance(err, BaseException) else RuntimeError(str(err))


def _split(queue: deque[_Entry]) -> bool:
    """When the chunk at the head of ``queue`` ended in error (a worker killed at every try, an
    unexpected exception), submit each of its files alone, so that only the file at fault fails.
    True when it did."""
    head = queue[0]
    if head.future is None or head.index is None or head.future.status != "error":
        return False
    chunk = list(itertools.takewhile(lambda entry: entry.future is head.future, queue))
    if len(chunk) < 2:
        return False
    for entry in chunk:
        assert entry.alone is not None
        entry.future, entry.index, entry.chunk = entry.alone(), 0, {}
    return True


def _lost(err: BaseException | None) -> EssNlpError:
    logger.info("lost the Dask scheduler: %s", err)
    return EssNlpError(
        "Connexion perdue avec l'ordonnanceur Dask : le traitement est arrêté ; ce qui est déjà enregistré "
        "est conservé, relancez la même commande pour reprendre."
    )


def _task_failure(source: str, err: BaseException) -> str:
    from distributed import KilledWorker

    if isinstance(err, KilledWorker):
        return (
            f"{source} : traitement arrêté, les processus de calcul Dask se sont arrêtés brutalement à chaque "
            "essai sur ce fichier (mémoire dépassée ?) ; relancez la commande pour réessayer"
        )
    logger.error("task failed on %s: %r", source, err)
    return f"{source} : erreur inattendue ({type(err).__name__} : {err})"


# --- the job --------------------------------------------------------------------------------------


def run_parallel(
    paths: Sequence[str | Path],
    store: Store,
    client: Client,
    *,
    steps: Sequence[str] | None = None,
    limits: Limits | None = None,
    progress: Callable[[str], Progress | None] | None = None,
    on_file: FileCallback | None = None,
    batch: int = BATCH,
) -> RunReport:
    """:func:`ess_nlp.pipeline.run` on the workers of ``client``: the same database at the end.

    Files are given to the workers by absolute path: workers on other machines must see them at
    the same path (a shared folder). ``on_file(source, report)`` is called once a file's result
    is stored. The classify and extract reports count what the workers did, and their
    ``seconds`` is the time summed over the workers.
    """
    wanted = wanted_steps(steps)
    job = _Run(client, store, wanted, batch)
    report = RunReport()
    started = time.perf_counter()
    with store.bulk():
        report.sources = _ingest(job, paths, limits or DEFAULT_LIMITS, progress("documents") if progress else None, on_file)
        _finish_stored(job, progress("stored") if progress else None)
    report.ingest_seconds = round(time.perf_counter() - started, 3)
    report.steps = _document_reports(job)
    corpus = [name for name, _ in STEPS if name in wanted and name not in DOCUMENT_STEPS]
    if corpus:
        report.steps += run_steps(store, steps=corpus, progress=progress)
    return report


def _ingest(
    job: _Run,
    paths: Sequence[str | Path],
    limits: Limits,
    progress: Progress | None,
    on_file: FileCallback | None,
) -> list[SourceReport]:
    files, reports = list_files(paths, progress=progress, on_file=on_file)
    links = len(reports)

    def submit(requests: list[FileRequest]) -> Future[Any]:
        # process_file looked up at each call: a benchmark may swap it (driver_memory_benchmark.py)
        return job.client.submit(process_files, requests, job.plan(), process_file, pure=False)

    def chunk(requests: list[FileRequest]) -> Iterator[_Entry]:
        future = submit(requests)
        shared: dict[str, Any] = {}
        for i, request in enumerate(requests):
            yield _Entry(request.source, future=future, index=i, alone=functools.partial(submit, [request]), chunk=shared)

    def entries() -> Iterator[_Entry]:
        requests: list[FileRequest] = []
        size = 0
        for path in files:
            source = source_name(path)
            with contextlib.suppress(OSError):  # reading reports the file as missing or unreadable
                if _unchanged(path, source, job.store):
                    yield from chunk(requests) if requests else ()
                    requests, size = [], 0
                    yield _Entry(source, SourceReport(source, "unchanged"))
                    continue
            bytes_ = 0
            with contextlib.suppress(OSError):
                bytes_ = os.path.getsize(path)
            if requests and size + bytes_ > CHUNK_BYTES:
                yield from chunk(requests)
                requests, size = [], 0
            requests.append(FileRequest(source, path=os.path.abspath(path), limits=limits))
            size += bytes_
            if len(requests) >= CHUNK_FILES or size >= CHUNK_BYTES:
                yield from chunk(requests)
                requests, size = [], 0
        yield from chunk(requests) if requests else ()

    def write(entry: _Entry, outcome: DocumentOutput | BaseException | None) -> SourceReport:
        if isinstance(outcome, BaseException) or outcome is None:
            return SourceReport(entry.source, "failed", _task_failure(entry.source, outcome or RuntimeError()))
        assert outcome.result is not None
        report = store_file_result(outcome.result, job.store)
        if report.outcome in ("added", "replaced"):
            row = job.store.conn.execute("SELECT id, sha256 FROM sources WHERE path = ?", (entry.source,)).fetchone()
            job.store_output(outcome, (int(row["id"]), str(row["sha256"])), outcome.result.units, new=True)
        else:
            job.totals.seconds["ingest"] = job.totals.seconds.get("ingest", 0.0) + outcome.seconds.get("ingest", 0)
        return report

    def done(report: SourceReport | None) -> None:
        assert report is not None
        reports.append(report)
        if on_file is not None:
            on_file(report.path, report)
        if progress is not None:
            progress(len(reports) - links, len(files))

    job.ordered(entries(), write, done)
    return reports


def _finish_stored(job: _Run, progress: Progress | None) -> None:
    """Score and extract the sources stored earlier that lack it (an interrupted run, a new
    model or extraction version), on the workers too."""
    todo = _stored_todo(job)
    if not todo:
        return
    if progress is not None:
        progress(0, len(todo))
    count = 0

    def entries() -> Iterator[_Entry]:
        plan = job.plan()
        for source_id, path, sha256, classify, extract in todo:
            units = list(job.store.units(source=path))
            pending = _unscored(job, source_id) if classify else []
            task_plan = replace(plan, classify=bool(pending), extract=extract)
            future = job.client.submit(process_stored, units, task_plan, pending, pure=False)
            yield _Entry(path, future=future, stored=(source_id, sha256, units))

    def write(entry: _Entry, outcome: DocumentOutput | BaseException | None) -> None:
        if isinstance(outcome, BaseException) or outcome is None:
            logger.warning("%s", _task_failure(entry.source, outcome or RuntimeError()))
            return
        assert entry.stored is not None
        source_id, sha256, units = entry.stored
        job.store_output(outcome, (source_id, sha256), units)

    def done(report: SourceReport | None) -> None:
        nonlocal count
        count += 1
        if progress is not None:
            progress(count, len(todo))

    job.ordered(entries(), write, done)


def _stored_todo(job: _Run) -> list[tuple[int, str, str, bool, bool]]:
    """``(id, path, sha256, needs scores, needs extraction)`` of stored sources, by path."""
    store = job.store
    need: dict[int, list[Any]] = {}
    if job.extract:
        from ess_nlp.extract.step import sources_to_extract

        for source_id, path, sha256 in sources_to_extract(store, job.version):
            need[source_id] = [source_id, path, sha256, False, True]
    if job.classify:
        from ess_nlp.classify.step import LEVELS, _pending_units

        if _pending_units(store) != 0:
            job.plan()  # registers the current model
            marks = ",".join("?" * len(LEVELS))
            for row in store.conn.execute(
                f"SELECT DISTINCT s.id, s.path, s.sha256 FROM units u JOIN sources s ON s.id = u.source_id"
                f" WHERE u.level IN ({marks}) AND trim(u.text, ' ' || char(9, 10, 13)) != ''"
                " AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.unit_id = u.id AND p.model_id = ?)",
                (*LEVELS, job.model_id),
            ):
                need.setdefault(row["id"], [row["id"], row["path"], row["sha256"], False, False])[3] = True
    return sorted((tuple(v) for v in need.values()), key=lambda v: v[1])


def _unscored(job: _Run, source_id: int) -> list[str]:
    return [
        row[0]
        for row in job.store.conn.execute(
            "SELECT u.id FROM units u WHERE u.source_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.unit_id = u.id AND p.model_id = ?)",
            (source_id, job.model_id),
        )
    ]


def _document_reports(job: _Run) -> list[StepReport]:
    reports = []
    seconds = job.totals.seconds
    if job.classify:
        from ess_nlp.classify.step import LEVELS, classify_summary

        counts = {level: job.totals.classified.get(level, 0) for level in LEVELS}
        if job.model is None:  # nothing was scored: say with which model everything already is
            row = job.store.conn.execute("SELECT name, version FROM model_versions WHERE is_current = 1").fetchone()
            name = f"{row['name']} {row['version']}" if row is not None else "courant"
            summary = f"0 unité classée : toutes ont déjà les scores du modèle {name}"
        else:
            summary = classify_summary(job.model, counts)
        reports.append(
            StepReport(
                "classify", summary, {**counts, "units": sum(counts.values())},
                seconds=round(seconds.get("classify", 0.0), 3),
            )
        )
    if job.extract:
        from ess_nlp.extract.step import extract_summary, refresh_duplicate_groups

        counts = job.totals.extracted
        started = time.perf_counter()
        compute = functools.partial(_groups_on_worker, job)
        counts["groups"] = refresh_duplicate_groups(job.store, rebuild=counts["sources"] > 0, compute=compute)
        total = seconds.get("extract", 0.0) + time.perf_counter() - started
        reports.append(StepReport("extract", extract_summary(counts), counts, seconds=round(total, 3)))
    return reports


def _groups_on_worker(job: _Run) -> Grouping:
    """The automatic groups computed by a Dask task (:func:`duplicate_groups`), or here when the
    database is in memory or the task fails (a worker that cannot open the database file)."""
    from ess_nlp.extract.step import automatic_groups, grouping_method

    method = grouping_method()
    if str(job.store.path) != ":memory:":
        future = job.client.submit(duplicate_groups, str(job.store.path.resolve()), method, pure=False)
        try:
            result: Grouping = future.result()
            return result
        except Exception as err:  # any failure of the task (it ran again elsewhere first): computed here
            logger.warning(
                "Le regroupement des propositions proches a échoué sur les processus Dask (%s) :"
                " il est fait ici, par le processus principal.", err,
            )
        finally:
            future.release()  # type: ignore[no-untyped-call]
    return automatic_groups(job.store.conn, method=method)
