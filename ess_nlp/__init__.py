"""ess-nlp: text mining of the cahiers d'espérance of the French social and solidarity economy.

Public API (everything else lives in modules whose names start with an underscore or in
sub-packages documented on their own)::

    from ess_nlp import read_document, split_document, Store, run
"""

from __future__ import annotations

from ess_nlp.errors import ConfigError, EssNlpError, IngestError, ModelError
from ess_nlp.records import Document, Footnote, Page, Part, Unit

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Document",
    "EssNlpError",
    "Footnote",
    "IngestError",
    "ModelError",
    "Page",
    "Part",
    "Unit",
    "__version__",
]
