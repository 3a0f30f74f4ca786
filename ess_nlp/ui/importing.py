"""Importing uploaded files (bytes held in memory) into the store, one file at a time.

No streamlit here: the import page draws the progress. What ``ess_nlp.pipeline`` does for files
on disk (``ingest_file``) is done here for uploads with the library's ``read_bytes``; the
pipeline could offer it (``ingest_bytes``) and this module would shrink to a call.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from ess_nlp.errors import EssNlpError
from ess_nlp.ingest import Limits, read_bytes
from ess_nlp.segment import split_document
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


def source_name(filename: str) -> str:
    """The source path recorded for an upload: ``import/<file name>`` (folders dropped)."""
    return IMPORT_PREFIX + PurePath(filename.replace("\\", "/")).name


def import_upload(
    store: Store, filename: str, payload: bytes, *, limits: Limits | None = None
) -> ImportResult:
    """Read, split and store one uploaded file; a bad file gives a "failed" result saying why."""
    source = source_name(filename)
    try:
        doc = read_bytes(payload, source, limits=limits)
        units = split_document(doc)
        if not units:
            return ImportResult(
                filename, "failed", "le fichier ne contient aucun texte exploitable (aucun cahier trouvé)."
            )
        outcome = store.add_document(doc, units, size=len(payload))
    except EssNlpError as err:
        return ImportResult(filename, "failed", str(err))
    except Exception as err:  # a reader bug must not stop the other files
        logger.exception("unexpected error while importing %s", filename)
        return ImportResult(filename, "failed", f"erreur inattendue ({type(err).__name__} : {err}).")
    message = "même contenu qu'un fichier déjà importé" if outcome == "duplicate" else ""
    cahiers = sum(1 for u in units if u.level == "cahier")
    return ImportResult(filename, outcome, message, cahiers=cahiers, units=len(units))


def run_steps(store: Store, progress: Callable[[str, int, int], None] | None = None) -> Iterator[str]:
    """Run the pipeline's processing steps over what is not yet processed; yield one French line
    per step (its summary, or why it failed)."""
    from ess_nlp.pipeline import STEPS

    names = {"classify": "Classification", "extract": "Extraction", "topics": "Thèmes"}
    for name, target in STEPS:
        label = names.get(name, name)
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
            logger.exception("step %s failed", name)
            yield f"{label} : erreur inattendue ({type(err).__name__} : {err})"
            continue
        yield f"{label} : {result.summary}"
