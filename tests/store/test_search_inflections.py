"""Search on lemmas finds every inflection of a French verb or noun (issue 15): the query's words
are looked for under each of their forms (the French pipeline's lexicon), accents ignored, with
the sentences holding the word as typed first, and the concordance centred on the form found."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ess_nlp.inflections import lexicon
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store
from ess_nlp.store.views import search as search_view

SENTENCES = {
    "coopèrent": "Les associations du quartier coopèrent avec la mairie.",
    "coopérons": "Nous coopérons depuis dix ans avec les épiceries.",
    "coopéré": "Elle a longtemps coopéré avec le lycée agricole.",
    "coopère": "Le réseau coopère avec des partenaires italiens.",
    "coopérer": "Il faut coopérer davantage entre voisins.",
    "coopération": "La coopération entre structures reste fragile.",
    "crée": "La commune crée un fonds de garantie.",
    "créé": "Le collectif a créé une monnaie locale.",
    "créent": "Les habitants créent des jardins partagés.",
    "créer": "Nous voulons créer une ressourcerie.",
    "création": "La création d'emplois reste lente.",
    "épiceries": "Trois épiceries solidaires ont ouvert.",
}


@pytest.fixture(scope="module")
def inflections_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("inflections") / "inflections.sqlite3"
    text = "Des verbes et des noms\n\n" + "\n\n".join(SENTENCES.values())
    doc = Document(
        source="flexions.txt", text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest()
    )
    with Store(db) as store:
        store.add_document(doc, split_document(doc))
    return db


def found_keys(db: Path, query: str, *, forms: bool = True) -> list[str]:
    with Store(db) as store:
        frame = search_view.search_frame(
            store, query, forms=search_view.inflected_forms(query) if forms else None
        )
    return [key for text in frame["text"] for key, sentence in SENTENCES.items() if sentence in text]


@pytest.mark.parametrize("query", ["coopérer", "coopère", "coopérons", "cooperer", "COOPÈRENT"])
def test_every_inflection_of_a_verb_and_no_derived_noun(inflections_db: Path, query: str) -> None:
    found = found_keys(inflections_db, query)
    assert set(found) == {"coopèrent", "coopérons", "coopéré", "coopère", "coopérer"}, found
    assert len(found) == len(set(found))


@pytest.mark.parametrize("query", ["créer", "crée", "créé", "créent", "creer"])
def test_creer_and_its_forms_find_each_other(inflections_db: Path, query: str) -> None:
    found = found_keys(inflections_db, query)
    assert set(found) == {"crée", "créé", "créent", "créer"}, found  # « création » is another word


def test_the_form_typed_comes_first(inflections_db: Path) -> None:
    assert found_keys(inflections_db, "créent")[0] == "créent"
    assert found_keys(inflections_db, "coopérons")[0] == "coopérons"


def test_a_noun_finds_its_plural_and_its_singular(inflections_db: Path) -> None:
    assert "épiceries" in found_keys(inflections_db, "épicerie")
    assert "coopérons" in found_keys(inflections_db, "épicerie")  # « les épiceries »
    assert set(found_keys(inflections_db, "épiceries")) == set(found_keys(inflections_db, "épicerie"))


def test_without_forms_only_the_word_as_typed(inflections_db: Path) -> None:
    assert found_keys(inflections_db, "créer", forms=False) == ["créer"]


def test_the_concordance_centres_on_the_inflection_found() -> None:
    forms = search_view.inflected_forms("créer")
    left, keyword, right = search_view.concordance(SENTENCES["créent"], "créer", forms=forms)
    assert keyword == "créent"
    assert left.endswith("habitants ") and right.startswith(" des jardins")


def test_prefix_words_are_not_expanded() -> None:
    assert search_view.inflected_forms("coop* créer").keys() == {"creer"}


def test_the_lexicon_comes_from_the_pipeline_tables() -> None:
    lex = lexicon()
    forms = set(lex.inflections("agir"))
    assert {"agit", "agissent", "agissons", "agi"} <= forms
    assert {"bureaux", "bureau"} <= set(lex.inflections("bureau"))
    assert lex.inflections("a") == ["a"]  # too short to expand
