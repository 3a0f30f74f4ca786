"""PDF reader: running headers and footers, page numbers, hyphenation, footnotes, paragraphs, pages."""

from __future__ import annotations

import pytest
from ingest_factories import PdfLine, PdfPage, image_only_pdf, pdf_bytes

from ess_nlp.errors import IngestError
from ess_nlp.ingest import Limits, read_bytes
from ess_nlp.ingest._pdf import join_hyphenated

L = PdfLine

FIRST_PAGE = PdfPage(
    [
        L("Cahier de test : la coopération territoriale", size=15, bold=True),
        L("Nos constats", size=12, bold=True, gap_before=4),
        L(
            "Les structures de l'économie sociale et solidaire du territoire des Deux-",
            gap_before=2,
            full=True,
        ),
        L("Sèvres travaillent ensemble depuis longtemps, mais leur coopé-", full=True),
        L("ration reste fragile faute de moyens dédiés et de financements^1", full=True),
        L("pérennes pour animer le réseau, dit-on, et c'est peut-", full=True),
        L("être vrai."),
        L("Un second paragraphe commence ici, après un espace plus grand que", gap_before=3, full=True),
        L("l'interligne habituel des lignes de texte du paragraphe courant."),
        L("Nous proposons :", gap_before=3),
        L("1. De créer un fonds territorial de garantie pour les SCIC et les", gap_before=1, full=True),
        L("associations employeuses du département ;", indent=5),
        L("2. D'ouvrir la commande publique aux structures de l'ESS.", gap_before=1),
        L("Enfin, nous demandons que les collectivités du territoire s'engagent", gap_before=3, full=True),
    ],
    notes=[("1", "Source : enquête 2010 de la CRESS Poitou-Charentes.")],
)
SECOND_PAGE = PdfPage(
    [
        L("dans la durée, au-delà des appels à projets annuels."),
        L("Un dernier paragraphe, sur la deuxième page, sans note.", gap_before=3),
    ]
)


@pytest.fixture(scope="module")
def two_pages() -> object:
    return read_bytes(pdf_bytes([FIRST_PAGE, SECOND_PAGE]), "recueil.pdf")


def test_paragraphs_are_rebuilt_and_running_lines_removed(two_pages: object) -> None:
    assert two_pages.text.split("\n\n") == [  # type: ignore[attr-defined]
        "Cahier de test : la coopération territoriale",
        "Nos constats",
        "Les structures de l'économie sociale et solidaire du territoire des Deux-Sèvres travaillent ensemble "
        "depuis longtemps, mais leur coopération reste fragile faute de moyens dédiés et de financements "
        "pérennes pour animer le réseau, dit-on, et c'est peut-être vrai.",
        "Un second paragraphe commence ici, après un espace plus grand que l'interligne habituel des lignes "
        "de texte du paragraphe courant.",
        "Nous proposons :",
        "1. De créer un fonds territorial de garantie pour les SCIC et les associations employeuses du "
        "département ;",
        "2. D'ouvrir la commande publique aux structures de l'ESS.",
        "Enfin, nous demandons que les collectivités du territoire s'engagent dans la durée, au-delà des "
        "appels à projets annuels.",
        "Un dernier paragraphe, sur la deuxième page, sans note.",
    ]


def test_footnote_is_removed_from_the_body_and_anchored(two_pages: object) -> None:
    doc = two_pages
    assert [(f.marker, f.text) for f in doc.footnotes] == [  # type: ignore[attr-defined]
        ("1", "Source : enquête 2010 de la CRESS Poitou-Charentes.")
    ]
    anchor = doc.footnotes[0].anchor  # type: ignore[attr-defined]
    assert doc.text[:anchor].endswith("faute de moyens dédiés et de financements")  # type: ignore[attr-defined]
    assert "Source" not in doc.text  # type: ignore[attr-defined]


def test_pages_give_the_span_of_each_page(two_pages: object) -> None:
    doc = two_pages
    assert [p.number for p in doc.pages] == [1, 2]  # type: ignore[attr-defined]
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)  # type: ignore[attr-defined]
    assert doc.text[doc.pages[1].start :].startswith("dans la durée")  # type: ignore[attr-defined]
    assert doc.page_at(doc.text.index("coopération reste")) == 1  # type: ignore[attr-defined]
    assert doc.page_at(doc.text.index("Un dernier paragraphe")) == 2  # type: ignore[attr-defined]
    assert doc.metadata["pages"] == "2"  # type: ignore[attr-defined]


@pytest.mark.parametrize("footer", ["Page {n}", "{n} / {total}", "- {n} -", "{n}", "page {n} sur {total}"])
def test_page_number_footers_are_removed(footer: str) -> None:
    words = ["Premier", "Deuxième", "Troisième"]
    pages = [PdfPage([L(f"{word} paragraphe, sur sa page.")]) for word in words]
    doc = read_bytes(pdf_bytes(pages, footer=footer, header=None), "a.pdf")
    assert doc.text.split("\n\n") == [f"{word} paragraphe, sur sa page." for word in words]


def test_a_repeated_line_that_varies_without_following_the_page_is_kept() -> None:
    # A banner starting each cahier at the top of its page ("n° 7", "n° 12") is not a running header.
    pages = [
        PdfPage([L(f"Cahier d'espérance n° {n}", bold=True), L(f"Texte {w}.")])
        for n, w in ((7, "a"), (12, "b"))
    ]
    doc = read_bytes(pdf_bytes(pages), "a.pdf")
    assert doc.text.split("\n\n") == [
        "Cahier d'espérance n° 7",
        "Texte a.",
        "Cahier d'espérance n° 12",
        "Texte b.",
    ]


@pytest.mark.parametrize(
    ("left", "right", "vocabulary", "joined"),
    [
        ("coopé", "ration", set(), True),
        ("Deux", "Sèvres", set(), False),
        ("peut", "être", set(), False),
        ("c'est", "à", set(), False),
        ("celle", "ci", set(), False),
        ("mots", "clés", set(), False),
        ("porte", "parole", {"porte-parole"}, False),
        ("entre", "prise", {"entreprise"}, True),
        ("vice", "président", set(), False),
    ],
)
def test_join_hyphenated_rule(left: str, right: str, vocabulary: set[str], joined: bool) -> None:
    assert join_hyphenated(left, right, vocabulary) is joined


def test_a_web_address_cut_at_a_hyphen_keeps_it() -> None:
    page = PdfPage([
        L("Les comités consultatifs de la commune sont présentés sur https://www.commune-de-", full=True),
        L("plesse.com/comites-consultatifs et leurs comptes rendus y sont publiés après coopé-", full=True),
        L("ration avec les habitants."),
    ])
    doc = read_bytes(pdf_bytes([page]), "fiche.pdf")
    assert "https://www.commune-de-plesse.com/comites-consultatifs et" in doc.text
    assert "après coopération avec" in doc.text


def test_owner_password_only_pdf_is_read() -> None:
    data = pdf_bytes([PdfPage([L("Texte lisible malgré le chiffrement.")])], encrypt_password="", header=None)
    assert read_bytes(data, "a.pdf").text == "Texte lisible malgré le chiffrement."


def test_encrypted_pdf_is_refused() -> None:
    data = pdf_bytes([PdfPage([L("Secret.")])], encrypt_password="motdepasse")
    with pytest.raises(IngestError, match="protégé par un mot de passe") as info:
        read_bytes(data, "chiffre.pdf")
    assert str(info.value).startswith("chiffre.pdf : ")


def test_scanned_pdf_without_text_layer_asks_for_ocr() -> None:
    with pytest.raises(IngestError, match="aucun texte extractible") as info:
        read_bytes(image_only_pdf(), "scan.pdf")
    assert "OCR" in str(info.value) and "scanné" in str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
        b"Juste du texte qui se fait passer pour un PDF.",
    ],
    ids=["png-renamed", "text-renamed"],
)
def test_junk_renamed_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(IngestError, match="ce n'est pas un PDF"):
        read_bytes(data, "faux.pdf")


@pytest.mark.parametrize("cut", [0.15, 0.5])
def test_truncated_pdf_is_reported_as_damaged(cut: float) -> None:
    data = pdf_bytes([PdfPage([L("Texte.")]), PdfPage([L("Suite.")])])
    with pytest.raises(IngestError, match="PDF endommagé"):
        read_bytes(data[: int(len(data) * cut)], "coupe.pdf")


def test_page_limit() -> None:
    data = pdf_bytes([PdfPage([L(f"Page {n}.")]) for n in range(3)])
    with pytest.raises(IngestError, match="3 pages \\(limite 2\\)"):
        read_bytes(data, "long.pdf", limits=Limits(max_pdf_pages=2))


def test_header_of_a_one_page_document_is_removed_by_its_small_font_in_the_margin() -> None:
    doc = read_bytes(pdf_bytes([PdfPage([L("Le seul paragraphe du document.")])]), "court.pdf")
    assert doc.text == "Le seul paragraphe du document."


def test_a_note_without_marker_in_the_body_is_anchored_at_the_end_of_its_page() -> None:
    pages = [
        PdfPage([L("Premier paragraphe sans appel de note.")], notes=[("1", "Note orpheline.")]),
        PdfPage([L("Deuxième page.")]),
    ]
    doc = read_bytes(pdf_bytes(pages), "orpheline.pdf")
    assert doc.text == "Premier paragraphe sans appel de note.\n\nDeuxième page."
    assert [(f.marker, f.text, f.anchor) for f in doc.footnotes] == [
        ("1", "Note orpheline.", len("Premier paragraphe sans appel de note."))
    ]


def test_raised_digits_that_no_note_claims_stay_in_the_text() -> None:
    doc = read_bytes(pdf_bytes([PdfPage([L("Une surface de 900 m^2 au sol.")])], header=None), "m2.pdf")
    assert doc.text == "Une surface de 900 m2 au sol." and doc.footnotes == ()
