"""Plain text and Markdown readers: paragraphs, list items, footnotes, markup."""

from __future__ import annotations

import contextlib
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ess_nlp.ingest import read_bytes


def read_txt(text: str, encoding: str = "utf-8") -> object:
    return read_bytes(text.encode(encoding), "cahier.txt")


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_blank_lines_separate_paragraphs_and_whitespace_is_normalised() -> None:
    doc = read_bytes(
        "  Premier\tparagraphe  avec\u00a0espaces.\r\n\r\n\r\n\r\nSecond :\u202fici.\r\n".encode(), "a.txt"
    )
    assert doc.text == "Premier paragraphe avec espaces.\n\nSecond : ici."
    assert doc.format == "txt"


def test_each_line_of_unwrapped_text_is_a_paragraph_and_list_items_keep_their_markers() -> None:
    source = (
        "NOS PROPOSITIONS\n"
        "Nous proposons :\n"
        "1. De créer un fonds territorial de garantie pour les SCIC et les coopératives d'habitants du département.\n"
        "2) D'ouvrir la commande publique aux structures de l'ESS et aux entreprises d'insertion.\n"
        "a) en réservant des lots ;\n"
        "- une puce\n"
        "• une autre puce\n"
    )
    doc = read_bytes(source.encode(), "a.txt")
    assert paragraphs(doc.text) == [line for line in source.splitlines()]


def test_hard_wrapped_lines_are_joined_but_list_items_and_headings_are_not() -> None:
    source = (
        "Constat :\n"
        "Les structures de l'ESS du quartier sont nombreuses mais elles\n"
        "travaillent chacune de leur côté, sans lieu commun pour se\n"
        "rencontrer.\n"
        "1. Créer un lieu partagé, ouvert à toutes les associations du\n"
        "   quartier et aux habitants.\n"
        "2. Le financer.\n"
    )
    doc = read_bytes(source.encode(), "a.txt")
    assert paragraphs(doc.text) == [
        "Constat :",
        "Les structures de l'ESS du quartier sont nombreuses mais elles travaillent chacune de leur côté, "
        "sans lieu commun pour se rencontrer.",
        "1. Créer un lieu partagé, ouvert à toutes les associations du quartier et aux habitants.",
        "2. Le financer.",
    ]


def test_a_line_broken_before_the_margin_is_not_joined_to_the_next() -> None:
    """A meeting report typed with short lines: « 4) Organisation de l'État… » is long enough to
    look wrapped, but « Maintenir » would have fit after it, so the break was meant."""
    source = (
        "Compte rendu de la réunion locale du 12 février 2019 à Saint-Pierre.\n"
        "1) Transition écologique\n"
        "Développer le ferroutage pour les marchandises.\n"
        "4) Organisation de l’Etat et des services publics\n"
        "Maintenir les bureaux de poste dans les villages.\n"
        "Les participants regrettent la fermeture des guichets de la\n"
        "gare et des bureaux de poste.\n"
    )
    doc = read_bytes(source.encode(), "a.txt")
    assert paragraphs(doc.text) == [
        "Compte rendu de la réunion locale du 12 février 2019 à Saint-Pierre.",
        "1) Transition écologique",
        "Développer le ferroutage pour les marchandises.",
        "4) Organisation de l’Etat et des services publics",
        "Maintenir les bureaux de poste dans les villages.",
        # « gare » would not have fit after « … des guichets de la »: a wrapped line, joined
        "Les participants regrettent la fermeture des guichets de la gare et des bureaux de poste.",
    ]


def test_one_long_unbreakable_line_does_not_widen_the_wrapping_edge() -> None:
    """Prose wrapped at 60 characters with one web address of 87: the wrapped lines are still
    joined, those that open with a capital too (the edge is the 95th percentile of the line
    lengths, not the widest line)."""
    sentence = ("Les coopératives du territoire mutualisent leurs achats et leurs locaux depuis "
                "plusieurs années afin de réduire leurs charges et de partager leurs savoir-faire. ")
    words = (sentence + "En Nouvelle-Aquitaine, " + sentence.lower()) * 4
    lines, line = [], ""
    for word in words.split():
        if line and len(line) + 1 + len(word) > 60:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    url = "https://www.exemple-de-cooperative.fr/ressources/rapport-annuel-mutualisation-2019.pdf"
    assert len(lines) >= 20 and len(url) > 85
    assert any(line[0].isupper() for line in lines[1:])
    doc = read_bytes("\n".join([*lines, "", url]).encode(), "a.txt")
    assert paragraphs(doc.text) == [" ".join(lines), url]


def test_txt_notes_block_becomes_footnotes_with_anchors_after_the_marked_word() -> None:
    source = (
        "Un tiers des jeunes sont sans emploi[1] selon l'enquête.\n\n"
        "La CRESS[2] le confirme ; la référence [3] reste dans le texte.\n\n"
        "Notes\n"
        "[1] Source : enquête 2010 de la CRESS.\n"
        "[2] Chambre régionale de l'ESS,\n"
        "    créée en 1990.\n"
    )
    doc = read_bytes(source.encode(), "a.txt")
    assert "Notes" not in doc.text and "Source" not in doc.text and "[1]" not in doc.text
    assert "[3]" in doc.text
    assert [(f.marker, f.text) for f in doc.footnotes] == [
        ("1", "Source : enquête 2010 de la CRESS."),
        ("2", "Chambre régionale de l'ESS, créée en 1990."),
    ]
    assert doc.text[: doc.footnotes[0].anchor].endswith("sans emploi")
    assert doc.text[: doc.footnotes[1].anchor].endswith("La CRESS")
    assert doc.text.startswith("Un tiers des jeunes sont sans emploi selon l'enquête.")


def test_each_notes_block_of_a_compiled_text_serves_the_text_before_it() -> None:
    source = (
        "Premier cahier, avec une note[1].\n\nNotes\n[1] Note du premier.\n\n"
        "=====\n\nSecond cahier[1], et sa suite[2].\n\nNotes :\n\n[1] Note du second.\n[2] Autre note,\n"
        "sur deux lignes.\n"
    )
    doc = read_bytes(source.encode(), "recueil.txt")
    assert paragraphs(doc.text) == ["Premier cahier, avec une note.", "=====", "Second cahier, et sa suite."]
    assert [(f.marker, f.text) for f in doc.footnotes] == [
        ("1", "Note du premier."),
        ("1", "Note du second."),
        ("2", "Autre note, sur deux lignes."),
    ]
    first, second, third = (f.anchor for f in doc.footnotes)
    assert doc.text[:first].endswith("avec une note")
    assert doc.text[:second].endswith("Second cahier")
    assert doc.text[:third].endswith("et sa suite")


def test_txt_trailing_note_lines_without_heading_are_notes_only_when_the_body_cites_them() -> None:
    cited = read_bytes("Texte cité[1].\n\n[1] La note.\n".encode(), "a.txt")
    assert cited.text == "Texte cité." and cited.footnotes[0].text == "La note."
    uncited = read_bytes(b"Texte sans appel.\n\n[1] Une ligne ordinaire.\n", "a.txt")
    assert uncited.footnotes == () and uncited.text.endswith("[1] Une ligne ordinaire.")


def test_form_feed_separates_paragraphs() -> None:
    doc = read_bytes(b"Page un.\fPage deux.", "a.txt")
    assert paragraphs(doc.text) == ["Page un.", "Page deux."]


def test_markdown_headings_markup_lists_tables_and_footnotes() -> None:
    source = (
        "# La Recyclerie du Marais\n\n"
        "Du texte **gras**, *italique* et un [lien](https://exemple.fr) avec une note[^1].\n"
        "La phrase continue sur la ligne suivante.\n\n"
        "Nos constats\n============\n\n"
        "## Nos propositions\n\n"
        "Nous proposons :\n\n"
        "1. Créer un fonds.\n"
        "2. Ouvrir la commande publique\n   aux structures de l'ESS.\n"
        "   * en réservant des lots ;\n"
        "+ une puce\n\n"
        "| Proposition | Acteurs |\n|---|:---:|\n| Guichet unique | Région, CRESS |\n\n"
        "```\ncode  brut\n```\n\n"
        "[^1]: Source : enquête 2010,\n    page 3.\n"
    )
    doc = read_bytes(source.encode(), "cahier.md")
    assert paragraphs(doc.text) == [
        "La Recyclerie du Marais",
        "Du texte gras, italique et un lien avec une note. La phrase continue sur la ligne suivante.",
        "Nos constats",
        "Nos propositions",
        "Nous proposons :",
        "1. Créer un fonds.",
        "2. Ouvrir la commande publique aux structures de l'ESS.",
        "- en réservant des lots ;",
        "- une puce",
        "Proposition | Acteurs",
        "Guichet unique | Région, CRESS",
        "code brut",
    ]
    assert [(f.marker, f.text) for f in doc.footnotes] == [("1", "Source : enquête 2010, page 3.")]
    assert doc.text[: doc.footnotes[0].anchor].endswith("avec une note")
    assert doc.format == "md"


# --- Hypothesis: any text reads back equal modulo the documented normalisation ---------------

_EXCLUDED = "\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe\uffff["
_utf8_chars = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=_EXCLUDED)
_paragraph = st.text(_utf8_chars, min_size=1, max_size=60)


def _expected(paras: list[str]) -> str:
    cleaned = [" ".join(unicodedata.normalize("NFC", p).split()) for p in paras]
    return "\n\n".join(p for p in cleaned if p)


# No deadline: the machine is shared, timing is not what these tests check.
_settings = settings(deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@_settings
@given(st.lists(_paragraph, min_size=1, max_size=6))
def test_any_utf8_text_reads_back_equal_modulo_whitespace(paras: list[str]) -> None:
    expected = _expected(paras)
    assume(expected)
    for name, data in (
        ("a.txt", "\n\n".join(paras).encode("utf-8")),
        ("b.txt", b"\xef\xbb\xbf" + "\r\n\r\n".join(paras).encode("utf-8")),
    ):
        assert read_bytes(data, name).text == expected


_ascii = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'()-")
_french = st.sampled_from("éèêëàâäîïôöùûüçœæÉÈÊÀÇŒ’«»…–—€°\u00a0")
_cp1252_paragraph = st.lists(st.one_of(_ascii, _ascii, _ascii, _french), min_size=1, max_size=80).map("".join)


@_settings
@given(st.lists(_cp1252_paragraph, min_size=1, max_size=5))
def test_any_french_text_written_as_cp1252_reads_back_equal(paras: list[str]) -> None:
    text = "\n\n".join(paras)
    data = text.encode("cp1252")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    assume(non_ascii <= 0.3 * len(text))
    # A cp1252 byte string that happens to be valid UTF-8 is read as UTF-8 (documented).
    with contextlib.suppress(UnicodeDecodeError):
        assume(data.decode("utf-8") == text)
    expected = _expected(paras)
    assume(expected)
    doc = read_bytes(data, "a.txt")
    assert doc.text == expected
