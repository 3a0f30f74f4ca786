"""What the extraction components know about the passage a ``Doc`` holds.

Documents are processed one paragraph per ``Doc``. The structure around the paragraph (its
section kind, its list marker, whether its list was introduced by "Nous proposons :", whether it
is a sub-item of a proposal) is decided by the document splitter and set on ``doc._.ess_context``
before the pipeline runs. A ``Doc`` without context (``nlp("...")`` on free text) is handled too:
the components then read the list marker from the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

EXTENSION = "ess_context"

# A list marker at the start of a paragraph, as written: "1.", "2)", "3 -", "a)", "iv.", "-", "•".
MARKER = re.compile(
    r"^[ \t]*(?P<marker>\d{1,3}[.)°](?!\d)|\d{1,3}[ \t]*[-–](?=[ \t])|[a-zA-Z][.)](?=[ \t])|"
    r"(?:i{1,3}|iv|vi{0,3}|ix|x|I{1,3}|IV|VI{0,3}|IX|X)[.)](?=[ \t])|[-•–—*▪●◦➢►✓→])[ \t]+"
)
ALTERNATIVE = re.compile(r"^[ \t]*(?:ou(?:\s+bien|\s+alors)?|autre\s+option|variante)[ \t]*:[ \t]*", re.I)


@dataclass(frozen=True)
class UnitContext:
    """Structure around one paragraph.

    ``number`` is the list marker as written (None for prose); ``depth`` is 1 for items of a
    top-level list, 2 for sub-items; ``in_proposal_list`` is True when the list was introduced
    by a proposal cue ("Nous proposons :") or sits in a proposition section; ``parent_is_proposal``
    is True for a sub-item whose parent item is a proposal; ``after_proposal`` is True when the
    paragraph right before this one held a proposal (used for "Ou :" alternatives).
    """

    section_kind: str | None = None
    number: str | None = None
    depth: int = 1
    in_proposal_list: bool = False
    parent_is_proposal: bool = False
    after_proposal: bool = False
    marker_end: int = 0


def ensure_extension() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


def context_of(doc: Doc) -> UnitContext:
    """The context set on ``doc``, or one read from the text itself (its list marker)."""
    ensure_extension()
    ctx = doc._.get(EXTENSION)
    if isinstance(ctx, UnitContext):
        return ctx
    match = MARKER.match(doc.text)
    if match:
        return UnitContext(number=match.group("marker"), marker_end=match.end())
    return UnitContext()


def marker_depth(marker: str | None) -> int:
    """1 for numbers ("1.", "2)"), 2 for letters and roman numerals in lower case, 3 for bullets."""
    if marker is None:
        return 0
    if marker[0].isdigit():
        return 1
    if marker[0].isalpha():
        return 2
    return 3


_ABBREVIATIONS = frozenset(
    ["m", "mm", "mme", "mmes", "mlle", "dr", "pr", "st", "ste", "cf", "art", "al", "etc", "ex", "p", "pp", "n", "no", "vol", "chap", "fig", "env", "av", "bd", "hab", "min", "max", "éd", "ed", "réf", "ref", "tél", "tel", "coll", "dir"]
)
_SENTENCE_END = re.compile(r"[.!?…]+[»\")\]]*(?=\s+[«\"(\[]?[A-ZÀ-ÖØ-Þ0-9•\-–])|\n+")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentences of a paragraph as ``(start, end)`` offsets, cut after ". ! ? …" followed by a
    capital, a digit or a dash, and at line breaks; abbreviations ("M.", "cf.", "art.") and
    initials do not end a sentence. Leading and trailing spaces are left out."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group(0)[0] != "\n" else match.start()
        if match.group(0)[0] == ".":
            before = re.search(r"(\w+)$", text[start : match.start()])
            word = before.group(1) if before else ""
            if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                continue
        _append(text, start, end, bounds)
        start = match.end()
    _append(text, start, len(text), bounds)
    return bounds


def _append(text: str, start: int, end: int, bounds: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    bounds.append((start + lead, start + lead + len(stripped)))


def sentences(doc: Doc) -> list[Span]:
    """The sentences of ``doc``: its own boundaries when set, else :func:`sentence_bounds`."""
    if doc.has_annotation("SENT_START"):
        return [s for s in doc.sents if any(not t.is_space for t in s)]
    spans = []
    for start, end in sentence_bounds(doc.text):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            spans.append(span)
    return spans
