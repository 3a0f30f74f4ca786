"""The rules that build the real personal-data gold (``benchmarks/privacy_gold.py``), on invented text."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from privacy_gold import _STREET_BEFORE, _STREET_PART, _offset_after_words, _street_pattern


@pytest.mark.parametrize(
    ("street", "field"),
    [
        ("2 rue de l'Hôtel de Ville", "Ville de Marlan 2 rue de l’Hôtel de Ville 44000 MARLAN"),
        ("2 rue de l’Hôtel de Ville", "Ville de Marlan 2 rue de l'Hôtel de Ville 44000 MARLAN"),
        ("16 avenue d'Orval", "Gares du Nord  16  avenue d'Orval 75013 PARIS"),
    ],
)
def test_street_field_found_with_either_apostrophe(street: str, field: str) -> None:
    assert re.search(_street_pattern(street), field, re.IGNORECASE)


@pytest.mark.parametrize(
    ("holder", "field", "street"),
    [
        ("Réseau Ferré", "Réseau Ferré  15/17 rue des Tilleuls - CS 10001  93400 SAINT-OUEN", "15/17 rue des Tilleuls - CS 10001"),
        ("Mairie de Marlan", "Mairie de Marlan Place de l’Hôtel de Ville 75004 Marlan ", "Place de l’Hôtel de Ville"),
        ("Métropole de Marlan", "Métropole  de   Marlan   2 boulevard des Tanneurs  59800 MARLAN", "2 boulevard des Tanneurs"),
    ],
)  # fmt: skip
def test_street_part_of_the_address_field(holder: str, field: str, street: str) -> None:
    offset = _offset_after_words(field, len(holder))
    match = _STREET_PART.search(field, offset)
    assert match is not None and match.group(0) == street


@pytest.mark.parametrize(
    ("before", "street"),
    [("Ville de Marlan\n\nPl. de l'", True), ("12 place de l’", True), ("Av. de la ", True),
     ("le placement de l'", False), ("un service simple. ", False)],
)  # fmt: skip
def test_never_mask_gold_leaves_out_words_of_a_street(before: str, street: bool) -> None:
    assert bool(_STREET_BEFORE.search(before)) is street
