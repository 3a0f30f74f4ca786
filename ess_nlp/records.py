"""Typed records that flow through the pipeline.

Every record carries the source it came from and character offsets into that source's
plain text (the text ``ess-nlp text FILE`` prints), so any figure can be traced back to
the exact passage behind it.

    Document  (one source file read into plain text, with pages, footnotes, known parts)
      -> Unit (level "cahier" -> "section" -> "paragraph" -> "sentence")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Level = Literal["cahier", "section", "paragraph", "sentence"]
LEVELS: tuple[Level, ...] = ("cahier", "section", "paragraph", "sentence")

SectionKind = Literal["constat", "proposition", "initiative", "contexte", "autre"]
SECTION_KINDS: tuple[SectionKind, ...] = ("constat", "proposition", "initiative", "contexte", "autre")

NOT_FILLED = "(non renseigné)"
"""What users read for a value a cahier does not give and nothing could find (its territory)."""


@dataclass(frozen=True)
class Page:
    """A page of a paginated source: ``text[start:end]`` came from page ``number`` (1-based)."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Footnote:
    """A footnote kept apart from the body text.

    ``anchor`` is the offset in the body text where the (removed) marker stood;
    ``marker`` is the marker as written ("1", "*", "a").
    """

    marker: str
    text: str
    anchor: int


@dataclass(frozen=True)
class Part:
    """A span of the text whose boundaries the reader already knows.

    Tabular form exports (one row per cahier) produce one part per row, with the
    row's mapped metadata; ``fields`` lists ``(label, kind, start, end)`` for each
    text column written into the part, so the splitter can use them as sections.
    """

    start: int
    end: int
    title: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    fields: tuple[tuple[str, str, int, int], ...] = ()


@dataclass(frozen=True)
class Document:
    """One source file read into plain text.

    ``text`` is the plain text every offset indexes into. Paragraphs are separated
    by a blank line ("\\n\\n"); a single "\\n" is a line break inside a block that
    the reader chose to keep (table rows, address lines). List items are their own
    paragraphs and carry their visible numbering ("1. ", "a) ", "- ") as text, even
    where the original held it in automatic numbering.
    """

    source: str
    text: str
    format: str
    sha256: str
    pages: tuple[Page, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    parts: tuple[Part, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)

    def page_at(self, offset: int) -> int | None:
        """Page number holding ``offset``, or None for unpaginated sources."""
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        if self.pages and offset >= self.pages[-1].end:
            return self.pages[-1].number
        return None


@dataclass(frozen=True)
class Unit:
    """A traceable unit of text: a cahier, a section, a paragraph or a sentence.

    ``text == document.text[start:end]`` always holds. ``title`` is set on cahiers and
    sections (as it appears in the source), ``kind`` on sections (one of
    ``SECTION_KINDS``) and inherited by the units below them. ``number`` is the list
    marker of a list item as written ("1.", "2)", "a.", "-"), else None. ``lemmas``
    holds the space-joined lowercase lemmas of a sentence (empty on other levels).
    """

    id: str
    level: Level
    parent: str | None
    source: str
    start: int
    end: int
    text: str
    title: str | None = None
    kind: str | None = None
    page: int | None = None
    number: str | None = None
    cahier: str | None = None
    section: str | None = None
    lemmas: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The ``ess-nlp split --json`` contract."""
        return {
            "id": self.id,
            "level": self.level,
            "parent": self.parent,
            "source": self.source,
            "title": self.title,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "page": self.page,
            "number": self.number,
        }
