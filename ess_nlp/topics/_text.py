"""French words for topic keywords and labels: tokens, stop words, plural folding, n-grams.

One tokenizer serves the TF-IDF embedding backend, the c-TF-IDF keywords and the labels, so a
keyword is always a run of *content* words that stood side by side in the text:

- elisions are cut off (``d'initiative`` -> ``initiative``), digits and punctuation never
  enter a token, and a punctuation mark or a stop word between two words breaks the n-gram
  (``transports en commun`` gives ``transports`` and ``commun``, never ``transports commun``);
- each token is keyed by its lowercase form with a French plural folded (``impôts`` ->
  ``impôt``, ``services publics`` -> ``service public``), a cheap stand-in for lemmas that
  needs no model and works on any CSV column; the label shows the surface form most often
  written for that key.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence

from ess_nlp.nlp import french_stop_words

__all__ = [
    "FRENCH_STOP_WORDS",
    "LABEL_SEPARATOR",
    "Analyzer",
    "fold",
    "make_label",
    "surface_forms",
    "tokens",
]

#: Separator between the keywords of a label ("Transition écologique, vélo, covoiturage").
LABEL_SEPARATOR = ", "

# Words spaCy's list lacks that carry no topic in consultation texts: generic verbs of
# proposals ("il faut mettre en place"), fillers and conjugated auxiliaries.
_EXTRA_STOP_WORDS = """
afin aller améliorer ans aujourd autre cf autres avez avons besoin bien c cas ce cela encourager celle celles ceux chose choses
d demande demander demandons développer devoir doivent devrait devraient dire doit donner en etc ex exemple
faciliter fait faire faites falloir favoriser faudra faudrait faut fois font gens hui j jusqu l leur lorsqu leurs lors m mettre mieux
mis mise n niveau non notamment nouveau nouveaux nouvelle nouvelles oui part permet permettre
permettant peu peut peuvent place plupart plus point pourra presqu puisqu pourrait pourraient pouvoir prendre
promouvoir propose proposer proposition propositions proposons qu quelqu quelque quelques renforcer rendre s sein sera soutenir
serait seraient seront souhaite souhaitons souhaiter t tant toute toutes tous tout trop va via
voir vont y
"""

FRENCH_STOP_WORDS: frozenset[str] = french_stop_words() | frozenset(_EXTRA_STOP_WORDS.split())

# Web and e-mail addresses carry no topic ("http", "www", "fr" would become keywords).
_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|net|eu|info|coop)\b",
    re.IGNORECASE,
)
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'"})
# A word: letters, optionally joined by hyphens ("porte-à-porte", "Île-de-France").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# What may stand between two words of one n-gram: spaces only (a line break or any
# punctuation mark ends the phrase).
_JOIN = re.compile(r"[ \t\u00a0]+")
_MIN_LEN = 2
_CACHE_SIZE = 20_000
_MAX_TOKEN_LEN = 40


@functools.lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """The key of a word: lowercase, Unicode-normalised, French plural folded.

    ``"Impôts" -> "impôt"``, ``"locaux" -> "local"``, ``"bus" -> "bus"`` (words of three
    letters or fewer keep their final s).
    """
    key = unicodedata.normalize("NFC", word).lower()
    parts = key.split("-")
    return "-".join(_fold_part(p) for p in parts)


# Words ending in s or x that are the same in the singular.
_INVARIABLE_WORDS = """
abus accès alors autrefois bois bras cas choix corps cours concours discours dos excès fois gaz
jamais jus mois paix parcours parfois pays poids prix procès progrès puis recours repas sans secours
souris succès taux temps toujours univers vis voix
"""
_INVARIABLE = frozenset(_INVARIABLE_WORDS.split())


def _fold_part(word: str) -> str:
    if len(word) <= 3 or word in _INVARIABLE or word.endswith("ès"):
        return word
    if word.endswith("eaux"):
        return word[:-1]
    if word.endswith("aux"):
        return word[:-3] + "al"
    if word.endswith("eux"):
        return word[:-1]
    if word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[tuple[str, str, bool]]:
    """The words of ``text`` as ``(surface, key, joined_to_previous)``.

    ``joined_to_previous`` is true when only spaces separate the word from the one before
    (so the two may form a phrase). Stop words are kept here (they break phrases); web and
    e-mail addresses are dropped.
    """
    text = _ADDRESS.sub("\n", unicodedata.normalize("NFC", text).translate(_APOSTROPHES))
    out: list[tuple[str, str, bool]] = []
    previous_end = -1
    for match in _WORD.finditer(text):
        start, end = match.span()
        surface = match.group()
        joined = previous_end >= 0 and _JOIN.fullmatch(text, previous_end, start) is not None
        out.append((surface, fold(surface), joined))
        previous_end = end
    return out


def _is_content(surface: str, key: str, stop_words: frozenset[str]) -> bool:
    # Elided articles ("d'", "l'", "qu'") come out as one- or two-letter words (or "quelqu"),
    # which the length limit and the stop list drop. Stop words are matched on the written
    # word ("dans", not its folded key "dan") and on the key (a plural of a stop word).
    return (
        _MIN_LEN <= len(key) <= _MAX_TOKEN_LEN and surface.lower() not in stop_words and key not in stop_words
    )


def _runs(text: str, stop_words: frozenset[str]) -> Iterator[list[tuple[str, str]]]:
    """Maximal runs of adjacent content words (surface, key)."""
    run: list[tuple[str, str]] = []
    for surface, key, joined in tokens(text):
        if not _is_content(surface, key, stop_words):
            if run:
                yield run
            run = []
            continue
        if run and not joined:
            yield run
            run = []
        run.append((surface, key))
    if run:
        yield run


class Analyzer:
    """A callable for scikit-learn vectorizers: text -> n-gram keys.

    ``Analyzer((1, 2))("Les services publics de proximité")`` gives
    ``["service", "public", "service public", "proximité"]``.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), stop_words: Iterable[str] = ()) -> None:
        self.ngram_range = ngram_range
        extra = [w.strip().lower() for w in stop_words if w.strip()]
        self.stop_words = FRENCH_STOP_WORDS | frozenset(extra) | frozenset(fold(w) for w in extra)
        self._cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> list[str]:
        return list(self._grams(text))

    def _grams(self, text: str) -> tuple[str, ...]:
        # The same texts are analysed several times in one fit (keywords, TF-IDF, BERTopic):
        # remember the last few thousand.
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        low, high = self.ngram_range
        grams: list[str] = []
        for run in _runs(text, self.stop_words):
            keys = [key for _, key in run]
            for n in range(low, high + 1):
                for i in range(len(keys) - n + 1):
                    grams.append(" ".join(keys[i : i + n]))
        result = tuple(grams)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[text] = result
        return result

    def surfaces(self, text: str) -> Iterator[tuple[str, str]]:
        """``(key, surface)`` of every n-gram, for choosing how to display a key."""
        low, high = self.ngram_range
        for run in _runs(text, self.stop_words):
            for n in range(low, high + 1):
                for i in range(len(run) - n + 1):
                    chunk = run[i : i + n]
                    yield " ".join(k for _, k in chunk), " ".join(s for s, _ in chunk)


def surface_forms(
    texts: Iterable[str], analyzer: Analyzer, keys: Iterable[str] | None = None
) -> dict[str, str]:
    """For each key, the surface form written most often.

    Acronyms ("RIC") and words never written in lowercase ("Europe") keep their capitals;
    a word also written in lowercase is shown in lowercase. Ties go to the
    lexicographically smallest form, so the result does not depend on text order.
    """
    wanted = set(keys) if keys is not None else None
    counts: dict[str, Counter[str]] = {}
    for text in texts:
        for key, surface in analyzer.surfaces(text):
            if wanted is not None and key not in wanted:
                continue
            counts.setdefault(key, Counter())[surface] += 1
    result = {}
    for key, counter in counts.items():
        lowered: Counter[str] = Counter()
        for surface, n in counter.items():
            lowered[_display_case(surface, counter)] += n
        result[key] = min(lowered.items(), key=lambda item: (-item[1], item[0]))[0]
    return result


def _display_case(surface: str, counter: Counter[str]) -> str:
    """Lowercase a form unless it holds an acronym or is never written in lowercase."""
    if surface.lower() == surface or any(len(w) > 1 and w.isupper() for w in surface.split()):
        return surface
    return surface if surface.lower() not in counter else surface.lower()


#: A keyword gives way to a longer one containing it ("services" -> "services publics") when
#: the longer one accounts for at least this share of its occurrences (or of its score, when
#: counts are not given): the word is then mostly used in that phrase.
PHRASE_SHARE = 0.5


def make_label(
    keywords: Sequence[tuple[str, float]] | Sequence[str],
    n_words: int = 3,
    *,
    counts: Mapping[str, float] | None = None,
) -> str:
    """A short label from ranked keywords: up to ``n_words`` keywords sharing no word.

    Keywords may come with scores (pairs) or alone (ranked strings); ``counts`` gives how
    often each keyword occurs in the topic. A keyword gives way to a longer phrase holding
    it when the phrase accounts for at least ``PHRASE_SHARE`` of its uses; the phrase then
    also absorbs keywords already chosen that it contains ("vote", then "blanc" mostly
    seen in "vote blanc", give "Vote blanc"). ``[("trajets", 0.9), ("vélo", 0.5),
    ("trajets domicile-travail", 0.6)]`` gives ``"Trajets domicile-travail, vélo"``.
    """
    ranked: list[tuple[str, float]] = [
        (k, 1.0 / (i + 1)) if isinstance(k, str) else (str(k[0]), float(k[1])) for i, k in enumerate(keywords)
    ]
    weight = {k: (counts.get(k, 0.0) if counts is not None else s) for k, s in ranked}
    words_of = {keyword: frozenset(fold(w) for w in keyword.split()) for keyword, _ in ranked}
    chosen: list[str] = []
    for keyword, _ in ranked:
        words = words_of[keyword]
        used = set().union(*(words_of[c] for c in chosen)) if chosen else set()
        if not words or words <= used:
            continue
        phrase = _phrase_for(keyword, ranked, words_of, weight, chosen)
        if phrase is not None:
            absorbed = [c for c in chosen if words_of[c] <= words_of[phrase]]
            position = chosen.index(absorbed[0]) if absorbed else len(chosen)
            chosen = [c for c in chosen if c not in absorbed]
            chosen.insert(position, phrase)
        elif not words & used:
            chosen.append(keyword)
        if len(chosen) == n_words:
            break
    if not chosen:
        return ""
    label = LABEL_SEPARATOR.join(chosen)
    return label[0].upper() + label[1:]


def _phrase_for(
    keyword: str,
    ranked: Sequence[tuple[str, float]],
    words_of: Mapping[str, frozenset[str]],
    weight: Mapping[str, float],
    chosen: Sequence[str],
) -> str | None:
    """The best-ranked longer phrase holding ``keyword`` and used mostly as such, whose words
    overlap the chosen keywords only through whole chosen keywords."""
    words = words_of[keyword]
    for longer, _ in ranked:
        longer_words = words_of[longer]
        if len(longer_words) <= len(words) or not words <= longer_words:
            continue
        if weight[longer] < PHRASE_SHARE * weight[keyword]:
            continue
        overlapping = [c for c in chosen if words_of[c] & longer_words]
        if all(words_of[c] <= longer_words for c in overlapping):
            return longer
    return None
