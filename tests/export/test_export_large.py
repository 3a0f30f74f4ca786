"""A 5,000-item synthesis: every document format still holds every item and footnote."""

from __future__ import annotations

import io
import zipfile

import pytest

from ess_nlp.export import export_synthesis
from ess_nlp.store import Store
from ess_nlp.synthesis import Citation, Item, Scope, Synthesis

N = 5000


def big_synthesis(store: Store) -> Synthesis:
    units = [u for u in store.units("sentence")]
    def cite(i: int) -> Citation:
        u = units[i % len(units)]
        return Citation(unit=u.id, source=u.source, start=u.start, end=u.end, text=u.text, cahier=u.cahier,
                        cahier_title="Cahier", organisation=f"Organisation {i % 40}")  # fmt: skip
    proposals = tuple(Item(f"p{i}", "proposal", f"De créer le dispositif n° {i} <script>x</script>", citations=(cite(i),))
                      for i in range(N - 200))  # fmt: skip
    constats = tuple(Item(f"c{i}", "constat", f"=HYPERLINK(\"x\";\"{i}\") constat {i}", citations=(cite(i),)) for i in range(100))
    initiatives = tuple(
        Item(f"i{i}", "initiative", f"Initiative {i}", title=f"Projet {i}", citations=(cite(i),)) for i in range(100)
    )
    return Synthesis("Grande synthèse", Scope("theme", "T1"), constats=constats, proposals=proposals, initiatives=initiatives)


@pytest.mark.slow
def test_five_thousand_items_in_every_format(store: Store) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    doc = big_synthesis(store)
    assert doc.size == N
    docx = export_synthesis(doc, "docx", mask=False)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        notes = z.read("word/footnotes.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    assert notes.count("<w:footnote ") == N + 2 and body.count("<w:footnoteReference") == N
    assert body.count('<w:numId w:val="') >= N - 200  # every proposal numbered by Word's own numbering
    odt = export_synthesis(doc, "odt", mask=False)
    with zipfile.ZipFile(io.BytesIO(odt)) as z:
        assert z.read("content.xml").decode("utf-8").count('text:note-class="footnote"') == N
    md = export_synthesis(doc, "md", mask=False).decode("utf-8")
    assert f"\n{N - 200}. De créer le dispositif" in md and f"[^{N}]: " in md and "<script>" not in md
    sheet = load_workbook(io.BytesIO(export_synthesis(doc, "xlsx", mask=False)), read_only=True).active
    assert sheet is not None and sheet.max_row == N + 1
    csv_text = export_synthesis(doc, "csv", mask=False).decode("utf-8-sig")
    assert csv_text.count("'=HYPERLINK") >= 100 and ";=HYPERLINK" not in csv_text and "\n=" not in csv_text
    pdf = PdfReader(io.BytesIO(export_synthesis(doc, "pdf", mask=False)))
    assert len(pdf.pages) > 100
    assert "Grande synthèse" in pdf.pages[0].extract_text()
