"""Importing uploaded files (bytes held in memory) into the store, one file at a time, then
running the pipeline's own processing steps.

No streamlit here: the app's import page draws the progress; a notebook can call the same
functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from ess_nlp import ingest
from ess_nlp.access import User, require
from ess_nlp.ingest import Limits
from ess_nlp.pipeline import ingest_bytes
from ess_nlp.store import Store

logger = logging.getLogger(__name__)

IMPORT_PREFIX = "import/"


@dataclass(frozen=True)
class ImportResult:
    name: str
    outcome: str  # added | replaced | unchanged | duplicate | failed
    message: str = ""
    cahiers: int = 0
    units: int = 0
    columns: str = ""  # a form export: how its columns were read


def source_name(filename: str) -> str:
    """The source path recorded for an upload: ``import/<file name>`` (folders dropped; control
    and bidirectional characters written as escapes, as for files on disk)."""
    return IMPORT_PREFIX + ingest.source_name(PurePath(filename.replace("\\", "/")).name)


def import_upload(
    store: Store, filename: str, payload: bytes, *, limits: Limits | None = None, user: User | None = None
) -> ImportResult:
    """Read, split and store one uploaded file (``ess_nlp.pipeline.ingest_bytes``); a bad file
    gives a "failed" result whose message says why, in French. ``user`` (when given) must be
    allowed ``import`` (staff): importing or replacing a file changes what everyone sees."""
    if user is not None:
        require(user, "import")
    report = ingest_bytes(payload, source_name(filename), store, limits=limits)
    return ImportResult(
        filename, report.outcome, report.message, cahiers=report.cahiers, units=report.units, columns=report.columns
    )


def run_steps(store: Store, progress: Callable[[str, int, int], None] | None = None) -> Iterator[str]:
    """Run the pipeline's processing steps (:func:`ess_nlp.pipeline.run_steps`, one at a time so
    the page can show each as it ends) over what is not yet processed; yield one French line per
    step: its summary, or why it failed. ``progress(label, done, total)`` follows each step."""
    from ess_nlp.pipeline import STEP_LABELS, STEPS
    from ess_nlp.pipeline import run_steps as run_pipeline_steps

    def for_step(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        label = STEP_LABELS.get(name, name)
        return lambda done, total: progress(label, done, total)

    for name, _target in STEPS:
        for report in run_pipeline_steps(store, steps=[name], progress=for_step):
            label = STEP_LABELS.get(report.name, report.name)
            yield f"{label} : {report.summary}"
