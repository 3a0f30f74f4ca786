"""Model folders: exact save/load round trip, atomic writes, checks on loading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ess_nlp.classify import ClassificationModel, TextClassifier, TextFeatures, load_model, save_model
from ess_nlp.classify.model import FORMAT_VERSION, MODEL_FILE, latest_version, next_version
from ess_nlp.errors import ModelError
from ess_nlp.taxonomy import Taxonomy, parse_taxonomy

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.fixture(scope="module")
def trained(
    mini_taxonomy: Taxonomy, multi_label_data: tuple[list[str], list[tuple[str, ...]]]
) -> ClassificationModel:
    texts, labels = multi_label_data
    clf = TextClassifier(features=TextFeatures(char_ngrams=(2, 4)), random_state=0).fit(texts, labels)
    return ClassificationModel(mini_taxonomy, {"sujets": clf}, meta={"seed": 0})


@pytest.fixture(scope="module")
def saved(trained: ClassificationModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_model(trained, tmp_path_factory.mktemp("models") / "mini" / "1")


def test_folder_layout_and_meta(saved: Path, mini_taxonomy: Taxonomy) -> None:
    assert sorted(p.name for p in saved.iterdir()) == [
        "README.md",
        "meta.json",
        "model.skops",
        "taxonomy.yaml",
    ]
    meta = json.loads((saved / "meta.json").read_text("utf-8"))
    assert meta["format_version"] == FORMAT_VERSION
    assert (meta["name"], meta["version"], meta["kind"]) == ("mini", "1", "supervised")
    assert meta["taxonomy"]["fingerprint"] == mini_taxonomy.fingerprint()
    assert "scikit-learn" in meta["packages"]
    assert "# Modèle mini — version 1" in (saved / "README.md").read_text("utf-8")
    assert not [p for p in saved.parent.iterdir() if p.name.startswith(".")]


WORDS = [
    "logement",
    "loyer",
    "emploi",
    "chômage",
    "médecin",
    "santé",
    "le",
    "des",
    "maison",
    "salarié",
    "soin",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join),
            st.text(alphabet="abcdeéèàçôïABC .,;'’-\n0123456789", max_size=60),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_round_trip_gives_exactly_the_same_scores(
    trained: ClassificationModel, saved: Path, texts: list[str]
) -> None:
    loaded = load_model(saved)
    expected = trained.predict_proba(texts, "sujets")
    assert np.array_equal(loaded.predict_proba(texts, "sujets"), expected)
    assert [p.labels for p in loaded.predict(texts)] == [p.labels for p in trained.predict(texts)]


def test_existing_folder_is_not_overwritten(trained: ClassificationModel, saved: Path) -> None:
    with pytest.raises(ModelError, match="existe déjà"):
        save_model(trained, saved)


def test_failed_write_leaves_nothing_behind(
    trained: ClassificationModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skops.io

    def broken_dump(*args: object, **kwargs: object) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr(skops.io, "dump", broken_dump)
    with pytest.raises(OSError, match="disque plein"):
        save_model(trained, tmp_path / "mini" / "2")
    assert list((tmp_path / "mini").iterdir()) == []


def test_other_taxonomy_is_refused(saved: Path, mini_taxonomy: Taxonomy) -> None:
    renamed = parse_taxonomy(mini_taxonomy.model_dump_json().replace('"name":"mini"', '"name":"autre"'))
    with pytest.raises(ModelError, match="entraîné sur la taxonomie « mini », pas sur « autre »"):
        load_model(saved, taxonomy=renamed)
    data = mini_taxonomy.model_dump()
    data["facets"][0]["labels"] = [*data["facets"][0]["labels"], {"id": "culture", "name": "Culture"}]
    more = Taxonomy.model_validate(data)
    with pytest.raises(ModelError, match="labels en plus : culture"):
        load_model(saved, taxonomy=more)
    assert load_model(saved, taxonomy=mini_taxonomy).taxonomy == mini_taxonomy


def test_newer_format_and_tampered_files_are_refused(saved: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(saved, copy)
    meta = json.loads((copy / "meta.json").read_text("utf-8"))
    meta["format_version"] = FORMAT_VERSION + 1
    (copy / "meta.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelError, match=f"format {FORMAT_VERSION + 1}, plus récent"):
        load_model(copy)
    meta["format_version"] = FORMAT_VERSION
    (copy / "meta.json").write_text(json.dumps(meta), "utf-8")
    with (copy / MODEL_FILE).open("ab") as handle:
        handle.write(b"x")
    with pytest.raises(ModelError, match="empreinte SHA-256"):
        load_model(copy)
    with pytest.raises(ModelError, match="introuvable"):
        load_model(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match=r"pas de fichier meta\.json"):
        load_model(tmp_path / "empty")


def test_zero_shot_model_folder(mini_taxonomy: Taxonomy, tmp_path: Path) -> None:
    folder = save_model(ClassificationModel(mini_taxonomy), tmp_path / "zs" / "1")
    loaded = load_model(folder)
    assert loaded.kind == "zero-shot" and not (folder / MODEL_FILE).exists()
    [prediction] = loaded.predict(["Les loyers des logements augmentent."], explain=True)
    assert prediction.labels["sujets"] == ["logement"]
    assert prediction.explanations["sujets"]["logement"].terms


def test_versions(tmp_path: Path, mini_taxonomy: Taxonomy) -> None:
    assert next_version("m", tmp_path) == "1"
    for version in ("2", "10", "9"):
        save_model(ClassificationModel(mini_taxonomy), tmp_path / "m" / version)
    assert latest_version("m", tmp_path) == tmp_path / "m" / "10"
    assert next_version("m", tmp_path) == "11"


def test_explanations_show_content_words_only(
    mini_taxonomy: Taxonomy, single_label_data: tuple[list[str], list[str]]
) -> None:
    texts, labels = single_label_data
    # Every housing text also says « parce que » and « m² »: the classifier weighs them too.
    texts = [
        t + " Parce que 40 m² suffisent." if y == "logement" else t
        for t, y in zip(texts, labels, strict=True)
    ]
    clf = TextClassifier(features=TextFeatures(char_ngrams=None), random_state=0).fit(texts, labels)
    model = ClassificationModel(mini_taxonomy, {"sujets": clf})
    text = "Parce que le loyer du logement de 40 m² augmente."
    raw = [term for term, _ in clf.term_contributions([text], "logement", top=20)[0]]
    assert {"parce", "m²"} & {w for term in raw for w in term.split()}  # the classifier does use them
    [prediction] = model.predict([text], explain=True)
    shown = [e.term for e in prediction.explanations["sujets"]["logement"].terms]
    assert shown and "logement" in shown
    assert not {"parce", "que", "m²", "40", "de"} & {w for term in shown for w in term.split()}


def test_remembered_scores_are_the_same_and_not_computed_twice(
    mini_taxonomy: Taxonomy, multi_label_data: tuple[list[str], list[tuple[str, ...]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ess_nlp.classify._text import LemmatizedText, with_lemmas
    from ess_nlp.classify.model import ScoreMemo

    texts, labels = multi_label_data
    clf = TextClassifier(features=TextFeatures(char_ngrams=None), random_state=0).fit(texts, labels)
    model = ClassificationModel(mini_taxonomy, {"sujets": clf}, uncertain_below=0.0)
    sentences = with_lemmas(texts[:3] + texts[6:9] + texts[12:14])
    cahier_text = " ".join(sentences)
    spans, start = [], 0
    for s in sentences:
        spans.append((start, start + len(s), s.lemmas))
        start += len(s) + 1
    cahier = LemmatizedText(cahier_text, " ".join(s.lemmas for s in sentences), spans)
    section = LemmatizedText(cahier_text[: spans[4][1]], " ".join(s.lemmas for s in sentences[:5]), spans[:5])
    # The step's order: the cahier and a section in one batch, their sentences in the next ones.
    batches = [[cahier, section, *sentences[:2]], sentences[2:5], sentences[5:]]
    alone = [model.predict(batch, explain=True) for batch in batches]

    scored: list[int] = []
    proba = model.predict_proba
    monkeypatch.setattr(model, "predict_proba", lambda items, facet: scored.append(len(items)) or proba(items, facet))
    memo = ScoreMemo()
    remembered = [model.predict(batch, explain=True, memo=memo) for batch in batches]
    assert remembered == alone  # same scores, labels, words and sentences, to the last bit
    assert any(p.explanations["sujets"][label].sentences for p in alone[0] for label in p.labels["sujets"])
    # Each distinct text scored once: the cahier, the section and each sentence.
    assert sum(scored) == 2 + len(sentences)
    # Bounded: two generations of at most ``size`` rows; the oldest rows are forgotten first.
    small = ScoreMemo(size=2)
    for n in range(5):
        small.put(("f", str(n), ""), np.zeros(1))
    assert len(small) == 3 and small.get(("f", "0", "")) is None and small.get(("f", "4", "")) is not None


def test_feature_contributions_of_shared_features_are_the_term_contributions(
    mini_taxonomy: Taxonomy, multi_label_data: tuple[list[str], list[tuple[str, ...]]]
) -> None:
    texts, labels = multi_label_data
    clf = TextClassifier(features=TextFeatures(char_ngrams=None), random_state=0).fit(texts, labels)
    assert clf.features_ is not None
    features = clf.features_.transform(texts)
    for label in ("logement", "emploi", "sante"):
        rows = [i for i, y in enumerate(labels) if label in y]
        subset = [texts[i] for i in rows]
        assert clf.feature_contributions(features[rows], label, top=20) == clf.term_contributions(
            subset, label, top=20
        )
