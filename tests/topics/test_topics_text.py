"""Keyword tokens, plural folding and labels: no stop words, no punctuation, short phrases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from topics_corpus import assert_clean_label

from ess_nlp.topics import FRENCH_STOP_WORDS, make_label
from ess_nlp.topics._text import Analyzer, fold, surface_forms


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Impôts", "impôt"),
        ("locaux", "local"),
        ("réseaux", "réseau"),
        ("jeux", "jeu"),
        ("bus", "bus"),
        ("pays", "pays"),
        ("accès", "accès"),
        ("services-publics", "service-public"),
    ],
)
def test_fold(word: str, key: str) -> None:
    assert fold(word) == key


def test_analyzer_keeps_content_words_side_by_side() -> None:
    analyzer = Analyzer((1, 2))
    grams = analyzer(
        "Les services publics de proximité. Référendum d'initiative citoyenne ; transports en commun 2019"
    )
    assert "service public" in grams
    assert "initiative citoyenne" in grams
    # a stop word or punctuation between two words breaks the phrase
    assert "transport commun" not in grams
    assert "proximité référendum" not in grams
    assert not any(g in FRENCH_STOP_WORDS for g in grams)
    assert not any(ch.isdigit() for g in grams for ch in g)
    assert "dans" not in Analyzer((1, 1))("dans les quartiers")


def test_web_and_mail_addresses_give_no_keyword() -> None:
    analyzer = Analyzer((1, 2))
    grams = analyzer("Jardins partagés : https://www.jardins-nanterre.fr/carte, contact@jardins.org, jardins.coop")
    assert set(grams) == {"jardin partagé", "jardin", "partagé"}


def test_user_stop_words_are_removed_in_any_case_and_number() -> None:
    analyzer = Analyzer((1, 1), stop_words=["Cahier"])
    assert analyzer("Les cahiers du cahier et du vélo") == ["vélo"]


def test_surface_forms_keep_acronyms_and_lowercase_sentence_starts() -> None:
    analyzer = Analyzer((1, 1))
    forms = surface_forms(["Le RIC. Impôts élevés.", "les impôts et le RIC"], analyzer)
    assert forms["ric"] == "RIC"
    assert forms["impôt"] == "impôts"


def test_label_prefers_a_phrase_used_most_of_the_time() -> None:
    keywords = [("trajets", 0.9), ("vélo", 0.5), ("trajets domicile-travail", 0.6), ("domicile-travail", 0.6)]
    label = make_label(
        keywords, counts={"trajets": 10, "trajets domicile-travail": 9, "vélo": 7, "domicile-travail": 9}
    )
    assert label == "Trajets domicile-travail, vélo"
    # a phrase that accounts for few of the word's uses does not replace it
    label = make_label(
        [("maraîchers", 0.9), ("développer maraîchers", 0.5)],
        counts={"maraîchers": 20, "développer maraîchers": 3},
    )
    assert label.startswith("Maraîchers")
    assert make_label([]) == ""


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abcdéèàç ,.;:!?'()-«»0123456789\nLeslaetdu", min_size=0, max_size=60),
        min_size=1,
        max_size=6,
    )
)
def test_labels_built_from_any_text_are_clean(texts: list[str]) -> None:
    analyzer = Analyzer((1, 2))
    forms = surface_forms(texts, analyzer)
    keywords = sorted(forms.values())
    label = make_label(keywords)
    # A label exactly when there is a keyword to make it from, and every label made is clean.
    assert bool(label) == bool(keywords)
    if label:
        assert_clean_label(label)
