"""Hypothesis round trips: paragraphs written with python-docx, odfpy or as HTML read back equal
modulo the documented whitespace normalisation; the paragraph builder keeps marks in place."""

from __future__ import annotations

import html
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ingest_factories import DocxBuilder, OdtBuilder

from ess_nlp.ingest import read_bytes
from ess_nlp.ingest._build import TextBuilder

# XML-safe text without the characters the reader drops on purpose, and without "{" (the
# factories' footnote syntax).
_chars = st.characters(
    blacklist_categories=("Cc", "Cs", "Co", "Cn"),
    blacklist_characters="\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe\uffff{",
)
_paragraphs = st.lists(st.text(_chars, min_size=1, max_size=40), min_size=1, max_size=5)
_slow = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _expected(paras: list[str]) -> str:
    cleaned = [" ".join(unicodedata.normalize("NFC", p).split()) for p in paras]
    return "\n\n".join(p for p in cleaned if p)


@_slow
@given(_paragraphs)
def test_docx_paragraphs_round_trip(paras: list[str]) -> None:
    assume(_expected(paras))
    builder = DocxBuilder()
    for p in paras:
        builder.paragraph(p)
    assert read_bytes(builder.to_bytes(), "a.docx").text == _expected(paras)


@_slow
@given(_paragraphs)
def test_odt_paragraphs_round_trip(paras: list[str]) -> None:
    assume(_expected(paras))
    builder = OdtBuilder()
    for p in paras:
        builder.paragraph(p)
    assert read_bytes(builder.to_bytes(), "a.odt").text == _expected(paras)


@_slow
@given(_paragraphs)
def test_html_paragraphs_round_trip(paras: list[str]) -> None:
    assume(_expected(paras))
    page = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paras) + "</body></html>"
    assert read_bytes(page.encode("utf-8"), "a.html").text == _expected(paras)


@settings(deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.just("<mark>"), st.just("<break>")), max_size=30))
def test_builder_marks_land_between_the_same_characters(pieces: list[str]) -> None:
    builder = TextBuilder()
    expected_marks = 0
    for piece in pieces:
        if piece == "<mark>":
            builder.mark(expected_marks)
            expected_marks += 1
        elif piece == "<break>":
            builder.paragraph_break()
        else:
            builder.add(piece)
    built = builder.build()
    assert [payload for payload, _ in built.marks] == list(range(expected_marks))
    offsets = [offset for _, offset in built.marks]
    assert offsets == sorted(offsets) and all(0 <= o <= len(built.text) for o in offsets)
    for start, end in built.paragraphs:
        assert built.text[start:end] and "\n" not in built.text[start:end]
    assert "\n\n".join(built.text[s:e] for s, e in built.paragraphs) == built.text
