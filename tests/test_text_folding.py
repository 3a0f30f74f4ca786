"""Accent folding and slugs (ess_nlp.text): one variant of each, used across the package."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ess_nlp.text import fold, fold_with_map, fold_words, slug, strip_accents


def test_fold_ignores_case_accents_and_outer_space() -> None:
    assert fold("  Se Loger ") == fold("se loger") == "se loger"
    assert fold("Économie SOCIALE et Solidaire") == "economie sociale et solidaire"
    assert fold("Straße") == "strasse"  # case-folded, not only lowered


def test_fold_words_writes_apostrophes_ligatures_and_spaces_one_way() -> None:
    assert fold_words("L’ŒUVRE  d'art\n") == fold_words("l'oeuvre d'art") == "l'oeuvre d'art"


def test_strip_accents_keeps_case() -> None:
    assert strip_accents("Épargne Ça") == "Epargne Ca"


@given(st.text(alphabet="aAéÉèçÇôœ -'’xyz", max_size=40))
def test_fold_with_map_points_back_into_the_original(text: str) -> None:
    folded, index = fold_with_map(text)
    assert len(folded) == len(index)
    assert index == sorted(index)
    for char, i in zip(folded, index, strict=True):
        assert fold_with_map(text[i])[0].startswith(char) or char in fold_with_map(text[i])[0]


def test_slug() -> None:
    assert slug("Finance éthique & solidaire") == "finance-ethique-solidaire"
    assert slug("« » !!") == "synthese"
    assert slug("x" * 100, length=10) == "x" * 10
