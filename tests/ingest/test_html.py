"""HTML reader: page furniture dropped, headings, lists with numbering, tables, footnotes."""

from __future__ import annotations

from ess_nlp.ingest import read_bytes

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="windows-1252"><title>Un cahier</title>
<style>p { color: red }</style><script>var menu = "Accueil";</script></head>
<body>
<header class="site-header"><p class="site-name">États généraux de l'ESS</p>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/cahiers/">Les cahiers</a></li></ul></nav></header>
<div class="content">
<h1>La Fonderie Coopérative</h1>
<h2>Notre histoire</h2>
<p>En 2009, la fonderie a été reprise par ses salariés<sup><a href="#fn1" id="fnref1">1</a></sup>,
   avec   le soutien de la Région.<br>Nouvelle ligne.</p>
<p hidden>Texte caché.</p><p style="display: none">Aussi caché.</p>
<aside>Publicité</aside>
<h2>Nos propositions</h2>
<ol><li>Instaurer un droit d'information.</li>
<li>Allonger les délais :
  <ol type="a"><li>devant les tribunaux ;</li><li>pour les banques.</li></ol></li>
<li value="7">Numéro forcé.</li></ol>
<ol start="4" type="I"><li>Quatre romain.</li></ol>
<ul><li>Une puce</li></ul>
<table><thead><tr><th>Indicateur</th><th>2010</th><th></th></tr></thead>
<tbody><tr><td>Salariés</td><td>52</td><td></td></tr></tbody></table>
<section class="notes"><h2>Notes</h2><ol class="footnotes">
<li id="fn1">Société coopérative de développement. <a href="#fnref1">&#8617;</a></li></ol></section>
</div>
<footer><p>Mentions légales — Contact</p></footer>
</body></html>
"""


def test_page_furniture_is_dropped_and_structure_kept() -> None:
    doc = read_bytes(PAGE.encode("cp1252"), "cahier.html")
    assert doc.text.split("\n\n") == [
        "La Fonderie Coopérative",
        "Notre histoire",
        "En 2009, la fonderie a été reprise par ses salariés, avec le soutien de la Région.",
        "Nouvelle ligne.",
        "Nos propositions",
        "1. Instaurer un droit d'information.",
        "2. Allonger les délais :",
        "a. devant les tribunaux ;",
        "b. pour les banques.",
        "7. Numéro forcé.",
        "IV. Quatre romain.",
        "• Une puce",
        "Indicateur | 2010",
        "Salariés | 52",
    ]
    assert doc.metadata["encoding"] == "cp1252"
    assert doc.format == "html"


def test_footnotes_leave_the_body_with_their_anchor() -> None:
    doc = read_bytes(PAGE.encode("cp1252"), "cahier.htm")
    assert [(f.marker, f.text) for f in doc.footnotes] == [("1", "Société coopérative de développement.")]
    assert doc.text[: doc.footnotes[0].anchor].endswith("reprise par ses salariés")
    assert "Notes" not in doc.text and "↩" not in doc.text
    assert doc.format == "html"


def test_main_element_limits_the_text_and_pandoc_style_notes_are_found() -> None:
    page = """<html><body><div>Bandeau du site</div><main>
<p>Texte<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>[1]</sup></a> principal.</p>
</main><section class="footnotes" role="doc-endnotes"><hr><ol>
<li id="fn1"><p>La note.<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li>
</ol></section></body></html>"""
    doc = read_bytes(page.encode(), "a.html")
    assert doc.text == "Texte principal."
    assert [(f.marker, f.text, f.anchor) for f in doc.footnotes] == [("1", "La note.", len("Texte"))]


def test_internal_links_that_are_not_notes_stay_in_the_text() -> None:
    page = '<p>Voir <a href="#partie2">la partie 2</a>.</p><h2 id="partie2">Partie 2</h2>'
    doc = read_bytes(page.encode(), "a.html")
    assert doc.text.split("\n\n") == ["Voir la partie 2.", "Partie 2"]
    assert doc.footnotes == ()


def test_list_items_whose_text_sits_in_paragraphs_keep_their_marker() -> None:
    page = (
        "<ol><li><p>Premier point.</p><p>Suite du premier.</p></li><li></li><li><p>Troisième.</p></li></ol>"
    )
    doc = read_bytes(page.encode(), "a.html")
    assert doc.text.split("\n\n") == ["1. Premier point.", "Suite du premier.", "3. Troisième."]
