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
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.language import Language

from ess_nlp._provenance import file_sha256
from ess_nlp.errors import EssNlpError
from ess_nlp.ingest import Limits, iter_source_files, read_bytes, read_document
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

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
    "topics": "Thèmes",
    "syntheses": "Synthèses",
}


@dataclass(frozen=True)
class SourceReport:
    """What happened to one file: added, unchanged, replaced, duplicate or failed."""

    path: str
    outcome: str
    message: str = ""
    cahiers: int = 0
    units: int = 0


@dataclass(frozen=True)
class StepReport:
    """What a processing step did: a one-line French ``summary`` and counts; ``failed`` when the
    step stopped on an error (the summary then says why); ``seconds`` it took (set by
    :func:`run_steps`)."""

    name: str
    summary: str
    counts: dict[str, int] = field(default_factory=dict)
    failed: bool = False
    seconds: float = 0.0


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
) -> list[SourceReport]:
    """Read, split and store every file under ``paths`` (folders recursively)."""
    files = list(iter_source_files(paths))
    reports = []
    for done, path in enumerate(files, start=1):
        reports.append(ingest_file(path, store, limits=limits, nlp=nlp))
        if progress is not None:
            progress(done, len(files))
    return reports


def ingest_file(
    path: Path, store: Store, *, limits: Limits | None = None, nlp: Language | None = None
) -> SourceReport:
    """Ingest one file; a bad file gives a "failed" report with its one-sentence reason."""
    source = str(path)
    try:
        if _unchanged(path, store):
            return SourceReport(source, "unchanged")
        size: int | None = path.stat().st_size
    except OSError:
        size = None  # read_document below reports the file as missing or unreadable
    return _store_document(source, lambda: read_document(path, limits=limits), store, nlp, size)


def ingest_bytes(
    data: bytes, name: str, store: Store, *, limits: Limits | None = None, nlp: Language | None = None
) -> SourceReport:
    """Ingest a file held in memory (an upload) under the source name ``name``."""
    row = store.conn.execute("SELECT sha256 FROM sources WHERE path = ?", (name,)).fetchone()
    if row is not None and row["sha256"] == hashlib.sha256(data).hexdigest():
        return SourceReport(name, "unchanged")
    return _store_document(name, lambda: read_bytes(data, name, limits=limits), store, nlp, len(data))


def _store_document(
    source: str,
    read: Callable[[], Document],
    store: Store,
    nlp: Language | None,
    size: int | None,
) -> SourceReport:
    """Read, split and store one source in one transaction; failures become a report."""
    try:
        doc = read()
        units = split_document(doc, nlp=nlp)
        if not units:
            return SourceReport(source, "failed", f"{source} : aucun texte exploitable, aucun cahier trouvé")
        outcome = store.add_document(doc, units, size=size)
    except EssNlpError as err:
        logger.info("failed to ingest %s: %s", source, err)
        return SourceReport(source, "failed", str(err))
    except Exception as err:  # a reader bug must not stop the batch nor lose other files
        logger.exception("unexpected error while ingesting %s", source)
        return SourceReport(source, "failed", f"{source} : erreur inattendue ({type(err).__name__} : {err})")
    message = ""
    if outcome == "duplicate":
        message = f"{source} : contenu identique à un fichier déjà ingéré, ignoré"
    cahiers = sum(1 for u in units if u.level == "cahier")
    return SourceReport(source, outcome, message, cahiers=cahiers, units=len(units))


def _unchanged(path: Path, store: Store) -> bool:
    """Whether the stored copy of ``path`` has the same bytes (skips reading and splitting)."""
    row = store.conn.execute("SELECT sha256 FROM sources WHERE path = ?", (str(path),)).fetchone()
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
) -> RunReport:
    """Ingest ``paths`` then run the processing steps (all of ``STEPS`` by default).

    ``progress(step_name)`` may return a callback ``(done, total)`` for that step.
    """
    report = RunReport()
    started = time.perf_counter()
    report.sources = ingest_paths(
        paths, store, limits=limits, progress=progress("ingest") if progress else None
    )
    report.ingest_seconds = round(time.perf_counter() - started, 3)
    report.steps = run_steps(store, steps=steps, progress=progress)
    return report


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
    wanted = [name for name, _ in STEPS] if steps is None else list(steps)
    unknown = sorted(set(wanted) - {name for name, _ in STEPS})
    if unknown:
        raise EssNlpError(
            f"Étape(s) inconnue(s) : {', '.join(unknown)} ; étapes possibles : {', '.join(n for n, _ in STEPS)}."
        )
    reports = []
    for name, target in STEPS:
        if name not in wanted:
            continue
        module_name, func_name = target.split(":")
        started = time.perf_counter()
        step = getattr(importlib.import_module(module_name), func_name)
        try:
            report = step(store, progress=progress(name) if progress else None)
        except EssNlpError as err:
            report = StepReport(name, f"échec : {err}", failed=True)
        except Exception as err:  # one step's bug must not lose the others' work
            logger.exception("step %s failed", name)
            report = StepReport(name, f"erreur inattendue ({type(err).__name__} : {err})", failed=True)
        reports.append(replace(report, seconds=round(time.perf_counter() - started, 3)))
    return reports
