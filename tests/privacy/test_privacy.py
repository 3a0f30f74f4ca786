"""Masking of e-mails, French phone numbers and person names."""

from __future__ import annotations

import pytest

from ess_nlp.privacy import Masker, find_personal_data, mask_text


@pytest.mark.parametrize(
    "phone",
    ["01 23 45 67 89", "01.23.45.67.89", "01-23-45-67-89", "0123456789", "06 12 34 56 78",
     "+33 6 12 34 56 78", "+33 (0)1 23 45 67 89", "0033 1 23 45 67 89", "+33612345678", "(+33) 6 12 34 56 78",
     "02 43 311 310", "0 800 123 456", "06 . 12 . 34 . 56 . 78"],
)  # fmt: skip
def test_french_phone_formats(phone: str) -> None:
    assert mask_text(f"Appelez le {phone} demain.", names=False) == "Appelez le [téléphone] demain."


@pytest.mark.parametrize(
    "text",
    ["En 2010, 1 234 567 euros ont été collectés.", "Code postal 59100, SIRET 12345678901234.",
     "Entre 2004 et 2009, 127 créatrices.", "Loi n° 2014-856 du 31 juillet 2014."],
)  # fmt: skip
def test_figures_are_not_phones(text: str) -> None:
    assert mask_text(text, names=False) == text


@pytest.mark.parametrize(
    ("email", "masked"),
    [("marie.dupont@exemple.fr", True), ("contact+ess@sous.domaine.org", True), ("jean [at] exemple.org", True),
     ("www.exemple.org", False), ("@epargne_nord", False)],
)  # fmt: skip
def test_emails(email: str, masked: bool) -> None:
    out = mask_text(f"Écrire à {email} svp", names=False)
    assert ("[courriel]" in out) is masked


def test_person_names_masked_organisations_kept() -> None:
    masker = Masker(keep=["Épargne Solidaire Métropole Nord"])
    out = masker.mask_many(
        [
            "Contact : Marie Dupont, présidente.",
            "Pour tout renseignement, contactez Mme Sophie Bernard ou M. Karim Benali.",
            "Épargne Solidaire Métropole Nord fédère des clubs CIGALES avec la NEF et France Active.",
            "les banques refusent les prêts.",
        ]
    )
    assert "Marie Dupont" not in out[0] and "[personne]" in out[0]
    assert "Sophie Bernard" not in out[1] and "Karim Benali" not in out[1]
    assert out[2].startswith("Épargne Solidaire Métropole Nord fédère")
    assert out[3] == "les banques refusent les prêts."


def test_spans_do_not_overlap_and_offsets_are_right() -> None:
    text = "Marie Dupont, marie.dupont@exemple.fr, 06 12 34 56 78."
    spans = find_personal_data(text)
    assert [text[a:b] for a, b, _ in spans] == ["Marie Dupont", "marie.dupont@exemple.fr", "06 12 34 56 78"]


def test_cache_and_switches() -> None:
    masker = Masker(names=False, phones=False)
    assert masker.mask("a@b.fr 0612345678 Marie Curie") == "[courriel] 0612345678 Marie Curie"
    assert masker.mask_many(["", "x"]) == ["", "x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Siège : 12 rue des Lilas 75011 Paris.", "Siège : [adresse] 75011 Paris."),
        ("Mairie, Place Pey-Berland 33 000, Bordeaux", "Mairie, [adresse] 33 000, Bordeaux"),
        ("Rue Jules Verne Plessé, 44630", "[adresse] Plessé, 44630"),
        ("3 bis avenue du Général de Gaulle Directrice : Mme X.", "[adresse] Directrice : Mme X."),
        ("2 RUE COURPON\nConseil général de la Gironde", "[adresse]\nConseil général de la Gironde"),
        ("BP 11035 68000 Colmar", "[adresse] 68000 Colmar"),
        ("La place des habitants est au centre. Place aux jeunes !", None),
    ],
)
def test_street_addresses_are_masked_communes_kept(text: str, expected: str | None) -> None:
    assert mask_text(text, names=False) == (text if expected is None else expected)


def test_readable_placeholders_for_every_kind() -> None:
    out = mask_text(
        "Contact : Mme Sophie Bernard, chargée de mission, 06 12 34 56 78, s.bernard@exemple.fr, "
        "4 rue de la Gare 72000 Le Mans."
    )
    assert out == (
        "Contact : Mme [personne], chargée de mission, [téléphone], [courriel], [adresse] 72000 Le Mans."
    )


@pytest.mark.parametrize(
    "text",
    [
        # The T4 draft of the sample: a common noun, a town and a word of an organisation's name.
        "Salariés et bénévoles de Thiers se sont associés à France Active.",
        "Salariés\n\nLes salariés de la coopérative de Thiers ont repris l'usine.",
        "La fondation Abbé Pierre et le collège Marie Curie soutiennent le projet.",
        "Le centre social Charles Béraudier accueille les familles à Pierre-Bénite.",
        "Une SCOP, une SCIC et une association loi 1901 à Saint-Jean de Braye.",
        "Budget Participatif : la Fabrique Citoyenne de Rennes.",
    ],
)
def test_never_masked(text: str) -> None:
    assert mask_text(text) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Julie ALBET, Directrice de la communication", "Julie ALBET"),
        ("DUPONT Marie, présidente de l'association", "DUPONT Marie"),
        ("Lepair Laure, chargée de mission\n\nllepair@mairie.fr", "Lepair Laure"),
        ("conçu par la designer Ondine Farvacque avec les élèves", "Ondine Farvacque"),
        ("lisez l'interview de Mathilde Servet sur le site", "Mathilde Servet"),
        ("Jardin prêté par M. et Mme Naud.", "Naud"),
    ],
)
def test_person_cues(text: str, name: str) -> None:
    out = mask_text(text)
    assert name not in out and "[personne]" in out
