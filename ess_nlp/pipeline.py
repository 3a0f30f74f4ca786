"""The main job: ingest and split sources into the store, then run every processing step.

Each step is a plain function ``step(store, *, progress=None) -> StepReport`` living with its
area (classification, extraction, topics); ``STEPS`` names them in the order they run.
Failures of one source never stop the batch: they are reported, one sentence each, and the
database keeps everything already saved (one transaction per source).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ess_nlp._provenance import file_sha256
from ess_nlp.errors import EssNlpError, system_error
from ess_nlp.ingest import Limits, iter_source_files, source_name
from ess_nlp.ingest._limits import DEFAULT_LIMITS
from ess_nlp.isolation import FileRequest, FileResult, read_and_split, shared_worker
from ess_nlp.steps import Progress, Step, StepReport
from ess_nlp.store import AnnotationOutcome, Store

if TYPE_CHECKING:
    from distributed import Client
    from spacy.language import Language

logger = logging.getLogger(__name__)

# on_file(source, report): called before a file is read (report None) and after it is stored.
FileCallback = Callable[[str, "SourceReport | None"], None]

# (name, "module:function"), run in this order after ingestion; imported only when run.
STEPS: tuple[tuple[str, str], ...] = (
    ("classify", "ess_nlp.classify.step:classify_step"),
    ("extract", "ess_nlp.extract.step:extract_step"),
    ("topics", "ess_nlp.topics.step:topics_step"),
    ("syntheses", "ess_nlp.synthesis.step:synthesis_step"),
)
# What users read for each step (progress bars, summaries).
STEP_LABELS: dict[str, str] = {
    "ingest": "Ingestion et découpage",
    "classify": "Classification",
    "extract": "Extraction",
    "topics": "Sujets émergents",
    "syntheses": "Synthèses",
    # Progress of a Dask run (ess_nlp.parallel), where each file goes through all its steps at once.
    "documents": "Lecture, découpage, classification et extraction",
    "stored": "Classification et extraction des cahiers déjà lus",
}


@dataclass(frozen=True)
class SourceReport:
    """What happened to one file: added, unchanged, replaced, duplicate or failed."""

    path: str
    outcome: str
    message: str = ""
    cahiers: int = 0
    units: int = 0
    columns: str = ""
    """For a form export (.csv, .xlsx): how its columns were read (text columns, short answers
    kept, columns left as metadata), one French line."""


@dataclass
class RunReport:
    sources: list[SourceReport] = field(default_factory=list)
    steps: list[StepReport] = field(default_factory=list)
    ingest_seconds: float = 0.0

    @property
    def failures(self) -> list[SourceReport]:
        return [s for s in self.sources if s.outcome == "failed"]


def ingest_paths(
    paths: Iterable[str | Path],
    store: Store,
    *,
    limits: Limits | None = None,
    nlp: Language | None = None,
    progress: Progress | None = None,
    on_file: FileCallback | None = None,
) -> list[SourceReport]:
    """Read, split and store every file under ``paths`` (folders recursively).

    Each file is read and split in a worker process (:mod:`ess_nlp.isolation`) within
    ``limits.max_seconds`` and ``limits.max_memory_bytes``, then stored in one transaction:
    a file that fails or goes over a limit gets a "failed" report with its one French sentence,
    and the batch goes on. With ``nlp`` (a pipeline object), files are read in this process,
    without the time and memory budgets. ``progress(done, total)`` is called before the first
    file and after each; ``on_file(source, report)`` before each file (``report`` None) and
    after it.
    """
    worker = None if nlp is not None else shared_worker()
    if worker is not None:
        worker.start()  # the pipeline loads while the files are listed
    files, reports = list_files(paths, progress=progress, on_file=on_file)
    for done, path in enumerate(files, start=1):
        if on_file is not None:
            on_file(source_name(path), None)
        report = ingest_file(path, store, limits=limits, nlp=nlp)
        reports.append(report)
        if on_file is not None:
            on_file(report.path, report)
        if progress is not None:
            progress(done, len(files))
    return reports


def list_files(
    paths: Iterable[str | Path], *, progress: Progress | None = None, on_file: FileCallback | None = None
) -> tuple[list[Path], list[SourceReport]]:
    """The files to ingest under ``paths``, and a "failed" report for each symbolic link that
    leads outside (``on_file`` is told of each; ``progress(0, number of files)``)."""
    outside: list[Path] = []
    files = list(iter_source_files(paths, outside=outside))
    if progress is not None:
        progress(0, len(files))
    reports = [
        SourceReport(
            source_name(link),
            "failed",
            f"{source_name(link)} : lien symbolique vers un fichier hors du dossier ingéré, non suivi",
        )
        for link in outside
    ]
    for report in reports:
        if on_file is not None:
            on_file(report.path, report)
    return files, reports


def ingest_file(
    path: Path, store: Store, *, limits: Limits | None = None, nlp: Language | None = None
) -> SourceReport:
    """Ingest one file; a bad file gives a "failed" report with its one-sentence reason.

    The file is recorded under :func:`~ess_nlp.ingest.source_name` (its path, any byte that is
    not UTF-8 and any control character written as an escape)."""
    source = source_name(path)
    try:
        if _unchanged(path, source, store):
            return SourceReport(source, "unchanged")
    except OSError:
        pass  # reading reports the file as missing or unreadable
    request = FileRequest(source, path=os.fspath(path), limits=limits or DEFAULT_LIMITS)
    return _store_result(request, store, nlp)


def ingest_bytes(
    data: bytes, name: str, store: Store, *, limits: Limits | None = None, nlp: Language | None = None
) -> SourceReport:
    """Ingest a file held in memory (an upload) under the source name ``name``, in the worker
    process like :func:`ingest_paths` (in this process with ``nlp``)."""
    row = store.conn.execute("SELECT sha256 FROM sources WHERE path = ?", (name,)).fetchone()
    if row is not None and row["sha256"] == hashlib.sha256(data).hexdigest():
        return SourceReport(name, "unchanged")
    return _store_result(FileRequest(name, data=data, limits=limits or DEFAULT_LIMITS), store, nlp)


def _store_result(request: FileRequest, store: Store, nlp: Language | None) -> SourceReport:
    """Read and split ``request`` (in the worker unless ``nlp`` is given), then store it in one
    transaction; failures become a report."""
    source = request.source
    try:
        result = read_and_split(request, nlp=nlp) if nlp is not None else shared_worker().run(request)
    except EssNlpError as err:
        return SourceReport(source, "failed", f"{source} : {err}")
    return store_file_result(result, store)


def store_file_result(result: FileResult, store: Store) -> SourceReport:
    """Store one read and split file (its own transaction, a savepoint inside an open one);
    a failed read or a storage error becomes a "failed" report with its sentence."""
    source = result.source
    if not result.ok or result.document is None:
        logger.info("failed to ingest %s: %s", source, result.error)
        return SourceReport(source, "failed", result.error)
    try:
        outcome = store.add_document(result.document, result.units, size=result.size)
    except EssNlpError as err:
        return SourceReport(source, "failed", f"{source} : {err}")
    except Exception as err:  # a storage bug must not stop the batch nor lose other files
        found = system_error(err, source)
        if found is not None:  # disk full, read-only disk…: one French sentence, no traceback
            logger.info("%s", found)
            return SourceReport(source, "failed", str(found))
        logger.exception("unexpected error while storing %s", source)
        return SourceReport(source, "failed", f"{source} : erreur inattendue ({type(err).__name__} : {err})")
    message = ""
    if outcome == "duplicate":
        message = f"{source} : contenu identique à un fichier déjà ingéré, ignoré"
    elif outcome == "replaced":
        message = annotations_message(source, store.last_annotations)
    cahiers = sum(1 for u in result.units if u.level == "cahier")
    columns = str(result.document.metadata.get("columns", "")) if outcome in ("added", "replaced") else ""
    return SourceReport(source, outcome, message, cahiers=cahiers, units=len(result.units), columns=columns)


def annotations_message(source: str, kept: AnnotationOutcome) -> str:
    """What became of people's annotations when ``source`` was replaced or removed ("" if it
    had none)."""
    if not kept.reanchored and not kept.detached:
        return ""
    parts = []
    if kept.reanchored:
        parts.append(f"{kept.reanchored} annotation(s) reportée(s) sur la nouvelle version")
    if kept.detached:
        parts.append(
            f"{kept.detached} annotation(s) dont le passage a disparu, conservée(s) à revoir (page Annoter)"
        )
    return f"{source} : " + " ; ".join(parts)


def _unchanged(path: Path, source: str, store: Store) -> bool:
    """Whether the stored copy of ``path`` has the same bytes (skips reading and splitting)."""
    row = store.conn.execute("SELECT sha256 FROM sources WHERE path = ?", (source,)).fetchone()
    if row is None:
        return False
    return bool(file_sha256(path) == row["sha256"])


def run(
    paths: Sequence[str | Path],
    store: Store,
    *,
    steps: Sequence[str] | None = None,
    limits: Limits | None = None,
    progress: Callable[[str], Progress | None] | None = None,
    client: Client | None = None,
) -> RunReport:
    """Ingest ``paths`` then run the processing steps (all of ``STEPS`` by default).

    ``progress(step_name)`` may return a callback ``(done, total)`` for that step. With a Dask
    ``client`` (:func:`ess_nlp.parallel.dask_client`), the files are read, split, classified and
    extracted on its workers (:func:`ess_nlp.parallel.run_parallel`); the database ends the same.
    """
    if client is not None:
        from ess_nlp.parallel import run_parallel

        return run_parallel(paths, store, client, steps=steps, limits=limits, progress=progress)
    report = RunReport()
    started = time.perf_counter()
    report.sources = ingest_paths(
        paths, store, limits=limits, progress=progress("ingest") if progress else None
    )
    report.ingest_seconds = round(time.perf_counter() - started, 3)
    report.steps = run_steps(store, steps=steps, progress=progress)
    return report


def wanted_steps(steps: Sequence[str] | None) -> list[str]:
    """The names of ``steps`` (all of ``STEPS`` when None); an unknown name is a French error."""
    wanted = [name for name, _ in STEPS] if steps is None else list(steps)
    unknown = sorted(set(wanted) - {name for name, _ in STEPS})
    if unknown:
        raise EssNlpError(
            f"Étape(s) inconnue(s) : {', '.join(unknown)} ; étapes possibles : {', '.join(n for n, _ in STEPS)}."
        )
    return wanted


def run_steps(
    store: Store,
    *,
    steps: Sequence[str] | None = None,
    progress: Callable[[str], Progress | None] | None = None,
) -> list[StepReport]:
    """Run the processing steps over the store (all of ``STEPS`` by default, in order).

    A step that fails on an error is reported (``failed=True``, the reason in its summary) and
    the next steps still run; what earlier steps saved stays saved.
    """
    wanted = wanted_steps(steps)
    reports = []
    for name, target in STEPS:
        if name not in wanted:
            continue
        module_name, func_name = target.split(":")
        started = time.perf_counter()
        step: Step = getattr(importlib.import_module(module_name), func_name)
        try:
            report = step(store, progress=progress(name) if progress else None)
        except EssNlpError as err:
            report = StepReport(name, f"échec : {err}", failed=True)
        except Exception as err:  # one step's bug must not lose the others' work
            found = system_error(err, STEP_LABELS.get(name, name))
            if found is not None:  # disk full, read-only disk…: one French sentence, no traceback
                logger.info("step %s: %s", name, found)
                reports.append(StepReport(name, f"échec : {found}", failed=True))
                continue
            logger.exception("step %s failed", name)
            report = StepReport(name, f"erreur inattendue ({type(err).__name__} : {err})", failed=True)
        reports.append(replace(report, seconds=round(time.perf_counter() - started, 3)))
    return reports
