"""Masking of personal data: e-mail addresses, French phone numbers and person names.

Cahiers often end with a contact: « Contact : Marie Dupont, 06 12 34 56 78,
marie.dupont@exemple.fr ». :class:`Masker` replaces e-mails with ``[courriel]``, phone numbers
with ``[téléphone]`` and person names with ``[nom]``: e-mails and phones by pattern, names with
the French spaCy pipeline's entity recogniser (``PER`` entities of ``fr_core_news_sm``, only its
``ner`` component runs). Names of organisations the caller knows (the cahiers' organisations,
which the recogniser sometimes takes for people) are never masked.

Exports mask by default; the app masks what it shows when the option is on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["EMAIL", "NAME_TOKEN", "PHONE", "Masker", "find_personal_data", "mask_text"]

EMAIL_TOKEN = "[courriel]"
PHONE_TOKEN = "[téléphone]"
NAME_TOKEN = "[nom]"

EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?[\[(](?:at|arobase)[\])]\s?)[\w-]+(?:(?:\.|\s?[\[(](?:dot|point)[\])]\s?)[\w-]+)+",
    re.IGNORECASE,
)
# 01 23 45 67 89, 01.23.45.67.89, 01-23-45-67-89, 0123456789, +33 1 23 45 67 89,
# +33 (0)1 23 45 67 89, 0033 1 23 45 67 89
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?[1-9]|0[1-9])(?:[\s.\-/]?\d{2}){4}(?!\d)")
_CAPITALISED_INSIDE = re.compile(r"\S\s+[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]+")
_NER_MODEL = "fr_core_news_sm"
_NER_ONLY = ("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter")


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass
class Masker:
    """Masks personal data in texts; ``keep`` lists names never masked (organisations).

    Results are cached per text, so masking the same passages again (a synthesis exported in
    several formats) costs a dictionary look-up.
    """

    emails: bool = True
    phones: bool = True
    names: bool = True
    keep: Iterable[str] = ()
    model: str = _NER_MODEL
    batch_size: int = 256
    _cache: dict[str, str] = field(default_factory=dict, repr=False)
    _keep: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self._keep = tuple(sorted({_norm(k) for k in self.keep if k and k.strip()}, key=len, reverse=True))

    def add_keep(self, names: Iterable[str]) -> None:
        self._keep = tuple(
            sorted(set(self._keep) | {_norm(k) for k in names if k and k.strip()}, key=len, reverse=True)
        )
        self._cache.clear()

    # --- spans ------------------------------------------------------------------------------

    def _pattern_spans(self, text: str) -> list[tuple[int, int, str]]:
        spans = []
        if self.emails:
            spans += [(m.start(), m.end(), EMAIL_TOKEN) for m in EMAIL.finditer(text)]
        if self.phones:
            spans += [(m.start(), m.end(), PHONE_TOKEN) for m in PHONE.finditer(text)]
        return spans

    def _kept(self, name: str) -> bool:
        norm = _norm(name)
        return any(norm in k or k in norm for k in self._keep if len(k) >= 3)

    def _name_spans(self, doc: Any) -> list[tuple[int, int, str]]:
        out = []
        for ent in doc.ents:
            if ent.label_ != "PER":
                continue
            text = ent.text.strip()
            if len(text) < 3 or "@" in text or any(c.isdigit() for c in text):
                continue
            words = [w for w in re.split(r"[\s-]+", text) if w]
            if not any(w[:1].isupper() for w in words) or self._kept(text):
                continue
            out.append((ent.start_char, ent.end_char, NAME_TOKEN))
        return out

    def _nlp(self) -> Any:
        from ess_nlp.nlp import load_pipeline

        return load_pipeline(self.model, disable=_NER_ONLY)

    def spans_many(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """``(start, end, replacement)`` of every personal datum in each text, no overlaps."""
        found = [self._pattern_spans(t) for t in texts]
        if self.names:
            todo = [i for i, t in enumerate(texts) if _CAPITALISED_INSIDE.search(t)]
            if todo:
                nlp = self._nlp()
                docs = nlp.pipe((texts[i] for i in todo), batch_size=self.batch_size)
                for i, doc in zip(todo, docs, strict=True):
                    found[i] += self._name_spans(doc)
        return [_no_overlap(spans) for spans in found]

    # --- masking ----------------------------------------------------------------------------

    def mask_many(self, texts: Sequence[str]) -> list[str]:
        """Each text with its personal data replaced (cached per text)."""
        missing = list(dict.fromkeys(t for t in texts if t and t not in self._cache))
        if missing:
            for text, spans in zip(missing, self.spans_many(missing), strict=True):
                self._cache[text] = _apply(text, spans)
        return [self._cache.get(t, t) if t else t for t in texts]

    def mask(self, text: str) -> str:
        return self.mask_many([text])[0]


def _no_overlap(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, token in spans:
        out.append(text[last:start])
        out.append(token)
        last = end
    out.append(text[last:])
    return "".join(out)


def find_personal_data(text: str, *, names: bool = True, keep: Iterable[str] = ()) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` of the e-mails, phones and person names in ``text``."""
    return Masker(names=names, keep=keep).spans_many([text])[0]


def mask_text(text: str, *, names: bool = True, keep: Iterable[str] = ()) -> str:
    """``text`` with e-mails, phone numbers and (when ``names``) person names masked."""
    return Masker(names=names, keep=keep).mask(text)
