"""Ingestion: turn source files into :class:`~ess_nlp.records.Document` (plain text + provenance).

Formats: ``.txt``, ``.md``, ``.docx``, ``.odt``, ``.pdf`` (with a text layer), ``.html``/``.htm``,
and tabular form exports ``.csv``/``.xlsx`` (one cahier per row, columns mapped by a
:class:`ColumnMapping`, read from a sidecar ``<name>.columns.yaml`` when there is one).

Text conventions (the contract every offset relies on; ``Document.text`` is what
``ess-nlp text FILE`` prints):

- Paragraphs are separated by exactly one blank line (``"\\n\\n"``) and never contain a
  newline themselves, so ``text.split("\\n\\n")`` gives the paragraphs. Inside a paragraph,
  every run of whitespace (including no-break and thin spaces, tabs and line breaks the
  reader joined) is one ASCII space; there is no leading or trailing space. Text is in
  Unicode NFC; control characters, zero-width characters, soft hyphens and byte-order marks
  are removed.
- Headings (Word/ODF heading styles, HTML ``h1``-``h6``, Markdown ``#``) are paragraphs of
  their own, written as they appear (Markdown ``#`` removed).
- Each list item is its own paragraph and starts with its visible marker followed by one
  space: "1. ", "2) ", "a) ", "iv. ", "- ", "• ". Automatic numbering (Word numbering.xml,
  ODF list styles, HTML ``<ol>``) is computed and written as text; automatic bullets are
  written "• " (or the dash they use). A list item's further paragraphs carry no marker; an
  empty item counts in the numbering but leaves no bare marker.
- A table row is one paragraph, its non-empty cells (trailing empty cells dropped) joined
  by " | "; a cell's paragraphs are joined by a space.
- Footnotes and endnotes are not in the body: their markers are removed and each note goes
  to ``Document.footnotes`` with its marker as shown ("1", "*", "i") and the offset where the
  marker stood (just after the word it followed). Sources: Word footnotes/endnotes, ODF
  ``text:note``, HTML ``<sup><a href="#fn1">`` references with their notes list, Markdown
  ``[^1]`` with ``[^1]: text`` definitions, plain text ``[1]`` markers with a "Notes" block
  of ``[1] text`` lines after them (one block per cahier in a compiled file), PDF raised
  small markers with small-font notes at the bottom of the page. Footnotes are sorted by
  anchor; a note whose marker is not found is anchored at the end of its page (PDF) or of
  the text.
- Metadata: ``encoding`` (text, HTML, CSV), ``pages`` (PDF), ``rows`` (CSV/XLSX).
- Plain text: blank lines separate paragraphs; a line break inside a block is kept as a
  paragraph break unless the text is hard-wrapped (see :func:`ess_nlp.ingest._text.txt_paragraphs`).
  Markdown: soft-wrapped lines are joined as Markdown does; emphasis, links, images and
  inline HTML are reduced to their text.
- PDF: running headers, footers and page numbers removed, hyphenated line ends joined
  (see :func:`ess_nlp.ingest._pdf.join_hyphenated`), paragraphs rebuilt from vertical gaps,
  line starts and line lengths, ``Document.pages`` gives each page's span.
- CSV/XLSX: one :class:`~ess_nlp.records.Part` per row: the title, then each non-empty text
  column's name as a paragraph followed by the cell's lines (see :mod:`ess_nlp.ingest._tabular`);
  ``Part.fields`` spans run from the column name to the end of the cell.

Bad input raises :class:`~ess_nlp.errors.IngestError` whose message is one French sentence
naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ess_nlp.errors import ConfigError, IngestError, system_reason
from ess_nlp.ingest._build import Built, Note
from ess_nlp.ingest._columns import (
    SIDECAR_SUFFIX,
    ColumnMapping,
    TextColumn,
    default_mapping,
    mapping_summary,
    sidecar_path,
)
from ess_nlp.ingest._docx import read_docx
from ess_nlp.ingest._encoding import decode_text
from ess_nlp.ingest._html import read_html
from ess_nlp.ingest._limits import DEFAULT_LIMITS, LIMITS_ENV, Limits, check_file_size, check_text_length
from ess_nlp.ingest._names import source_name
from ess_nlp.ingest._odt import read_odt
from ess_nlp.ingest._pdf import PageStart, read_pdf
from ess_nlp.ingest._tabular import RowMark, Table, read_csv_table, read_xlsx_table, row_metadata, write_table
from ess_nlp.ingest._text import read_md_text, read_txt_text
from ess_nlp.records import Document, Footnote, Page, Part

__all__ = [
    "LIMITS_ENV",
    "SUPPORTED_EXTENSIONS",
    "ColumnMapping",
    "Limits",
    "TextColumn",
    "default_mapping",
    "is_supported",
    "iter_source_files",
    "mapping_summary",
    "read_bytes",
    "read_document",
    "source_name",
]

logger = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS: tuple[str, ...] = (
    ".txt",
    ".md",
    ".docx",
    ".odt",
    ".pdf",
    ".html",
    ".htm",
    ".csv",
    ".xlsx",
)
_FORMATS = {".htm": "html"}


def is_supported(path: str | Path) -> bool:
    """True when the file's extension is one :func:`read_document` reads."""
    return Path(path).suffix.lower() in SUPPORTED_EXTENSIONS


def iter_source_files(paths: Iterable[str | Path], *, outside: list[Path] | None = None) -> Iterator[Path]:
    """Files to ingest under ``paths``: files as given, folders walked recursively in sorted order.

    Inside folders, hidden files and folders (name starting with "."), Office lock files
    ("~$name.docx") and column-mapping sidecars (``*.columns.yaml``) are skipped. Files with
    an unsupported extension are yielded too, so that the caller reports them (reading one
    raises an :class:`IngestError`; :func:`is_supported` tells them apart beforehand). A path
    that does not exist is yielded as given and fails when read.

    A symbolic link found in a folder is followed only when its target lies inside that
    folder: the others (a link to ``/etc/passwd`` dropped in a shared folder) are not yielded
    but appended to ``outside``, for the caller to report.
    """
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield path
            continue
        found: list[Path] = []
        root = path.resolve()
        for folder, dirs, files in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in files:
                if name.startswith((".", "~$")) or name.endswith(SIDECAR_SUFFIX):
                    continue
                candidate = Path(folder) / name
                if candidate.is_symlink() and not _inside(candidate, root):
                    if outside is not None:
                        outside.append(candidate)
                    continue
                found.append(candidate)
        yield from sorted(found, key=lambda p: p.relative_to(path).parts)


def _inside(link: Path, root: Path) -> bool:
    try:
        return link.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop of links: reading it reports it
        return True


def read_document(
    path: str | Path,
    *,
    limits: Limits | None = None,
    columns: ColumnMapping | None = None,
    source: str | None = None,
) -> Document:
    """Read one source file into a :class:`~ess_nlp.records.Document`.

    ``source`` (default: the path as given) is recorded as the document's source and named in
    error messages. For ``.csv``/``.xlsx``, ``columns`` defaults to the sidecar
    ``<name>.columns.yaml`` beside the file, else to :func:`default_mapping`.
    Raises :class:`IngestError` for anything unreadable, including an invalid sidecar.
    """
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    name = source if source is not None else source_name(path)
    _check_extension(path.name, name)
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise IngestError(name, "fichier introuvable") from exc
    except OSError as exc:
        raise IngestError(name, f"fichier inaccessible ({_os_reason(exc)})") from exc
    if path.is_dir():
        raise IngestError(name, "c'est un dossier, pas un fichier")
    if not path.is_file():
        raise IngestError(name, "ce n'est pas un fichier ordinaire (tube, périphérique ou socket), il n'est pas lu")
    check_file_size(size, name, limits)
    if columns is None and path.suffix.lower() in {".csv", ".xlsx"}:
        sidecar = sidecar_path(path)
        if sidecar.is_file():
            try:
                columns = ColumnMapping.load(sidecar)
            except ConfigError as exc:
                raise IngestError(
                    name, f"la correspondance des colonnes {sidecar.name} est invalide : {exc}"
                ) from exc
    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise IngestError(name, f"lecture impossible ({_os_reason(exc)})") from exc
    return _read(data, name, path.name, limits, columns)


def read_bytes(
    data: bytes,
    name: str,
    *,
    limits: Limits | None = None,
    columns: ColumnMapping | None = None,
) -> Document:
    """Read a source held in memory (an upload); ``name`` gives the format by its extension and
    is recorded as the source."""
    limits = limits or DEFAULT_LIMITS
    _check_extension(name, name)
    return _read(data, name, name, limits, columns)


def _os_reason(exc: OSError) -> str:
    """The French reason of an operating-system error (:func:`ess_nlp.errors.system_reason`)."""
    found = system_reason(exc)
    return found[0] if found else str(exc)


def _check_extension(filename: str, source: str) -> None:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        shown = f"l'extension « {suffix} »" if suffix else "l'absence d'extension"
        raise IngestError(
            source,
            f"format non pris en charge ({shown}) ; formats acceptés : {', '.join(SUPPORTED_EXTENSIONS)}",
        )


def _read(data: bytes, source: str, filename: str, limits: Limits, columns: ColumnMapping | None) -> Document:
    check_file_size(len(data), source, limits)
    if data.isspace():
        raise IngestError(
            source, "le fichier ne contient que des espaces ou des lignes vides, il n'y a rien à lire"
        )
    suffix = Path(filename).suffix.lower()
    fmt = _FORMATS.get(suffix, suffix.lstrip("."))
    sha256 = hashlib.sha256(data).hexdigest()
    metadata: dict[str, str] = {}
    pages: tuple[Page, ...] = ()
    parts: tuple[Part, ...] = ()
    if fmt in {"txt", "md"}:
        text, encoding = decode_text(data, source)
        check_text_length(len(text), source, limits)
        metadata["encoding"] = encoding
        builder, notes = read_txt_text(text) if fmt == "txt" else read_md_text(text)
        built = builder.build()
    elif fmt == "docx":
        builder, notes = read_docx(data, source, limits)
        built = builder.build()
    elif fmt == "odt":
        builder, notes = read_odt(data, source, limits)
        built = builder.build()
    elif fmt == "html":
        builder, notes, encoding = read_html(data, source, limits)
        metadata["encoding"] = encoding
        built = builder.build()
    elif fmt == "pdf":
        builder, notes, page_count = read_pdf(data, source, limits)
        built = builder.build()
        pages = _pages(built, page_count)
        metadata["pages"] = str(page_count)
    else:  # csv, xlsx
        table = (
            read_csv_table(data, source, limits, columns)
            if fmt == "csv"
            else read_xlsx_table(data, source, limits, columns)
        )
        builder, mapping = write_table(table, source, columns)
        built = builder.build()
        parts = _parts(built, table, mapping)
        notes = []
        metadata["rows"] = str(len(parts))
        metadata["columns"] = mapping_summary(mapping, table.header, table.rows, guessed=columns is None)
        if table.encoding:
            metadata["encoding"] = table.encoding
    if not built.text:
        raise IngestError(source, "aucun texte n'a pu être extrait du fichier (document vide)")
    check_text_length(len(built.text), source, limits)
    logger.debug("%s: %s, %d characters, %d footnotes", source, fmt, len(built.text), len(notes))
    return Document(
        source=source,
        text=built.text,
        format=fmt,
        sha256=sha256,
        pages=pages,
        footnotes=_footnotes(built, notes),
        parts=parts,
        metadata=metadata,
    )


def _footnotes(built: Built, notes: list[Note]) -> tuple[Footnote, ...]:
    anchors = {id(payload): offset for payload, offset in built.marks if isinstance(payload, Note)}
    found = []
    for order, note in enumerate(notes):
        anchor = anchors.get(id(note), len(built.text))
        found.append((anchor, order, Footnote(marker=note.marker, text=note.text.strip(), anchor=anchor)))
    return tuple(footnote for _, _, footnote in sorted(found, key=lambda item: item[:2]))


def _pages(built: Built, page_count: int) -> tuple[Page, ...]:
    starts = {}
    for payload, offset in built.marks:
        if isinstance(payload, PageStart):
            # A page that starts inside a paragraph starts after the joining space.
            starts[payload.number] = offset + 1 if built.text[offset : offset + 1] == " " else offset
    pages = []
    previous = 0
    for number in range(1, page_count + 1):
        start = max(starts.get(number, previous), previous)
        pages.append([number, start])
        previous = start
    return tuple(
        Page(number, 0 if i == 0 else start, pages[i + 1][1] if i + 1 < len(pages) else len(built.text))
        for i, (number, start) in enumerate(pages)
    )


def _parts(built: Built, table: Table, mapping: ColumnMapping) -> tuple[Part, ...]:
    @dataclass
    class Span:
        start: int = 0
        end: int = 0
        title: str | None = None
        fields: list[tuple[str, str, int, int]] = field(default_factory=list)
        open_field: int | None = None

    spans: dict[int, Span] = {}
    for payload, offset in built.marks:
        if not isinstance(payload, RowMark):
            continue
        span = spans.setdefault(payload.row, Span())
        if payload.what == "row-start":
            span.start, span.title = offset, payload.label or None
        elif payload.what == "row-end":
            span.end = offset
        elif payload.what == "field-start":
            span.open_field = offset
        elif payload.what == "field-end" and span.open_field is not None:
            span.fields.append((payload.label, payload.kind, span.open_field, offset))
            span.open_field = None
    return tuple(
        Part(
            start=span.start,
            end=span.end,
            title=span.title,
            metadata=row_metadata(table, mapping, line),
            fields=tuple(span.fields),
        )
        for line, span in spans.items()
    )
