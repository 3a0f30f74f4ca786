"""PDF reader (pdfplumber) for PDFs with a text layer.

Steps, per page then across pages:

1. words (with their font size) are grouped into lines by vertical overlap; raised words in
   a smaller font inside a line are candidate footnote markers;
2. running headers and footers are removed: lines near the top or bottom edge whose text
   repeats on at least half of the pages (exactly, or with a number that follows the page
   number: "Page 3", "3 / 12"), edge lines that are only a page number ("3", "Page 3",
   "3 / 12", "- 3 -", "p. 3"), and lines in a smaller font than the body within the top 8%
   or bottom 7% of the page (headers of one-page documents);
3. footnotes: a block of lines at the bottom of the page, in a smaller font than the body,
   whose first line starts with a marker ("1", "1.", a raised "1", "*"); each note is matched
   to a raised marker with the same text in the body (same page first), which is removed and
   becomes the anchor. Raised digits with no matching note stay in the text ("m2");
4. paragraphs are rebuilt: a new paragraph starts after a vertical gap larger than 1.3 times
   the usual line spacing, at a change of font size or weight, at a line starting with a list
   marker, and after a line that ended early on purpose (the next line's first word would
   have fitted before the right margin). Across a page break, the text continues the
   paragraph unless the last line ended early or ended a sentence;
5. hyphenated line ends are joined (see :func:`join_hyphenated`).
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from ess_nlp.errors import IngestError
from ess_nlp.ingest._build import Note, TextBuilder
from ess_nlp.ingest._limits import Limits, format_size, over_limit
from ess_nlp.ingest._lists import starts_with_marker
from ess_nlp.ingest._pdf_streams import StreamTooLarge, bounded_streams

logger = logging.getLogger(__name__)

WHAT = "PDF"
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_PAGE_NUMBER_RE = re.compile(
    r"^(?:(?:page|p\.)\s*)?[-–—]?\s*\d{1,4}\s*(?:(?:/|sur|de|of)\s*\d{1,4})?\s*[-–—]?$"
    r"|^(?-i:[ivxlc]{1,7})$",
    re.IGNORECASE,
)
_CID_RE = re.compile(r"\(cid:\d+\)")
_NOTE_MARKER_RE = re.compile(r"^[\[(]?(\d{1,3}|[*†‡]{1,3})[\])]?[.)]?$")
_RAISED_MARKER_RE = re.compile(r"^[\[(]?(\d{1,3}|[*†‡]{1,3})[\])]?$")
_NUMBER_RE = re.compile(r"\d+")
# Page margins where a line in a smaller font than the body is a header or footer even when
# it does not repeat (a one-page document): the top 8% and the bottom 7% of the page.
_HEADER_ZONE = 0.08
_FOOTER_ZONE = 0.93
_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_HYPHENS = ("-", "\u2010", "\u00ad")
_SENTENCE_END = tuple('.!?…:»"”')
_LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)
_URL_END_RE = re.compile(r"(?:https?://|www\.)\S*$")
_WORD_END_RE = re.compile(r"([^\W\d_]+(?:['’][^\W\d_]+)?)$")
_WORD_START_RE = re.compile(r"^([^\W\d_]+)")

# Elements of French compounds that a hyphen at a line end usually belongs to.
_COMPOUND_FIRST = {"peut", "vice", "demi", "semi", "quasi", "arrière", "grand", "grande", "après", "avant"}
_COMPOUND_SECOND = {
    "être", "ce", "ci", "là", "dessus", "dessous", "dedans", "dehors", "delà", "bas", "haut", "dire",
    "il", "ils", "elle", "elles", "on", "je", "tu", "nous", "vous", "t", "moi", "toi", "lui", "eux",
    "même", "mêmes", "à", "midi", "uns", "unes", "clé", "clés", "pilote", "pilotes",
}  # fmt: skip


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass
class _Line:
    words: list[_Word]
    page: int
    size: float = 0.0
    bold: bool = False
    top: float = 0.0
    bottom: float = 0.0
    x0: float = 0.0
    x1: float = 0.0
    raised: set[int] = field(default_factory=set)  # indexes of raised small words

    def finish(self) -> _Line:
        self.words.sort(key=lambda w: w.x0)
        weights: Counter[float] = Counter()
        for w in self.words:
            weights[round(w.size, 1)] += len(w.text)
        self.size = weights.most_common(1)[0][0]
        bold_chars = sum(len(w.text) for w in self.words if w.bold)
        self.bold = bold_chars > 0.5 * sum(len(w.text) for w in self.words)
        main = [w for w in self.words if abs(w.size - self.size) < 0.5] or self.words
        self.top = min(w.top for w in main)
        self.bottom = statistics.median(w.bottom for w in main)
        self.x0 = min(w.x0 for w in self.words)
        self.x1 = max(w.x1 for w in self.words)
        for i, w in enumerate(self.words):
            if w.size <= 0.85 * self.size and w.bottom < self.bottom - 0.15 * self.size:
                self.raised.add(i)
        return self

    def text(self, skip: set[int] | None = None) -> str:
        out = ""
        previous: _Word | None = None
        for i, w in enumerate(self.words):
            if skip and i in skip:
                continue
            if previous is not None and w.x0 - previous.x1 > 0.1 * self.size:
                out += " "
            out += w.text
            previous = w
        return out


@dataclass
class _NoteRef:
    """A raised marker in the body: becomes a footnote anchor if a note claims it."""

    marker: str
    page: int
    note: Note | None = None


def read_pdf(data: bytes, source: str, limits: Limits) -> tuple[TextBuilder, list[Note], int]:
    head = data[:1024]
    if b"%PDF-" not in head:
        raise IngestError(
            source, "ce n'est pas un PDF : la signature %PDF est absente (fichier renommé ou endommagé)"
        )
    with bounded_streams(limits):
        try:
            return _read_pdf(data, source, limits)
        except IngestError:
            raise
        except Exception as exc:
            too_large = _stream_too_large(exc)
            if too_large is None:
                raise
            raise _stream_error(source, too_large, limits) from exc


def _stream_too_large(exc: BaseException) -> StreamTooLarge | None:
    seen: BaseException | None = exc
    for _ in range(20):
        if seen is None:
            return None
        if isinstance(seen, StreamTooLarge):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _stream_error(source: str, exc: StreamTooLarge, limits: Limits) -> IngestError:
    if exc.limit_name == "max_compression_ratio":
        what = (
            f"PDF suspect (bombe de décompression ?) : un flux de {format_size(exc.compressed)} se décompresse "
            f"plus de {limits.max_compression_ratio:.0f} fois (limite {limits.max_compression_ratio:.0f}), "
            "le fichier n'a pas été lu"
        )
    else:
        what = (
            f"PDF suspect (bombe de décompression ?) : un flux dépasse {format_size(limits.max_unzipped_bytes)} "
            f"une fois décompressé (limite {format_size(limits.max_unzipped_bytes)}), le fichier n'a pas été lu"
        )
    return over_limit(source, what, exc.limit_name, limits)


def _read_pdf(data: bytes, source: str, limits: Limits) -> tuple[TextBuilder, list[Note], int]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect as exc:
        raise IngestError(
            source, "le PDF est protégé par un mot de passe ; fournissez une version non chiffrée"
        ) from exc
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        if _stream_too_large(exc) is not None:
            raise
        if _is_password_error(exc):
            raise IngestError(
                source, "le PDF est protégé par un mot de passe ; fournissez une version non chiffrée"
            ) from exc
        raise IngestError(source, "PDF endommagé ou illisible : sa structure ne peut pas être lue") from exc
    with pdf:
        try:
            pages = pdf.pages
            if len(pages) > limits.max_pdf_pages:
                raise IngestError(
                    source,
                    f"le PDF a {len(pages)} pages (limite {limits.max_pdf_pages}) ; découpez-le ou relevez la limite",
                )
            if not pages:
                raise IngestError(source, "PDF endommagé ou vide : aucune page")
            page_lines: list[list[_Line]] = []
            sizes: list[tuple[float, float]] = []
            has_images = False
            for number, page in enumerate(pages, start=1):
                lines = _page_lines(page, number)
                page_lines.append(lines)
                sizes.append((float(page.width), float(page.height)))
                has_images = has_images or bool(page.images)
                page.close()  # drop the page's parsed objects: memory stays flat on long PDFs
        except IngestError:
            raise
        except Exception as exc:
            if _stream_too_large(exc) is not None:
                raise
            if _is_password_error(exc):
                raise IngestError(
                    source, "le PDF est protégé par un mot de passe ; fournissez une version non chiffrée"
                ) from exc
            raise IngestError(
                source, "PDF endommagé ou illisible : sa structure ne peut pas être lue"
            ) from exc
    if not any(page_lines):
        hint = "des images sans couche texte (PDF scanné)" if has_images else "aucune couche texte"
        raise IngestError(
            source,
            f"aucun texte extractible : le PDF contient {hint} ; faites-le passer par une reconnaissance "
            "de caractères (OCR) avant de l'importer",
        )
    builder, notes = _assemble(page_lines, sizes)
    return builder, notes, len(page_lines)


def _is_password_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if "Password" in type(seen).__name__ or "Encryption" in type(seen).__name__:
            return True
        seen = seen.__cause__ or seen.__context__
        if seen is exc:
            break
    return False


def _page_lines(page: object, number: int) -> list[_Line]:
    words_raw = page.extract_words(  # type: ignore[attr-defined]
        x_tolerance=2,
        y_tolerance=2,
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["size", "upright", "fontname"],
    )
    words = [
        _Word(
            _CID_RE.sub("", w["text"]).translate(_LIGATURES),
            w["x0"],
            w["x1"],
            w["top"],
            w["bottom"],
            w["size"],
            bool(_BOLD_RE.search(w["fontname"])),
        )
        for w in words_raw
        if w.get("upright", True) and _CID_RE.sub("", w["text"]).strip()
    ]
    # Larger words first, so that a small raised marker joins the line it sits in rather than
    # starting a line of its own.
    words.sort(key=lambda w: (-round(w.size, 1), w.top, w.x0))
    lines: list[_Line] = []
    spans: list[list[float]] = []  # [top, bottom] of each line
    for word in words:
        mid = (word.top + word.bottom) / 2
        best: int | None = None
        for i, (top, bottom) in enumerate(spans):
            if top - 0.5 <= mid <= bottom + 0.5 and (
                best is None or abs(mid - sum(spans[i]) / 2) < abs(mid - sum(spans[best]) / 2)
            ):
                best = i
        if best is None:
            lines.append(_Line([word], number))
            spans.append([word.top, word.bottom])
        else:
            lines[best].words.append(word)
            if word.size >= 0.85 * lines[best].words[0].size:
                spans[best] = [min(spans[best][0], word.top), max(spans[best][1], word.bottom)]
    finished = [line.finish() for line in lines]
    finished.sort(key=lambda line: line.bottom)
    return finished


# --- headers, footers, page numbers ---------------------------------------------------------


def _edge_lines(lines: list[_Line], height: float) -> list[tuple[str, _Line]]:
    edges: list[tuple[str, _Line]] = []
    for line in lines[:3]:
        if line.bottom < 0.15 * height:
            edges.append(("top", line))
    for line in lines[-3:]:
        if line.top > 0.85 * height and all(line is not e for _, e in edges):
            edges.append(("bottom", line))
    return edges


def _running_lines(
    page_lines: list[list[_Line]], sizes: list[tuple[float, float]], body_size: float
) -> set[int]:
    """ids of header/footer/page-number lines to drop."""
    n_pages = len(page_lines)
    drop: set[int] = set()
    groups: dict[tuple[str, str], list[tuple[int, _Line, str]]] = {}
    for index, (lines, (_, height)) in enumerate(zip(page_lines, sizes, strict=True)):
        for zone, line in _edge_lines(lines, height):
            text = line.text().strip()
            in_margin = line.bottom < _HEADER_ZONE * height or line.top > _FOOTER_ZONE * height
            if _PAGE_NUMBER_RE.match(text) or (in_margin and line.size <= 0.95 * body_size):
                drop.add(id(line))
                continue
            key = _NUMBER_RE.sub("#", text.lower())
            groups.setdefault((zone, key), []).append((index + 1, line, text))
    needed = max(2, (n_pages + 1) // 2)
    for (_, key), members in groups.items():
        pages = {page for page, _, _ in members}
        if len(pages) < needed:
            continue
        texts = Counter(text for _, _, text in members)
        if "#" not in key or _follows_page_number(members):
            drop.update(id(line) for _, line, _ in members)
        else:  # numbers that do not follow the page: only lines repeated verbatim
            common, count = texts.most_common(1)[0]
            if count >= needed:
                drop.update(id(line) for _, line, text in members if text == common)
    return drop


def _follows_page_number(members: list[tuple[int, _Line, str]]) -> bool:
    numbers = [[int(n) for n in _NUMBER_RE.findall(text)] for _, _, text in members]
    width = min(len(n) for n in numbers)
    for position in range(width):
        offsets = {nums[position] - page for nums, (page, _, _) in zip(numbers, members, strict=True)}
        if len(offsets) == 1:
            return True
    return False


# --- footnotes ------------------------------------------------------------------------------


def _split_notes(lines: list[_Line], body_size: float) -> tuple[list[_Line], list[tuple[str, list[_Line]]]]:
    """Separate the footnote block at the bottom of a page from the body lines."""
    start = len(lines)
    while start > 0 and lines[start - 1].size < 0.9 * body_size:
        start -= 1
    if start == len(lines) or start == 0:
        return lines, []
    zone = lines[start:]
    if _line_marker(zone[0]) is None:
        return lines, []
    notes: list[tuple[str, list[_Line]]] = []
    for line in zone:
        marker = _line_marker(line)
        if marker is not None:
            notes.append((marker, [line]))
        else:
            notes[-1][1].append(line)
    return lines[:start], notes


def _line_marker(line: _Line) -> str | None:
    first = line.words[0]
    match = _NOTE_MARKER_RE.match(first.text)
    if match and (0 in line.raised or len(line.words) > 1):
        return match.group(1)
    return None


def _note_text(lines: list[_Line], vocabulary: set[str]) -> str:
    pieces: list[_Piece] = []
    for i, line in enumerate(lines):
        _append_line(pieces, [line.text(skip={0}) if i == 0 else line.text()], vocabulary)
    return "".join(p for p in pieces if isinstance(p, str))


# --- assembly -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageStart:
    """Mark payload: the first character that came from page ``number``."""

    number: int


_Piece = str | Note | PageStart


def _assemble(
    page_lines: list[list[_Line]], sizes: list[tuple[float, float]]
) -> tuple[TextBuilder, list[Note]]:
    body_size = _body_size(page_lines, sizes)
    drop = _running_lines(page_lines, sizes, body_size)
    bodies: list[list[_Line]] = []
    page_notes: list[list[tuple[str, list[_Line]]]] = []
    for lines in page_lines:
        body, notes_here = _split_notes([line for line in lines if id(line) not in drop], body_size)
        bodies.append(body)
        page_notes.append(notes_here)
    vocabulary = _vocabulary(bodies)
    notes, anchors, orphans = _match_notes(bodies, page_notes, vocabulary)
    left, right = _text_block(bodies, body_size, statistics.median(w for w, _ in sizes))
    pitch = _line_pitch(bodies, body_size)

    builder = TextBuilder()
    current: list[_Piece] = []
    previous: _Line | None = None
    block_right = 0.0  # right end of the widest line of the current paragraph

    def flush() -> None:
        builder.paragraph_break()
        for piece in current:
            if isinstance(piece, str):
                builder.add(piece)
            else:
                builder.mark(piece)
        builder.paragraph_break()
        current.clear()

    for page_index, body in enumerate(bodies):
        page_mark: PageStart | None = PageStart(page_index + 1)
        for line_index, line in enumerate(body):
            if previous is not None and _new_paragraph(
                previous, line, left, right, block_right, pitch, body_size
            ):
                flush()
                block_right = 0.0
            block_right = max(block_right, line.x1)
            pieces: list[_Piece] = []
            if page_mark is not None:
                pieces.append(page_mark)
                page_mark = None
            pieces.extend(_line_pieces(line, page_index, line_index, anchors))
            _append_line(current, pieces, vocabulary)
            previous = line
        if page_mark is not None:  # a page without body text
            flush()
            current.append(page_mark)
        current.extend(orphans.get(page_index, []))
    flush()
    return builder, notes


def _body_size(page_lines: list[list[_Line]], sizes: list[tuple[float, float]]) -> float:
    """The most used font size outside the page margins."""
    weights: Counter[float] = Counter()
    for lines, (_, height) in zip(page_lines, sizes, strict=True):
        for line in lines:
            if _HEADER_ZONE * height <= line.bottom and line.top <= _FOOTER_ZONE * height:
                weights[line.size] += sum(len(w.text) for w in line.words)
    return weights.most_common(1)[0][0] if weights else 10.0


def _match_notes(
    bodies: list[list[_Line]], page_notes: list[list[tuple[str, list[_Line]]]], vocabulary: set[str]
) -> tuple[list[Note], dict[tuple[int, int, int], Note], dict[int, list[Note]]]:
    """Pair each note with a raised marker of the same text, on its page first, else on an
    earlier page. Returns the notes, the anchors ((page, line, word) of the marker -> note) and
    the notes no marker claims, by page."""
    notes: list[Note] = []
    refs: list[tuple[tuple[int, int, int], _NoteRef]] = []
    orphans: dict[int, list[Note]] = {}
    for page_index, (body, notes_here) in enumerate(zip(bodies, page_notes, strict=True)):
        for line_index, line in enumerate(body):
            for word_index in sorted(line.raised):
                match = _RAISED_MARKER_RE.match(line.words[word_index].text)
                if match:
                    refs.append(((page_index, line_index, word_index), _NoteRef(match.group(1), page_index)))
        for marker, note_lines in notes_here:
            note = Note(marker, _note_text(note_lines, vocabulary))
            notes.append(note)
            free = [ref for _, ref in refs if ref.note is None and ref.marker == marker]
            same_page = [ref for ref in free if ref.page == page_index]
            chosen = same_page[0] if same_page else (free[-1] if free else None)
            if chosen is not None:
                chosen.note = note
            else:
                orphans.setdefault(page_index, []).append(note)
    anchors = {position: ref.note for position, ref in refs if ref.note is not None}
    return notes, anchors, orphans


def _line_pieces(
    line: _Line, page_index: int, line_index: int, anchors: dict[tuple[int, int, int], Note]
) -> list[_Piece]:
    pieces: list[_Piece] = []
    text = ""
    previous: _Word | None = None
    for word_index, word in enumerate(line.words):
        note = anchors.get((page_index, line_index, word_index))
        if note is not None:
            pieces.extend([text, note])
            text = ""
            previous = word
            continue
        if previous is not None and word.x0 - previous.x1 > 0.1 * line.size:
            text += " "
        text += word.text
        previous = word
    pieces.append(text)
    return [p for p in pieces if not isinstance(p, str) or p]


def _append_line(current: list[_Piece], pieces: list[_Piece], vocabulary: set[str]) -> None:
    """Append a line to a paragraph, joining a hyphenated word split across the line end."""
    last = max((i for i, p in enumerate(current) if isinstance(p, str)), default=None)
    first = next((p for p in pieces if isinstance(p, str)), "")
    if last is None:
        current.extend(pieces)
        return
    left_text = current[last]
    assert isinstance(left_text, str)
    left_text = left_text.rstrip()
    separator = " "
    if (
        left_text.endswith(_HYPHENS)
        and _LETTER_RE.match(left_text[-2:-1] or " ")
        and _LETTER_RE.match(first[:1] or " ")
    ):
        left = _WORD_END_RE.search(left_text[:-1])
        right = _WORD_START_RE.match(first)
        separator = ""
        if left_text.endswith("\u00ad") or (
            left and right and not _URL_END_RE.search(left_text[:-1])  # a web address keeps its hyphens
            and join_hyphenated(left.group(1), right.group(1), vocabulary)
        ):
            left_text = left_text[:-1]
        elif left_text.endswith("\u2010"):
            left_text = left_text[:-1] + "-"
    current[last] = left_text
    # Marks stay next to the text they follow; the separator goes before the new line.
    current.append(separator)
    current.extend(pieces)


def join_hyphenated(left: str, right: str, vocabulary: set[str]) -> bool:
    """Should "left-" at a line end and "right" at the next line start be one word without hyphen?

    Decided in this order: a capitalised second part keeps the hyphen ("Deux-Sèvres",
    "Saint-Étienne"); a form seen elsewhere in the document decides (the joined word, e.g.
    "coopération", or the hyphenated one, e.g. "mots-clés"); a known compound element keeps the
    hyphen ("peut-être", "c'est-à-dire", "celle-ci", "vice-président", "pouvons-nous"); otherwise
    the hyphen is a line-end hyphenation and the word is joined ("coopé-ration" -> "coopération").
    """
    if right[:1].isupper():
        return False
    joined = (left + right).lower()
    hyphenated = f"{left}-{right}".lower()
    if joined in vocabulary:
        return True
    if hyphenated in vocabulary:
        return False
    left_word = re.split(r"['’]", left.lower())[-1]
    return not (left_word in _COMPOUND_FIRST or right.lower() in _COMPOUND_SECOND)


def _vocabulary(bodies: list[list[_Line]]) -> set[str]:
    words: set[str] = set()
    for body in bodies:
        for line in body:
            tokens = line.text().split()
            if tokens and tokens[-1].endswith(_HYPHENS):
                tokens = tokens[:-1]  # a line-end fragment is not a word
            for token in tokens[1:] if tokens else []:
                words.add(token.strip(".,;:!?()[]«»\"“”'’…").lower())
            if tokens:
                words.add(tokens[0].strip(".,;:!?()[]«»\"“”'’…").lower())
    words.discard("")
    return words


def _text_block(bodies: list[list[_Line]], body_size: float, page_width: float) -> tuple[float, float]:
    """Left and right edges of the body text.

    The left edge is the 10th percentile of line starts; the right edge the 90th percentile
    of line ends, or, with fewer than 5 lines to measure, the mirror of the left margin.
    """
    lines = [line for body in bodies for line in body if abs(line.size - body_size) < 0.5] or [
        line for body in bodies for line in body
    ]
    if not lines:
        return 0.0, page_width
    x0s = sorted(line.x0 for line in lines)
    x1s = sorted(line.x1 for line in lines)
    left = x0s[len(x0s) // 10]
    right = x1s[min(len(x1s) - 1, (len(x1s) * 9) // 10)]
    return left, right if len(lines) >= 5 else max(right, page_width - left)


def _line_pitch(bodies: list[list[_Line]], body_size: float) -> float:
    gaps = []
    for body in bodies:
        for a, b in itertools.pairwise(body):
            if abs(a.size - body_size) < 0.5 and abs(b.size - body_size) < 0.5:
                gap = b.bottom - a.bottom
                if 0 < gap < 3 * body_size:
                    gaps.append(gap)
    return statistics.median(gaps) if gaps else 1.2 * body_size


def _new_paragraph(
    prev: _Line, line: _Line, left: float, right: float, block_right: float, pitch: float, body_size: float
) -> bool:
    text = line.text()
    if starts_with_marker(text):
        return True
    if abs(line.size - prev.size) > 0.05 * max(line.size, prev.size) or line.bold != prev.bold:
        return True
    if " | " in text and " | " in prev.text():  # rows of a table typed as "cell | cell"
        return True
    heading = prev.size > 1.1 * body_size
    # The previous line ended early on purpose when the next line's first word would have fit
    # before the right edge: the text block's, or an indented block's own (a quotation).
    indented = min(prev.x0, line.x0) > left + prev.size
    edge = max(block_right, line.x1) if indented else right
    first = line.words[0]
    short = edge - prev.x1 > (first.x1 - first.x0) + 0.5 * prev.size
    if line.page != prev.page:
        return short or prev.text().rstrip().endswith(_SENTENCE_END)
    gap = line.bottom - prev.bottom
    expected = pitch * max(line.size, prev.size) / body_size
    if gap > 1.3 * expected or gap < 0:
        return True
    return short and not heading
