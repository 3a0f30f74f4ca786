"""The default mask in every export format: a planted set of e-mails, phones, names and postal
addresses in all their writings (``benchmarks/pii_variants_benchmark.py``), exported and read
back; nothing of it may stay readable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ess_nlp.export import FORMATS, export_synthesis
from ess_nlp.synthesis import Scope, Synthesis, edit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from pii_variants_benchmark import exported_texts, leaked, planted, read_back


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return exported_texts(planted(), tmp_path_factory.mktemp("pii"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_planted_email_phone_or_address_survives(texts: dict[str, str], fmt: str) -> None:
    text = texts[fmt]
    left = [f"{i.kind} n°{n}" for n, i in enumerate(planted()) if i.kind != "person" and leaked(i, text)]
    assert not left, f"{fmt}: {left}"
    assert "[courriel]" in text and "[téléphone]" in text and "[adresse]" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_planted_names_masked(texts: dict[str, str], fmt: str) -> None:
    people = [i for i in planted() if i.kind == "person"]
    left = [n for n, i in enumerate(people) if leaked(i, texts[fmt])]
    assert not left, f"{fmt}: names n° {left} readable"
    assert "[personne]" in texts[fmt]


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "iramuteq"])
def test_the_check_sees_unmasked_data(fmt: str) -> None:
    """Without the mask the same read-back finds every planted datum (the check can fail)."""
    items = planted()
    doc = Synthesis("Contacts", Scope("theme", "T4"))
    for item in items:
        doc = edit.add_item(doc, edit.make_item("proposal", item.sentence), section="proposals")
    text = read_back(fmt, export_synthesis(doc, fmt, mask=False))
    assert all(leaked(i, text) for i in items if i.kind in ("email", "phone"))
