"""The records of a theme synthesis: a document of items, each with the citations behind it.

A synthesis follows the shape working groups gave theirs (see "What a theme synthesis looks
like" in the project context): a chapter title, an introduction, « Nous constatons »
(findings), « Nous proposons » (numbered proposals, with sub-items and « Ou : » alternatives),
« Exemples » (initiative cards), and the organisations involved. Every item carries the
passages it came from (:class:`Citation`: unit id, cahier, organisation, passage text and
offsets into the source's plain text), so each statement stays traceable to the cahiers.

Records are frozen; editing operations (:mod:`ess_nlp.synthesis.edit`) return new documents,
and ``to_json``/``from_json`` round-trip exactly (the database stores the JSON).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ess_nlp.errors import ConfigError

ScopeKind = Literal["theme", "domain", "topic"]
SCOPE_KINDS: tuple[ScopeKind, ...] = ("theme", "domain", "topic")

ItemKind = Literal["constat", "proposal", "initiative", "text"]
ITEM_KINDS: tuple[ItemKind, ...] = ("constat", "proposal", "initiative", "text")

SectionName = Literal["constats", "proposals", "initiatives"]
SECTIONS: tuple[SectionName, ...] = ("constats", "proposals", "initiatives")

#: Section headings as written in the syntheses of the working groups.
SECTION_TITLES: dict[SectionName, str] = {
    "constats": "Nous constatons",
    "proposals": "Nous proposons",
    "initiatives": "Exemples",
}
#: Default section of each item kind (a free text goes where it is put).
KIND_SECTION: dict[str, SectionName] = {
    "constat": "constats",
    "proposal": "proposals",
    "initiative": "initiatives",
}
KIND_NAMES: dict[str, str] = {
    "constat": "constat",
    "proposal": "proposition",
    "initiative": "initiative",
    "text": "texte libre",
}
SCOPE_NAMES: dict[str, str] = {"theme": "thème", "domain": "domaine", "topic": "thème émergent"}

FORMAT_VERSION = 1


def blank_title(title: str) -> bool:
    """True for a title with nothing visible: empty, spaces alone, or only invisible characters
    (zero-width spaces, joiners, control characters)."""
    return not any(not ch.isspace() and unicodedata.category(ch)[0] not in "CZ" for ch in title)


def check_title(title: str) -> str:
    """The title stripped of surrounding spaces; a blank one raises :class:`ConfigError`."""
    if blank_title(title):
        raise ConfigError("Le titre de la synthèse ne peut pas être vide.")
    return title.strip()


def new_id() -> str:
    """A fresh item id (random, short, unique within any realistic synthesis)."""
    return "i" + uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Scope:
    """What a synthesis is about: a work theme (``T4``), a domain (``financer``) or a topic
    (``"<model>:<topic id>"``, e.g. ``"section:3"``); ``label`` is its display name."""

    kind: ScopeKind
    value: str
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ConfigError(
                f"Portée de synthèse « {self.kind} » inconnue : attendu theme, domain ou topic."
            )
        if not str(self.value).strip():
            raise ConfigError(f"La portée de synthèse ({SCOPE_NAMES[self.kind]}) n'a pas de valeur.")

    @property
    def key(self) -> str:
        """``"theme:T4"``, ``"domain:financer"``, ``"topic:section:3"``."""
        return f"{self.kind}:{self.value}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "label": self.label}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Scope:
        return cls(kind=data["kind"], value=str(data["value"]), label=str(data.get("label", "")))


@dataclass(frozen=True)
class Citation:
    """A passage of a cahier behind an item.

    ``text == source_text[start:end]`` where ``source_text`` is the stored plain text of
    ``source`` (what ``ess-nlp text FILE`` prints); ``unit`` is the unit holding the passage,
    ``record`` the extraction record it came from (a proposal, constat or initiative id) when
    it came from one.
    """

    unit: str
    source: str
    start: int
    end: int
    text: str
    cahier: str | None = None
    cahier_title: str = ""
    organisation: str = ""
    territory: str = ""
    page: int | None = None
    record: str | None = None

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.source, self.start, self.end)

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "cahier": self.cahier,
            "cahier_title": self.cahier_title,
            "organisation": self.organisation,
            "territory": self.territory,
            "page": self.page,
            "record": self.record,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Citation:
        return cls(
            unit=str(data["unit"]),
            source=str(data["source"]),
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data["text"]),
            cahier=data.get("cahier"),
            cahier_title=str(data.get("cahier_title") or ""),
            organisation=str(data.get("organisation") or ""),
            territory=str(data.get("territory") or ""),
            page=data.get("page"),
            record=data.get("record"),
        )


@dataclass(frozen=True)
class Item:
    """A statement of the synthesis: a constat, a proposal, an initiative card or free text.

    ``text`` is the wording the group keeps (first the passage as written, then rewritten);
    ``title`` names an initiative; ``organisation``, ``place`` and ``url`` complete its card.
    ``children`` are a proposal's sub-items, and its alternatives (``alternative=True``,
    printed after « Ou : »). ``was_cited`` stays True once the item had a citation, so an item
    whose citations were all removed can be flagged.
    """

    id: str
    kind: ItemKind
    text: str
    citations: tuple[Citation, ...] = ()
    title: str = ""
    organisation: str = ""
    place: str = ""
    url: str = ""
    children: tuple[Item, ...] = ()
    alternative: bool = False
    was_cited: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ITEM_KINDS:
            raise ConfigError(
                f"Type d'élément « {self.kind} » inconnu : attendu constat, proposal, initiative ou text."
            )
        if self.citations and not self.was_cited:
            object.__setattr__(self, "was_cited", True)

    @property
    def unsourced(self) -> bool:
        """True for a statement that lost all its citations (or a cahier item that never had one)."""
        return not self.citations and (self.was_cited or self.kind != "text")

    @property
    def cahiers(self) -> tuple[str, ...]:
        """Distinct cahiers cited by the item and its children, in citation order."""
        seen: dict[str, None] = {}
        for item in self.walk():
            for c in item.citations:
                seen.setdefault(c.cahier or c.source, None)
        return tuple(seen)

    def walk(self) -> Iterator[Item]:
        """The item then its children, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "text": self.text}
        if self.citations:
            data["citations"] = [c.to_json() for c in self.citations]
        for name in ("title", "organisation", "place", "url", "note"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        if self.children:
            data["children"] = [c.to_json() for c in self.children]
        if self.alternative:
            data["alternative"] = True
        if self.was_cited:
            data["was_cited"] = True
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Item:
        return cls(
            id=str(data["id"]),
            kind=data["kind"],
            text=str(data.get("text", "")),
            citations=tuple(Citation.from_json(c) for c in data.get("citations", ())),
            title=str(data.get("title", "")),
            organisation=str(data.get("organisation", "")),
            place=str(data.get("place", "")),
            url=str(data.get("url", "")),
            children=tuple(Item.from_json(c) for c in data.get("children", ())),
            alternative=bool(data.get("alternative", False)),
            was_cited=bool(data.get("was_cited", False)),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True)
class Synthesis:
    """A synthesis document (what a save stores): title, introduction, the three sections,
    whether proposals are numbered, and organisations of the working group added by hand
    (the organisations of the cited cahiers are listed automatically, see
    :func:`contributors`). ``notes`` are French remarks from drafting (e.g. how the scope was
    found)."""

    title: str
    scope: Scope
    introduction: str = ""
    constats: tuple[Item, ...] = ()
    proposals: tuple[Item, ...] = ()
    initiatives: tuple[Item, ...] = ()
    numbered: bool = True
    working_group: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=True)

    def section(self, name: SectionName) -> tuple[Item, ...]:
        if name not in SECTIONS:
            raise ConfigError(
                f"Partie de synthèse « {name} » inconnue : attendu constats, proposals ou initiatives."
            )
        items: tuple[Item, ...] = getattr(self, name)
        return items

    def with_section(self, name: SectionName, items: tuple[Item, ...]) -> Synthesis:
        self.section(name)
        changes: dict[str, Any] = {name: tuple(items)}
        return replace(self, **changes)

    def items(self) -> Iterator[tuple[SectionName, Item]]:
        """Every item (children included) with the section it sits in."""
        for name in SECTIONS:
            for item in self.section(name):
                for sub in item.walk():
                    yield name, sub

    def find(self, item_id: str) -> Item | None:
        return next((item for _, item in self.items() if item.id == item_id), None)

    def citations(self) -> Iterator[Citation]:
        for _, item in self.items():
            yield from item.citations

    @property
    def size(self) -> int:
        return sum(1 for _ in self.items())

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "title": self.title,
            "scope": self.scope.to_json(),
            "introduction": self.introduction,
            "constats": [i.to_json() for i in self.constats],
            "proposals": [i.to_json() for i in self.proposals],
            "initiatives": [i.to_json() for i in self.initiatives],
            "numbered": self.numbered,
            "working_group": list(self.working_group),
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Synthesis:
        if int(data.get("format", FORMAT_VERSION)) > FORMAT_VERSION:
            raise ConfigError(
                f"Synthèse au format {data.get('format')} : cette version d'ess-nlp lit le format "
                f"{FORMAT_VERSION} au plus ; mettez ess-nlp à jour."
            )
        return cls(
            title=str(data.get("title", "")),
            scope=Scope.from_json(data["scope"]),
            introduction=str(data.get("introduction", "")),
            constats=tuple(Item.from_json(i) for i in data.get("constats", ())),
            proposals=tuple(Item.from_json(i) for i in data.get("proposals", ())),
            initiatives=tuple(Item.from_json(i) for i in data.get("initiatives", ())),
            numbered=bool(data.get("numbered", True)),
            working_group=tuple(str(o) for o in data.get("working_group", ())),
            notes=tuple(str(n) for n in data.get("notes", ())),
        )


@dataclass(frozen=True)
class Contributor:
    """An organisation whose cahiers the synthesis cites, with how many of them."""

    name: str
    cahiers: int
    by_hand: bool = False


def contributors(doc: Synthesis) -> list[Contributor]:
    """The organisations of the cited cahiers (most cited first, then by name), followed by
    the working-group organisations added by hand that no citation names."""
    per_org: dict[str, set[str]] = {}
    display: dict[str, str] = {}
    for citation in doc.citations():
        name = " ".join(citation.organisation.split())
        if not name:
            continue
        key = name.casefold()
        display.setdefault(key, name)
        per_org.setdefault(key, set()).add(citation.cahier or citation.source)
    found = [Contributor(display[k], len(v)) for k, v in per_org.items()]
    found.sort(key=lambda c: (-c.cahiers, c.name.casefold()))
    for name in doc.working_group:
        clean = " ".join(name.split())
        if clean and clean.casefold() not in per_org:
            found.append(Contributor(clean, 0, by_hand=True))
            per_org[clean.casefold()] = set()
    return found


def proposal_numbers(doc: Synthesis) -> dict[str, str]:
    """The number printed before each proposal: ``"1."``, ``"2."``; sub-items ``"a)"``,
    ``"b)"``; alternatives ``"Ou :"``. Empty strings when the synthesis is not numbered
    (alternatives keep « Ou : »)."""
    numbers: dict[str, str] = {}
    letters = "abcdefghijklmnopqrstuvwxyz"

    def sub(items: tuple[Item, ...]) -> None:
        n = 0
        for child in items:
            if child.alternative:
                numbers[child.id] = "Ou :"
            else:
                label = letters[n % 26] + ("" if n < 26 else str(n // 26))
                numbers[child.id] = f"{label})" if doc.numbered else ""
                n += 1
            sub(child.children)

    top = 0
    for item in doc.proposals:
        if item.alternative:
            numbers[item.id] = "Ou :"
        else:
            top += 1
            numbers[item.id] = f"{top}." if doc.numbered else ""
        sub(item.children)
    return numbers


def unsourced_items(doc: Synthesis) -> list[tuple[SectionName, Item]]:
    """Statements without any citation left (flagged in the app and in exports)."""
    return [(section, item) for section, item in doc.items() if item.unsourced]
