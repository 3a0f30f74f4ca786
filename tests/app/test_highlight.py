"""HTML of highlighted passages: every piece of document text is escaped."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from ess_nlp.app.components.highlight import Mark, highlight_html, kwic_html


def _text_of(fragment: str) -> str:
    """The visible text of our HTML (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_script_tags_in_text_are_escaped():
    text = "<script>alert('x')</script> et <img src=x onerror=alert(1)>"
    out = highlight_html(text, [Mark(0, 10, "proposal")])
    assert "<script>" not in out
    assert "<img" not in out
    assert "&lt;script&gt;" in out
    assert _text_of(out) == text


def test_marks_use_document_offsets_and_distinct_classes():
    text = "Nous proposons de créer un fonds. Le chômage augmente."
    offset = 100
    marks = [Mark(offset + 15, offset + 33, "proposal"), Mark(offset + 34, offset + 54, "constat")]
    out = highlight_html(text, marks, offset=offset)
    assert '<mark class="ess-proposal"' in out
    assert '<mark class="ess-constat"' in out
    proposal = re.search(r'<mark class="ess-proposal"[^>]*>(.*?)</mark>', out)
    assert proposal is not None and proposal.group(1) == "de créer un fonds."


def test_entity_inside_proposal_and_anchor():
    text = "Créer un fonds à Lyon."
    out = highlight_html(
        text, [Mark(0, 22, "proposal"), Mark(17, 21, "entity", label="LOC")], anchors={0: "u-sec1"}
    )
    assert out.index('<a id="u-sec1">') < out.index("Créer")
    assert 'data-label="LOC"' in out
    assert _text_of(out) == text


def test_focus_mark_gets_outline_class():
    out = highlight_html("abc def", [Mark(0, 3, "proposal", focus=True)])
    assert "ess-focus" in out


@given(
    st.text(max_size=60),
    st.lists(
        st.tuples(
            st.integers(-5, 70), st.integers(-5, 70), st.sampled_from(["proposal", "constat", "entity"])
        )
    ),
)
def test_visible_text_is_always_the_document_text(text, raw):
    marks = [Mark(min(a, b), max(a, b), kind, label="PER") for a, b, kind in raw]
    out = highlight_html(text, marks)
    assert _text_of(out) == text
    assert "<script" not in out.lower() or "&lt;script" in out.lower()


def test_kwic_escapes_every_part():
    out = kwic_html([("<b>gauche", "mot&", "droite</td>")])
    assert "&lt;b&gt;gauche" in out and "mot&amp;" in out and "droite&lt;/td&gt;" in out


def test_masked_span_shows_its_replacement_once_even_when_cut_by_other_marks() -> None:
    text = "Contact : Marie Dupont, au fournil."
    marks = [
        Mark(10, 22, "mask", label="[personne]"),
        Mark(16, 30, "proposal"),  # cuts the masked span in two
        Mark(10, 22, "entity", label="PER"),
    ]
    out = highlight_html(text, marks)
    assert _text_of(out) == "Contact : [personne], au fournil."
