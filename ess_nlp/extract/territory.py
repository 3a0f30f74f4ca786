"""A cahier's territory: its commune, département and région (the current régions of the 2016
reform) with their INSEE codes.

The rule (``docs/territory.md`` explains it for users):

1. **Metadata first.** A territory the cahier's form gives (the ``territory`` field, or the
   ``Commune`` / ``Département`` / ``Région`` columns of a form export) wins when it names a French
   place. One that names none ("Genève, Suisse") is set aside with one French sentence, and the
   text decides.
2. **Else the text.** Every place the extraction recognised in the cahier (:mod:`ess_nlp.extract.places`
   and the ``places`` spans of ``ess_initiatives``) is a mention, ranked by where it is written:

   - 3, *adresse*: an address line with a postal code ("14 rue de l'Épeule, 59100 Roubaix");
   - 2, *en-tête* or *signature*: the title, the first two paragraphs, a contact line
     ("Contact : …", "Pour nous joindre", "Fait à …") or a short last paragraph;
   - 1, *en passant*: anywhere else.

   The commune with the best rank wins; among communes of the same rank, the one named most
   often (a mention of its département or région counting for it), then the first named. With
   no commune whose INSEE code is known, the best département is kept the same way, then the best
   région.
3. **Nothing found**: the territory is "(non renseigné)", never an error.

Whatever the source, the département and the région are completed from the commune's INSEE code,
and a région before 2016 ("Auvergne") is replaced by the current one ("Auvergne-Rhône-Alpes").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from spacy.tokens import Doc

from ess_nlp.extract._resources import norm_name
from ess_nlp.extract.initiatives import PLACES_KEY
from ess_nlp.extract.places import (
    dep_of,
    departements_in,
    place_index,
    places_in_label,
    postal_commune,
    title_communes,
)
from ess_nlp.extract.records import Place
from ess_nlp.records import NOT_FILLED, Unit

__all__ = [
    "NOT_FILLED",
    "Mention",
    "Territory",
    "complete",
    "current_region_name",
    "decide",
    "metadata_label",
    "territory_from_label",
    "text_mentions",
]


# Ranks of a mention, by where it is written.
ADDRESS, HEADER, PASSING = 3, 2, 1
_WHERE = {ADDRESS: "adresse", HEADER: "en-tête ou signature", PASSING: "texte"}
_LEVELS = ("commune", "departement", "region")
_SIGNATURE = re.compile(
    r"^\s*(?:contacts?|pour nous (?:joindre|contacter)|coordonnées|adresse|siège|fait à|rédigé à|"
    r"structure porteuse|porteur|territoire|lieu)\b",
    re.I,
)
_QUARTER = re.compile(r"\bquartiers?\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])?"
                      r"((?:Saint-|Sainte-)?[A-ZÀ-Ö][\w'’-]+)")
# Countries a form or a text may name that are also French communes or look like places
# ("Suisse" is a commune of Moselle): a territory naming one is not in France.
_FOREIGN = frozenset({
    "suisse", "belgique", "allemagne", "italie", "espagne", "portugal", "luxembourg", "pays bas", "royaume uni",
    "angleterre", "irlande", "canada", "quebec", "etats unis", "usa", "maroc", "algerie", "tunisie", "senegal",
    "mali", "cameroun", "cote d ivoire", "monaco", "andorre",
})
_METADATA_KEYS = ("territory", "Territoire", "territoire")
_METADATA_COLUMNS = ("Commune", "Département", "Région")


@dataclass(frozen=True)
class Territory:
    """Where a cahier comes from. Names are as the text or the form writes them for the commune,
    official for the département and the (current) région; codes are INSEE codes. ``origin`` is
    ``"metadata"``, ``"text"`` or ``""`` (unknown); ``evidence`` says in French where it was read;
    ``note`` is one French sentence when the metadata named no French place."""

    commune: str = ""
    commune_code: str = ""
    departement: str = ""
    departement_code: str = ""
    region: str = ""
    region_code: str = ""
    origin: str = ""
    evidence: str = ""
    note: str = ""

    @property
    def filled(self) -> bool:
        return bool(self.commune or self.departement or self.region)

    @property
    def label(self) -> str:
        """"Commune, Département, Région", or "(non renseigné)"."""
        return ", ".join(x for x in (self.commune, self.departement, self.region) if x) or NOT_FILLED

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Territory:
        return cls(**{k: str(data.get(k) or "") for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Mention:
    """A place named in a cahier, with the rank of where it is written and its offset."""

    place: Place
    rank: int
    position: int


def current_region_name(region: str) -> str:
    """The current région for a région name or code, current or former ("Auvergne" ->
    "Auvergne-Rhône-Alpes"); the value unchanged when it is no région."""
    area = place_index().current_region(region.strip()) if region.strip() else None
    return area.name if area is not None else region


def complete(place: Place) -> Territory:
    """The territory a place stands for, completed upwards: a commune's département and région
    come from its INSEE code, a département's région from the data file, a former région is
    replaced by the current one. A commune without a code keeps its name alone."""
    index = place_index()
    if place.level == "commune":
        if not place.code:
            return Territory(commune=place.name)
        dep = index.departement_by_code(dep_of(place.code))
        base = complete(Place(dep.name, "departement", dep.code)) if dep is not None else Territory()
        return replace(base, commune=place.name, commune_code=place.code)
    if place.level == "departement":
        dep = index.departement_by_code(place.code or "") or index.area(place.name)
        if dep is None or dep.level != "departement":
            return Territory()
        region = index.current_region(dep.region or "")
        return Territory(departement=dep.name, departement_code=dep.code,
                         region=region.name if region else "", region_code=region.code if region else "")
    region = index.current_region(place.code or "") or index.current_region(place.name)
    if region is None:
        return Territory()
    return Territory(region=region.name, region_code=region.code)


def territory_from_label(value: str) -> Territory | None:
    """The territory a form field gives ("Roubaix, Nord, Hauts-de-France", "Vaulx-en-Velin
    (Rhône)", "Auvergne"), at its most precise level; None when it names no French place."""
    if any(norm_name(part) in _FOREIGN for part in re.split(r"[,;/()]|\s+-\s+", value)):
        return None
    places = places_in_label(value)
    for level in _LEVELS:
        for place in places:
            if place.level == level and (place.code or level != "commune"):
                found = complete(place)
                if found.filled:
                    return found
    uncoded = next((p for p in places if p.level == "commune"), None)
    return Territory(commune=uncoded.name) if uncoded is not None else None


def metadata_label(metadata: Mapping[str, Any] | None) -> str:
    """The territory a cahier's metadata writes, as one text ("" when none)."""
    if not metadata:
        return ""
    for key in _METADATA_KEYS:
        value = metadata.get(key)
        if value and str(value).strip():
            return str(value).strip()
    return ", ".join(str(metadata[k]).strip() for k in _METADATA_COLUMNS if metadata.get(k))


def text_mentions(cahier: Unit, paragraphs: Sequence[tuple[Unit, Doc]]) -> list[Mention]:
    """Every place a cahier's text names, ranked by where it is written (see the module's rule).

    ``paragraphs``: the cahier's paragraph units with their ``Doc`` processed by the extraction
    pipeline (``ess_initiatives`` sets their ``places`` spans)."""
    index = place_index()
    context = departements_in(cahier.text)
    for _, doc in paragraphs:
        for span in doc.spans.get(PLACES_KEY, []):
            if span.label_ == "region" and span.kb_id_:
                context |= index.departements_of_region(span.kb_id_)
    # A name the cahier also writes after "quartier" is a neighbourhood ("quartier Saint-Jacques"
    # of Clermont-Ferrand), not the commune of the same name elsewhere.
    quarters = {norm_name(m.group(1)) for m in _QUARTER.finditer(f"{cahier.title or ''}\n{cahier.text}")}
    mentions = [Mention(p, HEADER, cahier.start) for p in title_communes(cahier.title or "", context)]
    last = len(paragraphs) - 1
    for i, (unit, doc) in enumerate(paragraphs):
        text = unit.text
        signature = bool(_SIGNATURE.match(text)) or (i == last and i > 1 and len(text) < 200)
        rank = HEADER if i < 2 or signature else PASSING
        for span in doc.spans.get(PLACES_KEY, []):
            place = Place(span.text, span.label_, span.kb_id_ or None)
            if place.level == "commune":
                place = index.resolve_commune(span.text, context) or place
            mentions.append(Mention(place, rank, unit.start + span.start_char))
        offset = 0
        for line in text.splitlines(keepends=True):
            commune = postal_commune(line)
            if commune is not None:
                mentions.append(Mention(commune, ADDRESS, unit.start + offset))
            offset += len(line)
    return [m for m in mentions
            if not (m.place.level == "commune" and norm_name(m.place.name) in quarters | _FOREIGN)]


@dataclass(frozen=True)
class _Candidate:
    territory: Territory
    mention: Mention  # where it ranks best (its name as written there)
    level: int  # 0 commune, 1 département, 2 région
    rank: int
    count: int
    first: int

    def key(self, support: Sequence[Territory] = ()) -> tuple[int, int, int, int]:
        """Best rank, then most precise level, then most often named (mentions of its département
        or région counting for a commune or a département), then first named."""
        backing = sum(
            1 for s in support
            if self.level < 2 and (
                (s.departement_code and s.departement_code == self.territory.departement_code)
                or (not s.departement_code and s.region_code == self.territory.region_code)
            )
        )
        return self.rank, -self.level, self.count + backing, -self.first


def _candidates(mentions: Iterable[Mention]) -> list[_Candidate]:
    found: dict[tuple[int, str], _Candidate] = {}
    for m in mentions:
        if m.place.level not in _LEVELS or not m.place.code:
            continue
        territory = complete(m.place)
        if not territory.filled:
            continue
        level = _LEVELS.index(m.place.level)
        code = (territory.commune_code, territory.departement_code, territory.region_code)[level]
        old = found.get((level, code))
        if old is None:
            found[(level, code)] = _Candidate(territory, m, level, m.rank, 1, m.position)
        else:
            best = old if old.rank >= m.rank else _Candidate(territory, m, level, m.rank, 0, 0)
            found[(level, code)] = replace(best, rank=max(old.rank, m.rank), count=old.count + 1,
                                           first=min(old.first, m.position))
    return list(found.values())


def decide(metadata: Mapping[str, Any] | None, mentions: Sequence[Mention], *, name: str = "") -> Territory:
    """A cahier's territory from its metadata, else from the places of its text (``mentions``,
    see :func:`text_mentions`). ``name`` (the cahier's file and title) begins the note said
    when the metadata names no French place."""
    written = metadata_label(metadata)
    if written:
        found = territory_from_label(written)
        if found is not None and found.filled:
            return replace(found, origin="metadata", evidence=f"métadonnées : « {written} »")
    from_text = _from_text(mentions)
    if written:
        who = name or "Un cahier"
        kept = (f"le territoire tiré du texte ({from_text.label}) est gardé" if from_text.filled
                else "le territoire reste non renseigné")
        from_text = replace(
            from_text,
            note=f"{who} : le territoire indiqué dans ses métadonnées (« {written} ») n'est pas un lieu français ; {kept}.",
        )
    return from_text


def _from_text(mentions: Sequence[Mention]) -> Territory:
    candidates = _candidates(mentions)
    if not candidates:
        # A commune whose name several communes bear, none settled by the context: its name alone.
        uncoded = sorted((m for m in mentions if m.place.level == "commune"), key=lambda m: (-m.rank, m.position))
        if uncoded:
            return Territory(commune=uncoded[0].place.name, origin="text",
                             evidence=f"{_WHERE.get(uncoded[0].rank, 'texte')} : « {uncoded[0].place.name} »")
        return Territory()
    support = [c.territory for c in candidates for _ in range(c.count) if c.level > 0]
    best = max(candidates, key=lambda c: c.key(support))
    if best.level > 0:
        # A département or région is made precise by the best commune the text names in it.
        inside = [c for c in candidates if c.level == 0 and (
            c.territory.departement_code == best.territory.departement_code if best.level == 1
            else c.territory.region_code == best.territory.region_code)]
        if inside:
            best = max(inside, key=lambda c: c.key(support))
    where = _WHERE.get(best.mention.rank, "texte")
    return replace(best.territory, origin="text", evidence=f"{where} : « {best.mention.place.name} »")
