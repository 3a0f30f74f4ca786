"""The ``ess_constats`` component: findings in constat sections, or problems stated with evidence."""

from __future__ import annotations

import pytest
from spacy.language import Language

from ess_nlp.extract._context import EXTENSION, UnitContext


def constats(nlp: Language, text: str, kind: str | None = None) -> list[tuple[str, str]]:
    doc = nlp.make_doc(text)
    doc._.set(EXTENSION, UnitContext(section_kind=kind))
    doc = nlp(doc)
    return [(s.text, s.label_) for s in doc.spans["constats"]]


def test_every_sentence_of_a_constat_section_is_a_finding(nlp: Language) -> None:
    text = "Un tiers des jeunes du quartier sont sans emploi. Les épiceries solidaires sont isolées."
    assert constats(nlp, text, "constat") == [
        ("Un tiers des jeunes du quartier sont sans emploi.", "section"),
        ("Les épiceries solidaires sont isolées.", "section"),
    ]


def test_a_proposal_in_a_constat_section_is_not_a_finding(nlp: Language) -> None:
    text = "Les structures manquent de fonds propres. Il faut créer un fonds de garantie."
    assert constats(nlp, text, "constat") == [("Les structures manquent de fonds propres.", "section")]


def test_problem_with_evidence_outside_constat_sections(nlp: Language) -> None:
    text = ("Selon l'INSEE, 40 % des ménages du canton manquent de solutions de transport. "
            "Nous organisons une fête chaque année.")
    assert constats(nlp, text, "initiative") == [
        ("Selon l'INSEE, 40 % des ménages du canton manquent de solutions de transport.", "evidence")
    ]


@pytest.mark.parametrize("kind", ["initiative", "proposition"])
def test_a_problem_without_evidence_in_a_structured_section_is_not_a_finding(nlp: Language, kind: str) -> None:
    assert constats(nlp, "Les bénévoles manquent de temps.", kind) == []


def test_explicit_finding(nlp: Language) -> None:
    assert constats(nlp, "Nous constatons que les jeunes quittent le territoire.", "initiative") == [
        ("Nous constatons que les jeunes quittent le territoire.", "explicit")
    ]


def test_in_free_text_a_stated_problem_is_a_finding(nlp: Language) -> None:
    assert constats(nlp, "Les services publics ferment les uns après les autres.") == [
        ("Les services publics ferment les uns après les autres.", "problem")
    ]


def test_findings_of_a_cahier_are_traceable(extract_text, cahier: str) -> None:
    doc, _, extraction = extract_text(cahier)
    assert [c.text for c in extraction.constats] == [
        "Un tiers des jeunes du quartier sont sans emploi.",
        "Les structures de réemploi manquent de fonds propres.",
    ]
    for c in extraction.constats:
        assert doc.text[c.start : c.end] == c.text
