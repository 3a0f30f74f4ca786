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


@parametrize_with_checks([TextClassifier(max_iter=300), TextClassifier(max_iter=300, nb_weights=True)])
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


def test_nb_weights_single_label_on_texts(single_label_data: tuple[list[str], list[str]]) -> None:
    texts, labels = single_label_data
    clf = TextClassifier(nb_weights=True, random_state=0).fit(texts, labels)
    assert len(clf.estimators_) == 3 and not hasattr(clf, "estimator_")
    probe = ["Les loyers des logements sont trop chers.", "Le médecin soigne les malades."]
    proba = clf.predict_proba(probe)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert list(clf.predict(probe)) == ["logement", "sante"]
    assert np.array_equal(np.argmax(clf.decision_function(probe), axis=1), np.argmax(proba, axis=1))
    [terms] = clf.term_contributions(["Les loyers du logement social augmentent."], "logement", top=3)
    assert {"loyer", "logement"} & {term for term, _ in terms}


def test_nb_ratios_are_folded_into_the_coefficients() -> None:
    """The model fitted on ratio-scaled features scores the raw ones: x·(r∘w) = (x∘r)·w."""
    from scipy import sparse

    from ess_nlp.classify.estimator import nb_log_count_ratios

    rng = np.random.default_rng(0)
    X = sparse.csr_matrix(rng.random((40, 12)) * (rng.random((40, 12)) < 0.3))
    y = (np.asarray(X[:, 0].todense()).ravel() > 0).astype(int)
    clf = TextClassifier(features="passthrough", nb_weights=True, random_state=0).fit(X, y)
    ratios = nb_log_count_ratios(X, y)
    assert ratios[0] > 1  # present only in the positive rows
    dense = np.hstack([X.toarray(), np.ones((40, 1))])  # a column present in every row keeps ratio 1
    assert nb_log_count_ratios(dense, y)[-1] == 1.0
    binary = TextClassifier(features="passthrough", random_state=0).fit(X.multiply(ratios).tocsr(), y)
    assert np.array_equal(clf.predict(X), binary.predict(X.multiply(ratios).tocsr()))


def test_models_saved_before_nb_weights_load_as_plain_logistic(
    single_label_data: tuple[list[str], list[str]],
) -> None:
    texts, labels = single_label_data
    clf = TextClassifier(nb_weights=False, random_state=0).fit(texts, labels)
    state = clf.__getstate__()
    state.pop("nb_weights")
    old = TextClassifier.__new__(TextClassifier)
    old.__setstate__(state)
    assert old.get_params()["nb_weights"] is False
    assert np.array_equal(old.predict_proba(texts), clf.predict_proba(texts))
