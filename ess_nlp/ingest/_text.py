"""Plain text (.txt) and Markdown (.md) readers."""

from __future__ import annotations

import re

from ess_nlp.ingest._build import Note, TextBuilder
from ess_nlp.ingest._lists import starts_with_marker

# --- shared ---------------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` with any newline convention; a form feed separates paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    return text.split("\n")


def write_with_markers(
    builder: TextBuilder, paragraph: str, marker_re: re.Pattern[str], pending: list[Note]
) -> None:
    """Write ``paragraph``, replacing markers of pending notes by footnote marks.

    Occurrences are matched to ``pending`` notes in order (a matched note leaves the list);
    a marker with no pending note is kept as text.
    """
    builder.paragraph_break()
    pos = 0
    for match in marker_re.finditer(paragraph):
        note = next((n for n in pending if n.marker == match.group(1)), None)
        if note is None:
            continue
        builder.add(paragraph[pos : match.start()])
        builder.mark(note)
        pending.remove(note)
        pos = match.end()
    builder.add(paragraph[pos:])
    builder.paragraph_break()


# --- .txt -----------------------------------------------------------------------------------

_NOTES_HEADING_RE = re.compile(r"^\s*(notes?|notes de bas de page|références)\s*:?\s*$", re.IGNORECASE)
_TXT_NOTE_RE = re.compile(r"^\s*\[(\w{1,4})\]\s*(.*)$")
_TXT_MARKER_RE = re.compile(r"\[(\w{1,4})\]")
_SENTENCE_END = tuple('.!?:;…»"”)')
# Lines longer than this are not hard-wrapped prose: each line is its own paragraph.
_MAX_WRAP_WIDTH = 110


def read_txt_text(text: str) -> tuple[TextBuilder, list[Note]]:
    """Body paragraphs and notes. Each notes block serves the markers of the text before it
    (back to the previous block), so a compiled file may hold one block per cahier."""
    segments = split_txt_notes(split_lines(text))
    all_lines = [line for body, _ in segments for line in body]
    width, edge = max((len(line.rstrip()) for line in all_lines), default=0), wrap_edge(all_lines)
    builder = TextBuilder()
    notes: list[Note] = []
    for body, segment_notes in segments:
        notes.extend(segment_notes)
        pending = list(segment_notes)
        for paragraph in txt_paragraphs(body, width, edge):
            write_with_markers(builder, paragraph, _TXT_MARKER_RE, pending)
    return builder, notes


def split_txt_notes(lines: list[str]) -> list[tuple[list[str], list[Note]]]:
    """Cut the text into (body lines, notes) segments at its notes blocks.

    A notes block is a line "Notes" (or "Note", "Notes de bas de page", "Références") followed
    by "[1] text" lines; a line that does not start with a marker continues the previous note
    unless a blank line separates them, which ends the block. A trailing run of "[1] text"
    lines without heading is a notes block too when every marker occurs in the text before it.
    """
    segments: list[tuple[list[str], list[Note]]] = []
    body: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        first_note = _next_nonblank(lines, i + 1)
        if _NOTES_HEADING_RE.match(line) and first_note is not None and _TXT_NOTE_RE.match(lines[first_note]):
            notes, i = _read_notes(lines, first_note)
            segments.append((body, notes))
            body = []
            continue
        body.append(line)
        i += 1
    trailing = _trailing_notes(body)
    if trailing is not None:
        body, notes = trailing
        segments.append((body, notes))
        body = []
    if body or not segments:
        segments.append((body, []))
    return segments


def _next_nonblank(lines: list[str], start: int) -> int | None:
    return next((j for j in range(start, len(lines)) if lines[j].strip()), None)


def _read_notes(lines: list[str], start: int) -> tuple[list[Note], int]:
    """Notes from ``start``; returns them and the index of the first line after the block."""
    notes: list[Note] = []
    i = start
    blank_before = False
    while i < len(lines):
        line = lines[i]
        match = _TXT_NOTE_RE.match(line)
        if match:
            notes.append(Note(match.group(1), match.group(2).strip()))
        elif not line.strip():
            blank_before = True
            i += 1
            continue
        elif blank_before or not notes:
            break
        else:
            notes[-1].text += " " + line.strip()
        blank_before = False
        i += 1
    return notes, i


def _trailing_notes(lines: list[str]) -> tuple[list[str], list[Note]] | None:
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    j = len(nonblank)
    while j > 0 and _TXT_NOTE_RE.match(lines[nonblank[j - 1]]):
        j -= 1
    if j in (0, len(nonblank)):
        return None
    first = nonblank[j]
    body_text = "\n".join(lines[:first])
    notes, _ = _read_notes(lines, first)
    if not all(f"[{note.marker}]" in body_text for note in notes):
        return None
    return lines[:first], notes


def txt_paragraphs(lines: list[str], width: int | None = None, edge: int | None = None) -> list[str]:
    """Group lines into paragraphs.

    Blank lines separate paragraphs. Inside a block, a line is its own paragraph unless the
    text is hard-wrapped: then a line continues the previous one when that one is long (at
    least 60% of the wrapping width ``edge``, 80% if it ends a sentence; see :func:`wrap_edge`),
    the line does not start with a list marker, and it does not open with a capital word that
    would have fit at the end of the previous line: a line broken before the margin was broken
    on purpose (« 4) Organisation de l'État » then « Maintenir les bureaux de poste… »), as the
    PDF reader decides from positions. Text whose widest line (``width``) exceeds 110
    characters is not wrapped, so every line is a paragraph. ``width`` and ``edge`` are those of
    the whole text (default: of ``lines``).
    """
    if width is None:
        width = max((len(line.rstrip()) for line in lines), default=0)
    if edge is None:
        edge = wrap_edge(lines)
    wrapped = width <= _MAX_WRAP_WIDTH
    paragraphs: list[str] = []
    current: list[str] = []
    previous = ""
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            previous = ""
            continue
        if (current and wrapped and not starts_with_marker(stripped) and _is_long(previous, edge)
                and not _would_have_fit(previous, stripped, edge)):
            current.append(stripped)
        else:
            if current:
                paragraphs.append(" ".join(current))
            current = [stripped]
        previous = line
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def wrap_edge(lines: list[str]) -> int:
    """The width a hard-wrapped text was wrapped at: its widest line, or with 20 lines or more
    the 95th percentile of their lengths, so that one unbreakable long line (a web address)
    does not widen it. An edge below the true one only joins lines more often."""
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    if len(lengths) < 20:
        return lengths[-1] if lengths else 0
    return lengths[(len(lengths) * 95) // 100 - 1]


def _would_have_fit(previous: str, line: str, edge: int) -> bool:
    """Whether ``line`` opens with a capital word that would have fit after ``previous`` within
    ``edge`` characters. A line opening in lower case continues a sentence whatever the edge (a
    title typed wider than the wrapped text widens the edge)."""
    first = line.split(maxsplit=1)[0]
    return first[:1].isupper() and len(previous.rstrip()) + 1 + len(first) <= edge


def _is_long(line: str, width: int) -> bool:
    line = line.rstrip()
    threshold = 0.8 if line.endswith(_SENTENCE_END) else 0.6
    return len(line) >= threshold * width and len(line) >= 30


# --- .md ------------------------------------------------------------------------------------

_MD_NOTE_DEF_RE = re.compile(r"^\s{0,3}\[\^([^\]\s]+)\]:\s?(.*)$")
_MD_MARKER_RE = re.compile(r"\[\^([^\[\]\s^]+)\]")
_MD_ATX_RE = re.compile(r"^\s{0,3}#{1,6}(?:\s+(.*))?$")
_MD_SETEXT_RE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MD_HR_RE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_MD_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
_MD_BULLET_RE = re.compile(r"^\s*[*+-]\s+(.*)$")
_MD_ORDERED_RE = re.compile(r"^\s*(\d{1,9}[.)])\s+(.*)$")
_MD_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MD_QUOTE_RE = re.compile(r"^\s{0,3}>\s?")

# Bracket contents exclude brackets and parentheses exclude parentheses: each match attempt
# stops at the next bracket, so a line of a hundred thousand "[" costs linear time, not quadratic.
_MD_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[([^\[\]]*)\]\([^()]*\)"), r"\1"),
    (re.compile(r"\[([^\[\]^][^\[\]]*)\]\([^()]*\)"), r"\1"),
    (re.compile(r"<(https?://[^<>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    # Emphasis spans are bounded (300 characters): unbounded lazy spans make a line of many
    # unmatched markers quadratic.
    (re.compile(r"\*\*(?=\S)(.{1,300}?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"__(?=\S)(.{1,300}?)(?<=\S)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.{1,300}?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.{1,300}?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"</?[a-zA-Z][^<>]*>"), " "),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), r"\1"),
)


def md_inline(text: str) -> str:
    for pattern, repl in _MD_INLINE:
        text = pattern.sub(repl, text)
    return text


def read_md_text(text: str) -> tuple[TextBuilder, list[Note]]:
    lines = split_lines(text)
    body: list[str] = []
    notes: list[Note] = []
    in_note = False
    for line in lines:
        match = _MD_NOTE_DEF_RE.match(line)
        if match:
            notes.append(Note(match.group(1), md_inline(match.group(2))))
            in_note = True
        elif in_note and line.startswith(("    ", "\t")) and line.strip():
            notes[-1].text += " " + md_inline(line.strip())
        else:
            in_note = in_note and not line.strip()
            body.append(line)
    builder = TextBuilder()
    pending = list(notes)
    for paragraph in md_paragraphs(body):
        write_with_markers(builder, paragraph, _MD_MARKER_RE, pending)
    return builder, notes


def _atx_title(text: str) -> str:
    """A heading's text without its optional closing "#" sequence (one preceded by a space)."""
    text = text.rstrip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1].isspace()):
        text = bare.rstrip()
    return text


def md_paragraphs(lines: list[str]) -> list[str]:  # noqa: C901 - a line-by-line state machine
    """Markdown blocks to paragraphs: soft-wrapped lines joined, headings, list items and
    table rows on their own, markup removed (emphasis, links, images, code, HTML tags)."""
    paragraphs: list[str] = []
    current: list[str] = []
    in_fence = False

    def flush() -> None:
        if current:
            paragraphs.append(md_inline(" ".join(current)))
            current.clear()

    for raw in lines:
        if _MD_FENCE_RE.match(raw):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            if raw.strip():
                paragraphs.append(raw.strip())
            continue
        line = _MD_QUOTE_RE.sub("", raw)
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        atx = _MD_ATX_RE.match(line)
        if atx:
            flush()
            paragraphs.append(md_inline(_atx_title(atx.group(1) or "")))
            continue
        if current and _MD_SETEXT_RE.match(line) and len(current) == 1 and not starts_with_marker(current[0]):
            paragraphs.append(md_inline(current[0]))
            current.clear()
            continue
        if _MD_HR_RE.match(line):
            flush()
            paragraphs.append(stripped)
            continue
        if stripped.startswith("|"):
            flush()
            if not _MD_TABLE_SEP_RE.match(stripped):
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                paragraphs.append(md_inline(" | ".join(cells)))
            continue
        bullet = _MD_BULLET_RE.match(line)
        ordered = _MD_ORDERED_RE.match(line)
        if bullet and not _MD_HR_RE.match(line):
            flush()
            current.append("- " + bullet.group(1).strip())
        elif ordered:
            flush()
            current.append(f"{ordered.group(1)} {ordered.group(2).strip()}")
        else:
            current.append(stripped)
        if raw.endswith(("  ", "\\")):
            if current and current[-1].endswith("\\"):
                current[-1] = current[-1][:-1]
            flush()
    flush()
    return [p for p in paragraphs if p.strip()]
