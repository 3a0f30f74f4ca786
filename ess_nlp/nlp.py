"""Loading the French spaCy pipelines, once per process and never at import; spaCy's French
stop words without loading spaCy.

One copy of ``fr_core_news_sm`` serves every use in a process that does not add components to
it (:func:`shared_pipeline`): splitting sentences, lemmatising, finding names. Each use leaves
out the components it does not need when it runs the pipeline (``nlp.pipe(texts,
disable=SENTENCES_OFF)``), not when it loads it: a second copy costs about 150 MiB and a second
of loading, and the app, a run's main process and the masking used to hold two or three.
"""

from __future__ import annotations

import functools
import logging
import threading
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from ess_nlp.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

DEFAULT_PIPELINE = "fr_core_news_sm"
VECTORS_PIPELINE = "fr_core_news_md"

#: Components of :data:`DEFAULT_PIPELINE` left out at call time by each use of the shared pipeline.
SENTENCES_OFF: tuple[str, ...] = ("ner",)
"""Sentences (the parser) and their lemmas."""
LEMMAS_OFF: tuple[str, ...] = ("parser", "ner")
"""Lemmas only (the lemmatiser needs the morphologizer's tags, not the parser)."""
NAMES_OFF: tuple[str, ...] = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer")
"""Named entities only (the recogniser has its own token vectors)."""

_LOADING = threading.RLock()  # one load per key even when threads (the app's sessions) ask at once


def new_pipeline(
    name: str = DEFAULT_PIPELINE, *, disable: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Language:
    """A new copy of an installed spaCy pipeline, for a caller that adds its own components
    (the package's only ``spacy.load``). ``exclude``d components are not loaded at all.

    The pipelines come from the package index (see ``requirements/models.txt``); nothing is
    downloaded here. A pipeline that is not installed raises :class:`ModelError` in French.
    """
    import spacy

    try:
        nlp = spacy.load(name, disable=list(disable), exclude=list(exclude))
    except OSError as err:
        raise ModelError(
            f"Le modèle spaCy « {name} » n'est pas installé : lancez le script d'installation "
            f"(scripts/setup.sh) qui l'installe depuis l'index des paquets."
        ) from err
    nlp.max_length = max(nlp.max_length, 5_000_000)
    logger.debug("loaded spaCy pipeline %s (disabled: %s, excluded: %s)", name, disable, exclude)
    return nlp


def load_pipeline(
    name: str = DEFAULT_PIPELINE, *, disable: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Language:
    """An installed spaCy pipeline shared by its callers (loaded once per process for each
    name, ``disable`` and ``exclude``, whichever thread asks first): do not add components to
    it (see :func:`new_pipeline`). For :data:`DEFAULT_PIPELINE`, prefer
    :func:`shared_pipeline` and a call-time ``disable``: every ``disable`` here is a copy."""
    with _LOADING:
        return _cached_pipeline(name, tuple(disable), tuple(exclude))


@functools.lru_cache(maxsize=8)
def _cached_pipeline(name: str, disable: tuple[str, ...], exclude: tuple[str, ...]) -> Language:
    return new_pipeline(name, disable=disable, exclude=exclude)


def shared_pipeline(name: str = DEFAULT_PIPELINE) -> Language:
    """The whole installed pipeline ``name``, one copy per process for every caller: run it
    with the components the use needs, ``nlp.pipe(texts, disable=LEMMAS_OFF)`` (see
    :data:`SENTENCES_OFF`, :data:`LEMMAS_OFF`, :data:`NAMES_OFF`)."""
    return load_pipeline(name)


def sentence_pipeline() -> Language:
    """The pipeline used to split paragraphs into sentences and lemmatise them: the shared
    pipeline (:func:`shared_pipeline`), to be run with ``disable=SENTENCES_OFF``, as
    :func:`ess_nlp.segment.sentence_spans` does. The statistical parser gives sentence
    boundaries; the lemmatiser needs the morphologizer; the entity recogniser is not needed.
    """
    return shared_pipeline(DEFAULT_PIPELINE)


@functools.lru_cache(maxsize=1)
def french_stop_words() -> frozenset[str]:
    """spaCy's French stop words (``spacy.lang.fr.stop_words.STOP_WORDS``), read without
    importing spaCy.

    Importing ``spacy.lang.fr.stop_words`` imports the ``spacy.lang.fr`` package first, whose
    tokenizer exceptions compile one large regular expression: about 3 s of CPU, plus 2 s for
    spaCy itself, in every process that asks for the list. The app's Explorer, the topic
    figures and the zero-shot scorer need the list and no tokenizer, so the module file is run
    on its own. Where spaCy's French package is already imported, its list is used as it is.
    """
    import sys

    module = sys.modules.get("spacy.lang.fr.stop_words") or _read_stop_words_module()
    return frozenset(module.STOP_WORDS)


def _read_stop_words_module() -> ModuleType:
    """``spacy/lang/fr/stop_words.py`` run on its own (it defines ``STOP_WORDS`` and imports
    nothing); where spaCy is laid out otherwise, the ordinary import, slower but the same list."""
    import importlib.util

    spacy_spec = importlib.util.find_spec("spacy")  # finds the package without importing it
    for folder in (spacy_spec.submodule_search_locations or ()) if spacy_spec is not None else ():
        path = Path(folder) / "lang" / "fr" / "stop_words.py"
        spec = importlib.util.spec_from_file_location("_ess_nlp_spacy_fr_stop_words", path)
        if path.is_file() and spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    import spacy.lang.fr.stop_words

    return spacy.lang.fr.stop_words
