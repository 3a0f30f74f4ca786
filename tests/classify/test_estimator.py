"""TextClassifier: the scikit-learn estimator contract, single- and multi-label, explanations."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from ess_nlp.classify import TextClassifier, TextFeatures

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning"),
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


@parametrize_with_checks([TextClassifier(max_iter=300)])
def test_sklearn_estimator_checks(estimator: TextClassifier, check) -> None:  # type: ignore[no-untyped-def]
    """Every check of sklearn.utils.estimator_checks that applies to a classifier on numbers."""
    check(estimator)


def test_init_only_stores_parameters() -> None:
    features = TextFeatures(char_ngrams=None)
    clf = TextClassifier(features=features, C=3.0, threshold=0.4, random_state=7)
    assert clf.get_params(deep=False)["features"] is features
    assert clone(clf).get_params(deep=False)["C"] == 3.0
    with pytest.raises(NotFittedError):
        clf.predict_proba(["un texte"])


def test_single_label_on_texts(single_label_data: tuple[list[str], list[str]]) -> None:
    texts, labels = single_label_data
    clf = TextClassifier(random_state=0).fit(texts, labels)
    assert clf.fit(texts, labels) is clf
    assert list(clf.classes_) == ["emploi", "logement", "sante"]
    assert not clf.multilabel_
    proba = clf.predict_proba(["Les loyers des logements sont trop chers.", "Le médecin soigne les malades."])
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert list(clf.predict(["Les loyers des logements sont trop chers."])) == ["logement"]
    assert clf.predict_labels(["Le médecin soigne les malades."]) == [["sante"]]


def test_multi_label_on_texts(multi_label_data: tuple[list[str], list[tuple[str, ...]]]) -> None:
    texts, labels = multi_label_data
    clf = TextClassifier(random_state=0, threshold=0.5).fit(texts, labels)
    assert clf.multilabel_
    proba = clf.predict_proba(["Les salariés en insertion rénovent des logements."])
    assert proba.shape == (1, 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    found = clf.predict_labels(["Les salariés en insertion rénovent des logements et les loyers baissent."])[
        0
    ]
    assert "logement" in found


def test_same_seed_same_scores(single_label_data: tuple[list[str], list[str]]) -> None:
    texts, labels = single_label_data
    a = TextClassifier(random_state=3).fit(texts, labels).predict_proba(texts)
    b = TextClassifier(random_state=3).fit(texts, labels).predict_proba(texts)
    assert np.array_equal(a, b)


def test_term_contributions_name_the_words(single_label_data: tuple[list[str], list[str]]) -> None:
    texts, labels = single_label_data
    clf = TextClassifier(random_state=0).fit(texts, labels)
    [terms] = clf.term_contributions(["Les loyers du logement social augmentent."], "logement", top=3)
    assert terms, "a text full of housing words must have housing evidence"
    assert all(weight > 0 for _, weight in terms)
    assert {"loyer", "logement"} & {term for term, _ in terms}
    with pytest.raises(KeyError):
        clf.term_contributions(["x"], "inconnu")


def test_rejects_numbers_after_text_fit(single_label_data: tuple[list[str], list[str]]) -> None:
    texts, labels = single_label_data
    clf = TextClassifier().fit(texts, labels)
    with pytest.raises(ValueError, match="fitted on texts"):
        clf.predict(np.zeros((2, 3)))


def test_features_with_spacy_vectors(single_label_data: tuple[list[str], list[str]]) -> None:
    texts, _ = single_label_data
    features = TextFeatures(word_ngrams=(1, 1), char_ngrams=None, embeddings="spacy").fit(texts)
    matrix = features.transform(texts[:2])
    assert matrix.shape == (2, features.n_features_out_)
    assert features.feature_names()[-1].startswith("e:")
    with pytest.raises(ValueError, match="embeddings"):
        TextFeatures(embeddings="word2vec").fit(texts)
