"""Tables of the cited items: CSV for French spreadsheet software (UTF-8 with a byte-order
mark, ``;`` separators) and XLSX (openpyxl).

One row per item and citation (an item without citation gets one row with empty source
columns). A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, e.g. ``=HYPERLINK(…)``) gets a leading apostrophe, and XLSX
cells are always written as text, never as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from ess_nlp.export._model import Prepared, clean_text
from ess_nlp.synthesis.records import KIND_NAMES, SECTION_TITLES, SECTIONS, Item, proposal_numbers

COLUMNS: tuple[str, ...] = (
    "partie",
    "n°",
    "type",
    "élément",
    "titre",
    "sans source",
    "cahier",
    "organisation",
    "territoire",
    "fichier",
    "page",
    "début",
    "fin",
    "passage cité",
    "unité",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell a spreadsheet would evaluate gets a leading apostrophe (shown as text)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def rows(prepared: Prepared) -> Iterator[tuple[object, ...]]:
    """The table rows (unneutralised), in reading order."""
    doc = prepared.doc
    numbers = proposal_numbers(doc)

    def walk(items: Sequence[Item], section: str) -> Iterator[tuple[object, ...]]:
        for item in items:
            head = (
                SECTION_TITLES[section],  # type: ignore[index]
                numbers.get(item.id, ""),
                KIND_NAMES[item.kind],
                item.text,
                item.title,
                "oui" if item.unsourced else "",
            )
            if not item.citations:
                yield (*head, "", "", "", "", None, None, None, "", "")
            for c in item.citations:
                yield (*head, c.cahier_title, c.organisation, c.territory, c.source, c.page, c.start, c.end, c.text, c.unit)
            yield from walk(item.children, section)

    for section in SECTIONS:
        yield from walk(doc.section(section), section)


def write_csv(prepared: Prepared) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(prepared):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(prepared: Prepared) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = "Éléments cités"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(rows(prepared), start=2):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            if isinstance(value, str):
                text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", clean_text(value)))
                cell = sheet.cell(row=r, column=c)
                cell.value = text
                cell.data_type = "s"  # never a formula
            else:
                sheet.cell(row=r, column=c, value=value)
    widths = {"élément": 60, "passage cité": 60, "cahier": 30, "organisation": 28, "fichier": 30, "titre": 24}
    for i, name in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=i).column_letter
        sheet.column_dimensions[letter].width = widths.get(name, 12)
    for row_cells in sheet.iter_rows(min_row=2, max_col=len(COLUMNS)):
        for cell in row_cells:
            if cell.column_letter in ("D", "N"):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    book.properties.title = clean_text(prepared.title)[:250]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
