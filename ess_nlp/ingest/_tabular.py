"""Tabular form exports (.csv, .xlsx): each row is one cahier, written as one part.

Each row is written as: the title (if the mapping has a title column and the cell is not
empty) as a paragraph, then for each non-empty text column its column name as a paragraph of
its own followed by the cell's lines, one paragraph per non-empty line (so a numbered line
"1) ..." in a cell is a list item). The row becomes a :class:`~ess_nlp.records.Part` whose
``fields`` give ``(column name, kind, start, end)`` for each text column written, from the
start of the column-name paragraph to the end of the cell's last paragraph.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ess_nlp.errors import IngestError
from ess_nlp.ingest._build import TextBuilder, clean_inline
from ess_nlp.ingest._columns import ColumnMapping, default_mapping
from ess_nlp.ingest._encoding import decode_text
from ess_nlp.ingest._limits import Limits, format_count, open_zip, over_limit

_DELIMITERS = (";", ",", "\t", "|")
WHAT_XLSX = "classeur Excel (.xlsx)"


@dataclass(frozen=True)
class RowMark:
    """Marks written around a row and around each field (payloads of builder marks)."""

    row: int
    what: str  # "row-start" | "row-end" | "field-start" | "field-end"
    label: str = ""
    kind: str = ""


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    encoding: str | None = None
    first_data_line: int = 2  # 1-based line/row number of the first data row (for metadata)


def read_csv_table(data: bytes, source: str, limits: Limits, mapping: ColumnMapping | None) -> Table:
    text, encoding = decode_text(
        data,
        source,
        mapping.encoding if mapping else None,
        strict_declared=bool(mapping and mapping.encoding),
    )
    delimiter = mapping.delimiter if mapping and mapping.delimiter else sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = _bounded_records(reader, source, limits)
    except csv.Error as exc:
        raise IngestError(
            source,
            f"CSV illisible à la ligne {reader.line_num} : guillemets mal fermés ou cellule trop longue",
        ) from exc
    return _table_from_records(records, source, encoding)


def sniff_delimiter(text: str) -> str:
    """The candidate delimiter most frequent in the header line (outside quotes)."""
    header = _first_logical_line(text)
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_logical_line(text: str) -> str:
    out: list[str] = []
    quoted = False
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
            continue
        if ch in "\r\n" and not quoted:
            if out:
                break
            continue
        if not quoted:
            out.append(ch)
    return "".join(out)


def read_xlsx_table(data: bytes, source: str, limits: Limits, mapping: ColumnMapping | None) -> Table:
    import openpyxl  # local import: only needed for spreadsheets

    archive = open_zip(data, source, limits, WHAT_XLSX)
    names = set(archive.namelist())
    archive.close()
    if "xl/workbook.xml" not in names:
        raise IngestError(source, f"ce n'est pas un {WHAT_XLSX} : l'archive ne contient pas xl/workbook.xml")
    # openpyxl warns about workbook features it ignores (styles, validation, extensions);
    # they do not matter for reading cell values, so they are silenced here only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            return _read_sheet(workbook, source, limits, mapping)
        except IngestError:
            raise
        except Exception as exc:  # openpyxl raises many unrelated types on broken workbooks
            raise IngestError(source, f"{WHAT_XLSX} endommagé ou illisible") from exc


def _read_sheet(workbook: Any, source: str, limits: Limits, mapping: ColumnMapping | None) -> Table:
    try:
        if mapping and mapping.sheet:
            if mapping.sheet not in workbook.sheetnames:
                raise IngestError(
                    source,
                    f"la feuille « {mapping.sheet} » prévue par la correspondance des colonnes est absente "
                    f"(feuilles : {', '.join(workbook.sheetnames)})",
                )
            sheet = workbook[mapping.sheet]
        else:
            sheet = workbook.worksheets[0]
        # The declared dimension may be false (one stray cell at XFD1048576 declares 17 billion
        # cells): rows are read as they are stored, empty trailing cells dropped.
        sheet.reset_dimensions()
        rows = ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
        records = _bounded_records(rows, source, limits)
    finally:
        workbook.close()
    return _table_from_records(records, source, None)


_NO_CELLS: list[str] = []


def _bounded_records(rows: Iterable[list[str]], source: str, limits: Limits) -> list[list[str]]:
    """Rows without their empty trailing cells, refused past ``max_rows`` non-empty rows or
    ``max_cells`` cells (empty rows cost nothing: they share one empty list)."""
    records: list[list[str]] = []
    filled = cells = 0
    for row in rows:
        end = len(row)
        while end and not row[end - 1] and filled:  # the header keeps its width
            end -= 1
        if not end or not any(row[:end]):
            records.append(_NO_CELLS)
            continue
        filled += 1
        cells += end
        if filled > limits.max_rows + 1:  # the header row is not a cahier
            raise over_limit(
                source,
                f"le tableau a plus de {format_count(limits.max_rows)} lignes (limite {format_count(limits.max_rows)})",
                "max_rows",
                limits,
                "découpez-le",
            )
        if cells > limits.max_cells:
            raise over_limit(
                source,
                f"le tableau a plus de {format_count(limits.max_cells)} cellules (limite {format_count(limits.max_cells)})",
                "max_cells",
                limits,
                "découpez-le",
            )
        records.append(row[:end] if end < len(row) else row)
    return records


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _table_from_records(records: list[list[str]], source: str, encoding: str | None) -> Table:
    skipped = 0
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
        skipped += 1
    if not records:
        raise IngestError(source, "le tableau est vide : aucune ligne d'en-tête ni de données")
    header = _unique_labels(records[0])
    rows = [row for row in records[1:]]
    return Table(header, rows, encoding, first_data_line=skipped + 2)


def _unique_labels(raw: Sequence[str]) -> list[str]:
    labels: list[str] = []
    seen: set[str] = set()
    for i, cell in enumerate(raw):
        label = clean_inline(cell) or f"Colonne {i + 1}"
        base, n = label, 2
        while label in seen:
            label = f"{base} ({n})"
            n += 1
        labels.append(label)
        seen.add(label)
    return labels


def write_table(
    table: Table, source: str, mapping: ColumnMapping | None
) -> tuple[TextBuilder, ColumnMapping]:
    """Write each row as described in the module docstring; rows are separated by marks."""
    if mapping is None:
        mapping = default_mapping(table.header, table.rows)
    index = {label: i for i, label in enumerate(table.header)}
    missing = [name for name in mapping.columns_used() if name not in index]
    if missing:
        raise IngestError(
            source,
            f"colonne(s) {', '.join('« ' + m + ' »' for m in missing)} prévue(s) par la correspondance "
            f"absente(s) du tableau (colonnes trouvées : {', '.join(table.header)})",
        )
    if not mapping.text and not mapping.title:
        raise IngestError(
            source,
            "aucune colonne de texte reconnue ; ajoutez un fichier .columns.yaml qui indique les colonnes de texte "
            f"(colonnes trouvées : {', '.join(table.header)})",
        )
    builder = TextBuilder()
    for n, row in enumerate(table.rows):

        def cell(name: str | None, row: Sequence[str] = row) -> str:
            if not name:
                return ""
            i = index[name]
            return row[i] if i < len(row) else ""

        title = clean_inline(cell(mapping.title))
        fields = [(col, cell(col.column)) for col in mapping.text if cell(col.column).strip()]
        if not title and not fields:
            continue
        line = table.first_data_line + n
        builder.paragraph_break()
        builder.mark(RowMark(line, "row-start", title))
        if title:
            builder.paragraph(title)
        for col, value in fields:
            builder.paragraph_break()
            builder.mark(RowMark(line, "field-start", col.column, col.kind))
            builder.paragraph(col.column)
            for text_line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                builder.paragraph(text_line)
            builder.mark(RowMark(line, "field-end", col.column, col.kind), after=True)
        builder.mark(RowMark(line, "row-end"), after=True)
    return builder, mapping


def row_metadata(table: Table, mapping: ColumnMapping, line: int) -> dict[str, str]:
    row = table.rows[line - table.first_data_line]
    index = {label: i for i, label in enumerate(table.header)}

    def cell(name: str) -> str:
        i = index[name]
        return clean_inline(row[i]) if i < len(row) else ""

    meta: dict[str, str] = {"row": str(line)}
    for key in ("organisation", "legal_form", "domain"):
        name = getattr(mapping, key)
        if name and cell(name):
            meta[key] = cell(name)
    territory = [cell(name) for name in mapping.territory if cell(name)]
    if territory:
        meta["territory"] = ", ".join(territory)
    for name in mapping.territory:
        if cell(name):
            meta.setdefault(name, cell(name))
    used = set(mapping.columns_used())
    for name in table.header:
        if name in mapping.metadata or name not in used:
            value = cell(name)
            if value and name not in meta:
                meta[name] = value
    return meta
