"""Masking of e-mails, French phone numbers and person names."""

from __future__ import annotations

import pytest

from ess_nlp.privacy import Masker, find_personal_data, mask_text


@pytest.mark.parametrize(
    "phone",
    ["01 23 45 67 89", "01.23.45.67.89", "01-23-45-67-89", "0123456789", "06 12 34 56 78",
     "+33 6 12 34 56 78", "+33 (0)1 23 45 67 89", "0033 1 23 45 67 89", "+33612345678"],
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
    assert "Marie Dupont" not in out[0] and "[nom]" in out[0]
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
