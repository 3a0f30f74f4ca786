"""The inflections of a French word, from the lexicon of the French spaCy pipeline's lemmatiser.

A search for « créer » should find « crée », « créé », « créent »; one for « coopère » should
find « coopérer » and « coopérons ». The statistical tagger does not always get these right in
the stored lemmas (« coopère » alone is tagged as a noun and kept as its own lemma), so the
search also looks for every inflected form of the query's words in the text itself.

The forms come from the tables the pipeline's rule-based lemmatiser ships with (no download, no
hand-made list): its exceptions (``lemma_exc``: every conjugated form of 8,900 verbs, irregular
nouns and adjectives), its suffix rules (``lemma_rules``: ``-és`` → ``-er``, ``-aux`` → ``-al``…)
and its index of known lemmas (``lemma_index``). A word is first mapped to its possible lemmas
(exceptions, then the rules constrained by the index, as the lemmatiser does), then each lemma to
every form that leads back to it. Everything is compared accent- and case-folded, as the search
index stores words: « cooperer » typed without accents finds the same forms as « coopérer ».

Inflections only: « coopération » is a noun of its own, not a form of « coopérer ».
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ess_nlp.nlp import DEFAULT_PIPELINE, shared_pipeline
from ess_nlp.text import fold
from ess_nlp.text import fold as _fold

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Lexicon", "lexicon", "lexicon_from_pipeline"]

POS = ("verb", "noun", "adj")
MAX_FORMS = 120  # forms kept for one word (« être » has about 50): a bound on one search's size
MIN_LETTERS = 3  # shorter words (« a », « en ») are searched as typed


@dataclass
class Lexicon:
    """Folded forms and lemmas of one part of speech each: ``lemmas_of`` maps a form to the
    lemmas it may come from, ``forms_of`` a lemma to the forms that lead back to it."""

    rules: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    index: dict[str, set[str]] = field(default_factory=dict)
    exc_lemmas: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    exc_forms: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    nominal: set[str] = field(default_factory=set)  # noun and adjective lemmas, accents kept

    def lemmas(self, word: str) -> set[tuple[str, str]]:
        """``(pos, lemma)`` pairs ``word`` may be a form of (folded), the word itself included
        when it is a known lemma."""
        w = fold(word)
        found: set[tuple[str, str]] = set()
        for pos in POS:
            known = self.index.get(pos, set())
            found.update((pos, lemma) for lemma in self.exc_lemmas.get(pos, {}).get(w, ()))
            if w in known or w in self.exc_forms.get(pos, {}):
                found.add((pos, w))
            for old, new in self.rules.get(pos, []):
                if old and w.endswith(old):
                    candidate = w[: len(w) - len(old)] + new
                    if candidate in known:
                        found.add((pos, candidate))
        if word.strip().lower() in self.nominal:
            # The dictionary form of a noun or an adjective, accents as written (« épargne »,
            # « forme »), means that word, not the verb it also conjugates (« épargner »,
            # « former »); « crée » is no noun, and « cree » typed without accents may be anything.
            found = {(pos, lemma) for pos, lemma in found if pos != "verb" or lemma == w}
        return found

    def forms(self, pos: str, lemma: str) -> set[str]:
        """Every folded form of ``lemma`` as a ``pos``: its exceptions and the forms its suffix
        rules would bring back to it."""
        out = {lemma, *self.exc_forms.get(pos, {}).get(lemma, ())}
        for old, new in self.rules.get(pos, []):
            if old == "x" and not lemma.endswith(("au", "eu", "ou")):
                continue  # « -x » plurals: « bureaux », « jeux », « bijoux » only
            if lemma.endswith(new) and (old or new):
                stem = lemma[: len(lemma) - len(new)]
                if stem:
                    out.add(stem + old)
        return out

    def inflections(self, word: str, extra_lemmas: Iterable[str] = ()) -> list[str]:
        """The folded forms to look for when a person types ``word``: ``word`` first, then the
        inflections of each lemma it may come from (and of ``extra_lemmas``, the lemmas the
        pipeline gave the word in the query), at most :data:`MAX_FORMS`."""
        w = fold(word)
        if len(w) < MIN_LETTERS or not w.isalpha():
            return [w]
        pairs = self.lemmas(w)
        for extra in extra_lemmas:
            pairs |= {(pos, lemma) for pos, lemma in self.lemmas(extra) if lemma == fold(extra)}
        forms: set[str] = set()
        for pos, lemma in sorted(pairs):
            forms |= self.forms(pos, lemma)
        forms.discard(w)
        return [w, *sorted(f for f in forms if f.isalpha() or "-" in f)[: MAX_FORMS - 1]]


def lexicon_from_tables(
    rules: Mapping[str, list[list[str]]],
    index: Mapping[str, Iterable[str]],
    exceptions: Mapping[str, Mapping[str, list[str]]],
) -> Lexicon:
    """A :class:`Lexicon` from a rule lemmatiser's three tables (spaCy's ``lemma_rules``,
    ``lemma_index`` and ``lemma_exc``, each keyed by part of speech)."""
    fold = functools.lru_cache(maxsize=None)(_fold)  # forms share lemmas and suffixes: fold each once
    lex = Lexicon()
    lex.nominal = {lemma.lower() for pos in ("noun", "adj") for lemma in index.get(pos, [])}
    for pos in POS:
        lex.rules[pos] = sorted(
            {
                (fold(old), fold(new))
                for old, new in rules.get(pos, [])
                if (old + new).replace("-", "").isalpha() or not (old + new)
            }
        )
        lex.index[pos] = {fold(lemma) for lemma in index.get(pos, [])}
        lemmas_of: dict[str, set[str]] = defaultdict(set)
        forms_of: dict[str, set[str]] = defaultdict(set)
        for form, lemmas in exceptions.get(pos, {}).items():
            folded = fold(form)
            for lemma in lemmas:
                lemmas_of[folded].add(fold(lemma))
                forms_of[fold(lemma)].add(folded)
        lex.exc_lemmas[pos] = {form: tuple(sorted(lemmas)) for form, lemmas in lemmas_of.items()}
        lex.exc_forms[pos] = {lemma: tuple(sorted(forms)) for lemma, forms in forms_of.items()}
    return lex


def lexicon_from_pipeline(nlp: Language) -> Lexicon:
    """The :class:`Lexicon` of ``nlp``'s rule-based lemmatiser (an empty one when the pipeline
    has no such lemmatiser: the search then looks for the words as typed)."""
    if "lemmatizer" not in nlp.component_names:
        return Lexicon()
    lookups = nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    if not all(lookups.has_table(t) for t in ("lemma_rules", "lemma_index", "lemma_exc")):
        return Lexicon()
    rules, index, exc = (lookups.get_table(t) for t in ("lemma_rules", "lemma_index", "lemma_exc"))
    return lexicon_from_tables(
        {pos: rules.get(pos, []) for pos in POS},
        {pos: index.get(pos, []) for pos in POS},
        {pos: exc.get(pos, {}) for pos in POS},
    )


@functools.lru_cache(maxsize=2)
def lexicon(name: str = DEFAULT_PIPELINE) -> Lexicon:
    """The lexicon of the installed pipeline ``name`` (built once per process, about a second)."""
    return lexicon_from_pipeline(shared_pipeline(name))
