"""Typed records produced by extraction: proposals, findings (constats) and initiative cards.

Every record names the source file, the unit it was found in and character offsets into the
document text (``document.text[start:end] == record.text`` for proposals and constats; for an
initiative, ``start``/``end`` delimit the passage the card was read from), so each item can be
traced back to the exact passage behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

Kind = str  # "proposal" | "constat" | "initiative"


@dataclass(frozen=True)
class Proposal:
    """A proposal as written: a list item (without its marker) or a prose sentence.

    ``number`` is the list marker as written ("1.", "a)", "-") or None for prose;
    ``parent`` is the id of the proposal this one depends on (a sub-item, or an alternative
    introduced by "Ou :", then ``alternative`` is True); ``cue`` says why it was kept
    ("list", "sub-item", "alternative", "infinitive", "que", "imperative", "nominal", "cue",
    "table", or "model" when the sentence-kind model alone made it one); ``kind_score`` is the
    sentence-kind model's score of "proposal" for it (None without the model).
    """

    id: str
    text: str
    source: str
    start: int
    end: int
    unit: str
    cahier: str | None
    section: str | None
    number: str | None = None
    parent: str | None = None
    alternative: bool = False
    cue: str = "cue"
    kind_score: float | None = None

    def to_json(self) -> dict[str, object]:
        """The ``ess-nlp extract --json`` contract for ``"kind": "proposal"``."""
        return {
            "kind": "proposal",
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "cahier": self.cahier,
            "section": self.section,
            "number": self.number,
            "parent": self.parent,
            "kind_score": self.kind_score,
        }


@dataclass(frozen=True)
class Constat:
    """A finding: a sentence of a constat section, or one that states a problem with evidence, or
    one the sentence-kind model reads as a finding (``cue`` "model"); ``kind_score`` is the
    model's score of "constat" for it (None without the model)."""

    id: str
    text: str
    source: str
    start: int
    end: int
    unit: str
    cahier: str | None
    section: str | None
    cue: str = "section"
    kind_score: float | None = None

    def to_json(self) -> dict[str, object]:
        """The ``ess-nlp extract --json`` contract for ``"kind": "constat"``."""
        return {
            "kind": "constat",
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "cahier": self.cahier,
            "section": self.section,
            "kind_score": self.kind_score,
        }


@dataclass(frozen=True)
class Place:
    """A place named in the text: ``level`` is commune, departement or region; ``code`` is the
    official INSEE code (commune code, département number, région code) or None when unknown."""

    name: str
    level: str
    code: str | None

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "level": self.level, "code": self.code}


@dataclass(frozen=True)
class Figure:
    """A figure with a unit as written ("12 salariés"), its value and a unit from ``FIGURE_UNITS``."""

    text: str
    value: float
    unit: str
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {"text": self.text, "value": value, "unit": self.unit}


@dataclass(frozen=True)
class Initiative:
    """An initiative card read from one passage (usually a section presenting the initiative).

    ``porteur`` is the organisation carrying the initiative (the cahier's author): the one a
    form field declares, else the name above the address at the head of the document, else the
    card's name; it comes first in ``organisations``."""

    id: str
    name: str | None
    text: str
    source: str
    start: int
    end: int
    unit: str
    cahier: str | None
    section: str | None
    what: str | None = None
    since: str | None = None
    porteur: str | None = None
    organisations: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    legal_forms: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    urls: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The ``ess-nlp extract --json`` contract for ``"kind": "initiative"``."""
        return {
            "kind": "initiative",
            "id": self.id,
            "name": self.name,
            "text": self.text,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "porteur": self.porteur,
            "organisations": list(self.organisations),
            "legal_forms": list(self.legal_forms),
            "places": [p.to_json() for p in self.places],
            "urls": list(self.urls),
            "figures": [f.to_json() for f in self.figures],
        }


Record = Proposal | Constat | Initiative
