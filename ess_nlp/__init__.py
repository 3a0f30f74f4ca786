"""ess-nlp: text mining of the cahiers d'espérance of the French social and solidarity economy.

Public API (everything else lives in modules whose names start with an underscore or in
sub-packages documented on their own)::

    from ess_nlp import read_document, split_document, Store, run

    doc = read_document("corpus/sample/docx/c01-epicerie-solidaire-roubaix.docx")
    units = split_document(doc)          # cahier, sections, paragraphs, sentences with offsets
    with Store("var/ess_nlp.sqlite3") as store:
        report = run(["corpus/sample"], store)   # the main job: ingest, classify, extract, topics

Importing the package does no work: the functions above are imported on first use, so that
``import ess_nlp`` stays fast for the command line and the app.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ess_nlp.errors import ConfigError, EssNlpError, IngestError, ModelError
from ess_nlp.records import Document, Footnote, Page, Part, Unit

if TYPE_CHECKING:
    from ess_nlp.ingest import read_document
    from ess_nlp.pipeline import run
    from ess_nlp.segment import split_document
    from ess_nlp.store import Store

__version__ = "0.1.0"

_LAZY = {
    "read_document": "ess_nlp.ingest",
    "split_document": "ess_nlp.segment",
    "Store": "ess_nlp.store",
    "run": "ess_nlp.pipeline",
}

__all__ = [
    "ConfigError",
    "Document",
    "EssNlpError",
    "Footnote",
    "IngestError",
    "ModelError",
    "Page",
    "Part",
    "Store",
    "Unit",
    "__version__",
    "read_document",
    "run",
    "split_document",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ess_nlp' has no attribute {name!r}")
