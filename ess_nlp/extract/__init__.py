"""Extraction of proposals, findings (constats) and initiative cards, as traceable records.

Three spaCy components, registered when their modules are imported (``extraction_pipeline``
imports them; importing this package alone loads neither spaCy nor scikit-learn, so that a
module like ``group_edits`` costs no model library to the app) and driven by data files
(``patterns/*.jsonl``, ``data/gazetteer.jsonl``, ``data/places.jsonl``):

- ``ess_proposals`` -> ``doc.spans["proposals"]`` (and ``"proposal_intros"``)
- ``ess_constats`` -> ``doc.spans["constats"]``
- ``ess_initiatives`` -> ``doc.spans["organisations" | "legal_forms" | "places" | "figures" | "urls" | "since"]``

``extract_units(units)`` runs them over the units of one document (the output of
``ess_nlp.segment.split_document``) and returns ``Proposal``, ``Constat`` and ``Initiative``
records; ``extract_document(doc)`` splits first. ``group_duplicates`` groups proposals that say
the same thing across cahiers; ``extract_step`` is the pipeline step that stores everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ess_nlp.extract._resources import FIGURE_UNITS
from ess_nlp.extract.figures import find_figures, find_urls
from ess_nlp.extract.records import Constat, Figure, Initiative, Place, Proposal

if TYPE_CHECKING:
    from spacy.language import Language

    from ess_nlp.extract._run import DEFAULT_MODEL, Extraction, extract_units, extraction_pipeline
    from ess_nlp.records import Document

# Loaded on first use (PEP 562): ``_run`` imports spaCy and scikit-learn, about 3 s.
_FROM_RUN = frozenset({"DEFAULT_MODEL", "Extraction", "extract_units", "extraction_pipeline"})

__all__ = [
    "DEFAULT_MODEL",
    "FIGURE_UNITS",
    "Constat",
    "Extraction",
    "Figure",
    "Initiative",
    "Place",
    "Proposal",
    "extract_document",
    "extract_units",
    "extraction_pipeline",
    "find_figures",
    "find_urls",
]


def __getattr__(name: str) -> Any:
    if name in _FROM_RUN:
        from ess_nlp.extract import _run

        return getattr(_run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def extract_document(doc: Document, *, nlp: Language | None = None, **kwargs: Any) -> Extraction:
    """Split ``doc`` into units (``ess_nlp.segment.split_document``) and extract from them."""
    from ess_nlp.extract._run import extract_units
    from ess_nlp.segment import split_document

    return extract_units(split_document(doc), nlp=nlp, **kwargs)
