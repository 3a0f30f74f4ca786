"""Importing uploaded files (bytes held in memory) into the store, one file at a time, then
running the pipeline's processing steps.

No streamlit here: the import page draws the progress.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from ess_nlp import ingest
from ess_nlp.access import User, require
from ess_nlp.errors import EssNlpError, system_error
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
    """Run the pipeline's processing steps over what is not yet processed; yield one French line
    per step (its summary, or why it failed)."""
    from ess_nlp.pipeline import STEP_LABELS, STEPS

    for name, target in STEPS:
        label = STEP_LABELS.get(name, name)
        module_name, func_name = target.split(":")
        step = getattr(importlib.import_module(module_name), func_name)

        def report(done: int, total: int, label: str = label) -> None:
            if progress is not None:
                progress(label, done, total)

        try:
            result = step(store, progress=report)
        except EssNlpError as err:
            yield f"{label} : échec — {err}"
            continue
        except Exception as err:
            found = system_error(err, label)
            if found is not None:  # disk full, read-only disk…: the French sentence, no traceback
                yield f"{label} : échec — {found}"
                continue
            logger.exception("step %s failed", name)
            yield f"{label} : erreur inattendue ({type(err).__name__} : {err})"
            continue
        yield f"{label} : {result.summary}"
