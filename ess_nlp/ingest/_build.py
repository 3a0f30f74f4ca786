"""Paragraph assembly shared by every reader: whitespace normalisation and offset tracking.

Readers push text pieces, paragraph breaks and *marks* (objects whose offset in the final
text they need: footnote anchors, page starts, table-row boundaries) into a
:class:`TextBuilder`; :meth:`TextBuilder.build` applies the text conventions of
:mod:`ess_nlp.ingest` once, so offsets are computed on the text as it is finally written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

PARAGRAPH_SEPARATOR = "\n\n"

# Invisible characters dropped from every text: C0/C1 controls other than whitespace,
# zero-width characters, the byte-order mark, soft hyphens and Unicode non-characters
# used as private markers by some producers.
_DROP_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff\ufffe\uffff]")
_WS_RE = re.compile(r"\s+")


def clean_inline(text: str) -> str:
    """NFC, invisible characters removed, every whitespace run turned into one space, stripped."""
    text = _DROP_RE.sub("", unicodedata.normalize("NFC", text))
    return _WS_RE.sub(" ", text).strip()


@dataclass(eq=False)
class Note:
    """A footnote or endnote found by a reader; its mark in the body gives the anchor."""

    marker: str
    text: str


@dataclass(frozen=True, eq=False)
class Mark:
    """A position to locate in the built text; ``payload`` says what it is for.

    A mark that ends up in an empty paragraph moves to the start of the next paragraph,
    or, with ``after``, to the end of the previous one.
    """

    payload: object
    after: bool = False


@dataclass(frozen=True)
class Built:
    """Text written by a :class:`TextBuilder`, with the offset of each mark, in order."""

    text: str
    marks: tuple[tuple[object, int], ...]
    paragraphs: tuple[tuple[int, int], ...]


class TextBuilder:
    """Accumulates paragraphs made of text pieces and marks.

    ``add`` appends text to the current paragraph, ``paragraph_break`` ends it (empty
    paragraphs vanish), ``mark`` records a position. Inside ``with builder.flat():`` a
    paragraph break becomes a space (used for table cells and footnote bodies).
    """

    def __init__(self) -> None:
        self._paragraphs: list[list[str | Mark]] = []
        self._current: list[str | Mark] = []
        self._flat = 0
        self._prefix: str | None = None

    def add(self, text: str) -> None:
        if not text:
            return
        if self._prefix is not None and text.strip():
            self._current.append(self._prefix)
            self._prefix = None
        self._current.append(text)

    def prefix(self, text: str | None) -> None:
        """Start the next paragraph that receives text with ``text`` (a list marker whose
        item's text sits in nested blocks); ``None`` cancels a prefix not used yet."""
        self._prefix = text

    def mark(self, payload: object, *, after: bool = False) -> None:
        self._current.append(Mark(payload, after))

    def paragraph_break(self) -> None:
        if self._flat:
            self._current.append(" ")
        elif self._current:
            self._paragraphs.append(self._current)
            self._current = []

    def paragraph(self, text: str) -> None:
        """Write ``text`` as a paragraph of its own."""
        self.paragraph_break()
        self.add(text)
        self.paragraph_break()

    @contextmanager
    def flat(self) -> Iterator[None]:
        self._flat += 1
        try:
            yield
        finally:
            self._flat -= 1

    @property
    def in_flat(self) -> bool:
        return self._flat > 0

    def build(self) -> Built:
        if self._current:
            self._paragraphs.append(self._current)
            self._current = []
        texts: list[str] = []
        marks: list[tuple[object, int]] = []
        spans: list[tuple[int, int]] = []
        carried: list[object] = []  # marks of empty paragraphs, placed at the next paragraph start
        offset = 0
        for pieces in self._paragraphs:
            start = offset + (len(PARAGRAPH_SEPARATOR) if texts else 0)
            text, local = _normalise(pieces)
            if not text:
                for mark in pieces:
                    if isinstance(mark, Mark):
                        if mark.after:
                            marks.append((mark.payload, offset))
                        else:
                            carried.append(mark.payload)
                continue
            marks.extend((payload, start) for payload in carried)
            carried = []
            marks.extend((payload, start + pos) for payload, pos in local)
            texts.append(text)
            spans.append((start, start + len(text)))
            offset = start + len(text)
        marks.extend((payload, offset) for payload in carried)
        return Built(PARAGRAPH_SEPARATOR.join(texts), tuple(marks), tuple(spans))


def _normalise(pieces: list[str | Mark]) -> tuple[str, list[tuple[object, int]]]:
    out: list[str] = []
    marks: list[tuple[object, int]] = []
    length = 0
    pending_space = False
    for piece in pieces:
        if isinstance(piece, Mark):
            marks.append((piece.payload, length))
            continue
        cleaned = _DROP_RE.sub("", unicodedata.normalize("NFC", piece))
        for i, token in enumerate(_WS_RE.split(cleaned)):
            if i > 0:
                pending_space = True
            if token:
                if pending_space and length:
                    out.append(" ")
                    length += 1
                pending_space = False
                out.append(token)
                length += len(token)
    return "".join(out), marks
