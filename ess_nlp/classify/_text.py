"""Texts with their lemmas: what every scorer of this package reads.

Scorers accept plain strings (they are lemmatised with spaCy French on the way in) or
:class:`LemmatizedText`, a ``str`` that already carries its lemmas and, optionally, its
sentences — units read from the store or from ``split_document`` come that way, so they are
never lemmatised twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any

from ess_nlp.nlp import DEFAULT_PIPELINE
from ess_nlp.records import Unit

logger = logging.getLogger(__name__)

LEMMA_PIPELINE = DEFAULT_PIPELINE
_WORD = re.compile(r"\w", re.UNICODE)

Sentence = tuple[int, int, str]
"""``(start, end, lemmas)`` of a sentence, offsets into the text that holds it."""


class LemmatizedText(str):
    """A text (the ``str`` value itself) with its space-joined lowercase lemmas.

    ``sentences`` optionally lists ``(start, end, lemmas)`` for each sentence, offsets into
    the text; explanations then point at the sentences that carried a score.
    """

    lemmas: str
    sentences: tuple[Sentence, ...]

    def __new__(cls, text: str, lemmas: str, sentences: Iterable[Sentence] = ()) -> LemmatizedText:
        obj = super().__new__(cls, text)
        obj.lemmas = lemmas
        obj.sentences = tuple(sentences)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (LemmatizedText, (str(self), self.lemmas, self.sentences))


def unit_text(unit: Unit, sentences: Sequence[Unit] = ()) -> LemmatizedText:
    """The text of a unit with its lemmas, joined from its sentence units.

    ``sentences`` are the unit's sentence units (for a sentence: none needed, its own lemmas).
    """
    if unit.level == "sentence" or not sentences:
        return LemmatizedText(
            unit.text, unit.lemmas, [(0, len(unit.text), unit.lemmas)] if unit.lemmas else []
        )
    spans = [(s.start - unit.start, s.end - unit.start, s.lemmas) for s in sentences]
    return LemmatizedText(unit.text, " ".join(s.lemmas for s in sentences if s.lemmas), spans)


def lemma_string(tokens: Iterable[Any]) -> str:
    """The project's lemma form of spaCy tokens: lowercase lemmas, punctuation and spaces left out.

    The same rule as the sentence lemmas the splitter stores, so stored units and raw texts
    give the same features.
    """
    return " ".join((t.lemma_ or t.text).lower() for t in tokens if not (t.is_punct or t.is_space))


def lemmatize(
    texts: Sequence[str],
    *,
    cache: MutableMapping[str, str] | None = None,
    batch_size: int = 32,
) -> list[str]:
    """The lemma string of each text (``LemmatizedText`` keep theirs).

    ``cache`` (text -> lemmas) avoids lemmatising the same text twice across calls; pass a
    dict, or a persistent mapping in long benchmark runs.
    """
    out: list[str | None] = []
    todo: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        if isinstance(text, LemmatizedText):
            out.append(text.lemmas)
        elif cache is not None and str(text) in cache:
            out.append(cache[str(text)])
        elif not _WORD.search(text):
            out.append("")
        else:
            out.append(None)
            todo.setdefault(str(text), []).append(index)
    if todo:
        from ess_nlp.nlp import LEMMAS_OFF, shared_pipeline

        nlp = shared_pipeline(LEMMA_PIPELINE)
        logger.debug("lemmatising %d texts", len(todo))
        for text, doc in zip(todo, nlp.pipe(todo, batch_size=batch_size, disable=LEMMAS_OFF), strict=True):
            lemmas = lemma_string(doc)
            if cache is not None:
                cache[text] = lemmas
            for index in todo[text]:
                out[index] = lemmas
    return [lemmas or "" for lemmas in out]


def with_lemmas(
    texts: Sequence[str], *, cache: MutableMapping[str, str] | None = None
) -> list[LemmatizedText]:
    """Each text as a :class:`LemmatizedText` (lemmatising those that are plain strings)."""
    lemmas = lemmatize(texts, cache=cache)
    return [
        text if isinstance(text, LemmatizedText) else LemmatizedText(text, lemma)
        for text, lemma in zip(texts, lemmas, strict=True)
    ]
