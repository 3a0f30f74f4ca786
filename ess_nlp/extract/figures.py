"""Figures with units ("12 salariés", "1,5 million d'euros", "340 tonnes", "25 %"), and URLs.

The unit vocabulary is the data file ``patterns/figures.jsonl``: one row per unit of
``FIGURE_UNITS`` with the words that express it. Numbers are read the French way: spaces
(also no-break spaces) or dots group thousands, a comma is the decimal mark, "million",
"milliard", "mille", "k" and "M" multiply, and small numbers written in words count too.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ess_nlp.errors import ConfigError
from ess_nlp.extract._resources import FIGURE_UNITS, load_rows
from ess_nlp.extract.records import Figure

_WORD_NUMBERS: dict[str, float] = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "mille": 1000,
    "une dizaine": 10, "une douzaine": 12, "une quinzaine": 15, "une vingtaine": 20, "une trentaine": 30,
    "une quarantaine": 40, "une cinquantaine": 50, "une soixantaine": 60, "une centaine": 100,
    "un millier": 1000, "plusieurs centaines": 200, "plusieurs milliers": 2000,
}
_UNITS_WORDS = ["et-un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
for _tens, _value in (("vingt", 20), ("trente", 30), ("quarante", 40), ("cinquante", 50), ("soixante", 60)):
    for _i, _unit in enumerate(_UNITS_WORDS, start=1):
        _WORD_NUMBERS[f"{_tens}-{_unit}"] = _value + _i
_MULTIPLIERS: dict[str, float] = {
    "million": 1e6, "millions": 1e6, "milliard": 1e9, "milliards": 1e9, "mille": 1e3, "k": 1e3, "M": 1e6,
}
_SEP = "[ \u00a0\u202f.]"
_DIGITS = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"
_WORDS = "|".join(sorted((re.escape(w) for w in _WORD_NUMBERS), key=len, reverse=True))
_MULT = r"(?:millions?|milliards?|mille|k|M)"
_SPACE = r"[ \u00a0\u202f]*"


@dataclass(frozen=True)
class _Unit:
    unit: str
    words: tuple[str, ...]


@functools.lru_cache(maxsize=1)
def _units() -> tuple[_Unit, ...]:
    units = []
    for row in load_rows("patterns/figures.jsonl", ("unit", "words")):
        if row["unit"] not in FIGURE_UNITS:
            raise ConfigError(
                f"patterns/figures.jsonl : unité « {row['unit']} » inconnue ; "
                f"unités permises : {', '.join(FIGURE_UNITS)}."
            )
        units.append(_Unit(row["unit"], tuple(row["words"])))
    return tuple(units)


@functools.lru_cache(maxsize=1)
def _figure_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    word_to_unit: dict[str, str] = {}
    for unit in _units():
        for word in unit.words:
            word_to_unit.setdefault(word, unit.unit)
    alternatives = sorted(word_to_unit, key=len, reverse=True)
    unit_alt = "|".join(re.escape(w) for w in alternatives)
    pattern = (
        rf"(?<![\w.,])(?P<num>{_DIGITS}|(?i:{_WORDS}))"
        rf"(?:{_SPACE}(?P<mult>{_MULT})\b)?"
        rf"{_SPACE}(?:(?:de|d['’])\s*)?"
        rf"(?:(?:nouveaux|nouvelles|nouvel|nouveau|jeunes|autres|anciens|anciennes|petites|petits|grandes|grands)\s+)?"
        rf"(?P<unit>{unit_alt})(?![\w])"
    )
    return re.compile(pattern), word_to_unit


def _number(text: str) -> float | None:
    lowered = text.lower()
    if lowered in _WORD_NUMBERS:
        return _WORD_NUMBERS[lowered]
    digits = re.sub(_SEP, "", text).replace(",", ".")
    try:
        return float(digits)
    except ValueError:
        return None


def find_figures(text: str, *, offset: int = 0) -> list[Figure]:
    """Every figure with a unit in ``text``; offsets are shifted by ``offset``.

    A bare year ("en 2006") has no unit and is not a figure; "2006 salariés" would be.
    """
    regex, word_to_unit = _figure_regex()
    figures: list[Figure] = []
    for match in regex.finditer(text):
        value = _number(match.group("num"))
        if value is None:
            continue
        word = match.group("unit")
        unit = word_to_unit[word]
        mult = match.group("mult")
        if mult:
            value *= _MULTIPLIERS[mult]
        if word in ("k€",):
            value *= 1e3
        elif word in ("M€", "millions d'euros", "million d'euros", "millions €", "million €"):
            value *= 1e6
        elif word in ("milliards d'euros", "milliard d'euros"):
            value *= 1e9
        if unit in ("tonnes", "heures", "hectares") and len(word) <= 2 and not match.group("num")[0].isdigit():
            continue  # "deux h" / "trois t": too ambiguous in words
        figures.append(Figure(match.group(0), value, unit, offset + match.start(), offset + match.end()))
    return figures


_TLDS = r"(?:fr|org|com|net|eu|coop|asso\.fr|info)"
# Not the tail of an e-mail address or of a longer name: "contact@mairie-lille.fr" holds no
# address "lille.fr".
_URL = re.compile(
    r"(?<![@\w.])(?<![\w.@]-)(?:https?://[^\s<>\"')\]]+|www\.[^\s<>\"')\]]+|"
    rf"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.{_TLDS}(?:/[^\s<>\"')\]]*)?)(?![\w@-])",
    re.IGNORECASE,
)
# A PDF line or column break after a dot inside an address: "https://www.youtube. com/watch…",
# "www.participation.\nville.fr". The rest starts in lower case and reads as an address's rest.
_URL_REST = re.compile(rf"[ \t]*\n?[ \t]*([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*(?:\.{_TLDS}\b|(?=/))[^\s<>\"')\]]*)")
_HOST_END = re.compile(r"\.[a-z]{2,24}$")  # ".fr", ".coop", ".corsica"


def url_host(url: str) -> str:
    """The site of an address, lowercase, without scheme, ``www.`` or port: ``https://www.A.fr/x``
    -> ``a.fr``."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower()).split("/", 1)[0].split("?", 1)[0]
    host = host.split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def find_urls(text: str) -> list[str]:
    """Web addresses as written (trailing punctuation removed), in order, without repeats.

    An address a line break cut after a dot is joined again ("https://www.youtube. com/watch"
    -> "https://www.youtube.com/watch")."""
    urls: list[str] = []
    pos = 0
    while match := _URL.search(text, pos):
        url, pos = match.group(0), match.end()
        if url.endswith(".") and not _HOST_END.search(url_host(url).rstrip(".")) and (
                rest := _URL_REST.match(text, pos)):
            url, pos = url + rest.group(1), rest.end()
        url = url.rstrip(".,;:!?»")
        if url not in urls:
            urls.append(url)
    return urls


def repair_urls(urls: Iterable[str], known: Iterable[str]) -> list[str]:
    """``urls`` mended against the other addresses of the same document (``known``): a site
    that a line break cut ("https://jeparticipe.meu-", "https://www.youtube") becomes the one
    address of the document that completes it, or is dropped; a site with a typesetting hyphen
    ("bud-getparticipatif.merignac.com") becomes the same site written without it elsewhere;
    the rest of a cut site found apart ("don.fr" beside "https://jeparticipe.meu-" and
    "jeparticipe.meudon.fr") is dropped. Order kept, repeats removed."""
    known = list(known)
    counts = Counter(url_host(u) for u in known)
    hosts = list(counts)
    bare: dict[str, str] = {}
    for host in sorted(hosts, key=lambda h: (-counts[h], h.count("-"))):
        if _HOST_END.search(host):
            bare.setdefault(host.replace("-", ""), host)
    cut = [h.rstrip("-") for h in hosts if h.endswith("-") and h.rstrip("-")]
    out: list[str] = []
    for url in urls:
        host = url_host(url)
        if any(stem + host in hosts for stem in cut):
            continue  # "don.fr", the rest of "https://jeparticipe.meu-" found apart
        if not _HOST_END.search(host) or host.endswith("-"):
            stem = host.rstrip("-")
            whole = [h for h in hosts if h != host and h.startswith(stem) and _HOST_END.search(h)]
            if len(whole) != 1:
                continue
            url = whole[0]
        elif bare.get(host.replace("-", ""), host) != host:
            fixed = bare[host.replace("-", "")]
            at = url.lower().index(host)
            url = url[:at] + fixed + url[at + len(host):]
        if url not in out:
            out.append(url)
    return out
