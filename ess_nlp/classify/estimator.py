"""The supervised classifier: a scikit-learn estimator, single-label or multi-label.

:class:`TextClassifier` follows the estimator contract (``__init__`` only stores parameters,
``fit`` returns ``self``, learned attributes end in ``_``, explicit ``random_state``), so
``sklearn.utils.estimator_checks`` can test it and it composes with ``cross_validate``,
``GridSearchCV`` and ``clone``.

- ``X``: texts (``str`` or :class:`~ess_nlp.classify.LemmatizedText`), featurised by
  ``features`` (a :class:`~ess_nlp.classify.features.TextFeatures`); or, with
  ``features="passthrough"``, a numeric feature matrix.
- ``y``: one label per text (single-label, softmax over the classes), or a binary indicator
  matrix / a list of label lists (multi-label, one binary model per label).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d, validate_data

from ess_nlp.classify._numeric import kernel_stable
from ess_nlp.classify.features import TextFeatures


class TextClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # sklearn: untyped bases
    """Linear classifier over text features with probability scores.

    Parameters
    ----------
    features : a ``TextFeatures`` (cloned at fit), ``"auto"`` (default ``TextFeatures()`` for
        texts, nothing for numeric input) or ``"passthrough"`` (``X`` is already numeric).
    C : inverse regularisation strength of the logistic regression.
    class_weight : ``"balanced"`` (default; reweights rare labels) or None.
    threshold : multi-label decision threshold on the per-label probability.
    max_iter : solver iterations.
    random_state : seed (the solver is deterministic; kept for the contract and for reproducibility).
    nb_weights : one binary logistic regression per label (one-vs-rest) on features scaled by
        that label's naive Bayes log-count ratio (Wang & Manning 2012, "NB-LR": the ratio of a
        feature's presence rate in the label's texts to its rate in the others, add-one
        smoothed); single-label probabilities are the per-label ones normalised to sum to one.
        The ratio is folded into the fitted coefficients, so the model scores raw features.
        False: a plain logistic regression (softmax over the classes when single-label); models
        saved before this parameter existed load with False and score as they did.
    """

    def __init__(
        self,
        features: TextFeatures | str = "auto",
        C: float = 10.0,
        class_weight: str | None = "balanced",
        threshold: float = 0.5,
        max_iter: int = 2000,
        random_state: int | None = 0,
        nb_weights: bool = False,
    ) -> None:
        self.features = features
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.max_iter = max_iter
        self.random_state = random_state
        self.nb_weights = nb_weights

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A model saved before ``nb_weights`` existed was a plain logistic regression.
        state = dict(state)
        state.setdefault("nb_weights", False)
        super().__setstate__(state)

    # --- fitting ----------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> TextClassifier:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        self.features_ = self._make_features(X)
        Xf = self._fit_features(X, y)
        target, multilabel = _target(y)
        self.multilabel_ = multilabel
        if multilabel:
            if isinstance(target, np.ndarray):
                Y = check_array(target, ensure_2d=True, dtype=None)
                if not np.isin(np.unique(Y), [0, 1]).all():
                    raise ValueError("a multi-label indicator matrix must hold only 0 and 1")
                self._binarizer_ = None
                self.classes_ = np.arange(Y.shape[1])
                Y = Y.astype(int)
            else:
                self._binarizer_ = MultiLabelBinarizer()
                Y = self._binarizer_.fit_transform(target)
                self.classes_ = self._binarizer_.classes_
            if Y.shape[0] != Xf.shape[0]:
                raise ValueError(f"X has {Xf.shape[0]} samples but y has {Y.shape[0]}")
            self.estimators_ = [self._fit_binary(Xf, Y[:, k]) for k in range(Y.shape[1])]
            fitted = [e for e in self.estimators_ if not isinstance(e, float)]
            self.n_iter_ = np.array([int(np.max(e.n_iter_)) for e in fitted] or [0])
        else:
            y_arr = column_or_1d(target, warn=True)
            self.classes_, encoded = np.unique(y_arr, return_inverse=True)
            if len(self.classes_) < 2:
                raise ValueError(
                    f"The number of classes has to be greater than one; got {len(self.classes_)} class"
                )
            if len(encoded) != Xf.shape[0]:
                raise ValueError(f"X has {Xf.shape[0]} samples but y has {len(encoded)}")
            if self.nb_weights:
                # One-vs-rest; with two classes one model, for classes_[1], as scikit-learn does.
                positives = [1] if len(self.classes_) == 2 else range(len(self.classes_))
                self.estimators_ = [self._fit_label(Xf, (encoded == k).astype(int)) for k in positives]
                self.n_iter_ = np.array([int(np.max(e.n_iter_)) for e in self._ovr()])
            else:
                self.estimator_ = _stable_fit(self._logistic().fit(Xf, encoded))
                self.n_iter_ = np.asarray(self.estimator_.n_iter_)
        return self

    def _make_features(self, X: Any) -> TextFeatures | None:
        if isinstance(self.features, TextFeatures):
            fresh: TextFeatures = clone(self.features)
            return fresh
        if self.features == "passthrough":
            return None
        if self.features == "auto":
            return TextFeatures() if _is_text(X) else None
        raise ValueError(f"features must be a TextFeatures, 'auto' or 'passthrough', got {self.features!r}")

    def _fit_features(self, X: Any, y: Any) -> Any:
        if self.features_ is not None:
            Xf = self.features_.fit_transform(X)
            self.n_features_in_ = 1
            return Xf
        return validate_data(self, X, accept_sparse="csr", reset=True)

    def _transform(self, X: Any) -> Any:
        check_is_fitted(self, "classes_")
        if self.features_ is not None:
            if not _is_text(X):
                raise ValueError("this classifier was fitted on texts; expected a sequence of str")
            return self.features_.transform(X)
        return validate_data(self, X, accept_sparse="csr", reset=False)

    def _logistic(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, class_weight=self.class_weight, max_iter=self.max_iter, random_state=self.random_state
        )

    def _fit_binary(self, Xf: Any, column: np.ndarray) -> LogisticRegression | float:
        """A binary model for one label, or its constant rate when the column never varies."""
        if column.min() == column.max():
            return float(column[0])
        return self._fit_label(Xf, column)

    def _fit_label(self, Xf: Any, column: np.ndarray) -> LogisticRegression:
        """A binary model for one label whose column holds both values."""
        if not self.nb_weights:
            return _stable_fit(self._logistic().fit(Xf, column))
        ratios = nb_log_count_ratios(Xf, column)
        scaled = sparse.csr_matrix(Xf).multiply(ratios).tocsr() if sparse.issparse(Xf) else Xf * ratios
        model = self._logistic().fit(scaled, column)
        # x·(r∘w) = (x∘r)·w: the fitted model scores the unscaled features.
        model.coef_ = model.coef_ * ratios
        return _stable_fit(model)

    def _one_vs_rest(self) -> bool:
        """Single-label scores come from one binary model per label (``nb_weights``)."""
        return not self.multilabel_ and hasattr(self, "estimators_")

    def _ovr(self) -> list[LogisticRegression]:
        """The single-label one-vs-rest models (none is a constant there)."""
        return [est for est in self.estimators_ if not isinstance(est, float)]

    # --- predicting -------------------------------------------------------------------------

    def decision_function(self, X: Any) -> np.ndarray:
        Xf = self._transform(X)
        if self.multilabel_:
            columns = []
            for est in self.estimators_:
                if isinstance(est, float):
                    columns.append(np.full(Xf.shape[0], 1e6 if est else -1e6))
                else:
                    columns.append(est.decision_function(Xf))
            return np.column_stack(columns) if columns else np.zeros((Xf.shape[0], 0))
        if self._one_vs_rest():
            decisions = [est.decision_function(Xf) for est in self._ovr()]
            return decisions[0] if len(decisions) == 1 else np.column_stack(decisions)
        scores: np.ndarray = self.estimator_.decision_function(Xf)
        return scores

    def predict_proba(self, X: Any) -> np.ndarray:
        """Per-class probabilities, ``(n_samples, n_classes)``.

        Single-label: the rows sum to one. Multi-label: one independent probability per label.
        """
        Xf = self._transform(X)
        if self.multilabel_:
            columns = []
            for est in self.estimators_:
                if isinstance(est, float):
                    columns.append(np.full(Xf.shape[0], est))
                else:
                    columns.append(est.predict_proba(Xf)[:, 1])
            return np.column_stack(columns) if columns else np.zeros((Xf.shape[0], 0))
        if self._one_vs_rest():
            positive = np.column_stack([est.predict_proba(Xf)[:, 1] for est in self._ovr()])
            if positive.shape[1] == 1:
                return np.hstack([1.0 - positive, positive])
            total = positive.sum(axis=1, keepdims=True)
            normalised: np.ndarray = positive / np.where(total > 0, total, 1.0)
            return normalised
        proba: np.ndarray = self.estimator_.predict_proba(Xf)
        return proba

    def predict(self, X: Any) -> np.ndarray:
        """Labels (single-label) or a binary indicator matrix (multi-label, columns = ``classes_``)."""
        proba = self.predict_proba(X)
        if self.multilabel_:
            return (proba >= self.threshold).astype(int)
        predicted: np.ndarray = self.classes_[np.argmax(proba, axis=1)]
        return predicted

    def predict_labels(self, X: Any) -> list[list[Any]]:
        """The predicted labels of each text as a list (both modes)."""
        predicted = self.predict(X)
        if self.multilabel_:
            return [[self.classes_[k] for k in np.flatnonzero(row)] for row in predicted]
        return [[label] for label in predicted]

    # --- explanations -----------------------------------------------------------------------

    def term_contributions(self, X: Any, label: Any, top: int = 5) -> list[list[tuple[str, float]]]:
        """For each text, the lemma n-grams that pushed ``label`` up most: ``(term, weight)``.

        ``weight`` is the term's contribution to the label's decision value (coefficient times
        feature value); only word n-grams are reported (character n-grams and dense vectors
        also count in the score but are not readable).
        """
        check_is_fitted(self, "classes_")
        if self.features_ is None:
            raise ValueError("explanations need a classifier fitted on texts")
        return self.feature_contributions(self.features_.transform(X), label, top)

    def feature_contributions(
        self, Xf: Any, label: Any, top: int = 5, *, names: Sequence[str] | None = None
    ) -> list[list[tuple[str, float]]]:
        """:meth:`term_contributions` of texts already transformed by ``features_`` (rows of
        ``features_.transform``); ``names`` (``features_.feature_names()``) may be passed when
        it is called for several labels."""
        check_is_fitted(self, "classes_")
        if self.features_ is None:
            raise ValueError("explanations need a classifier fitted on texts")
        index = int(np.flatnonzero(self.classes_ == label)[0]) if label in list(self.classes_) else -1
        if index < 0:
            raise KeyError(label)
        coef = self._coefficients(index)
        start, end = self.features_.word_block()
        if names is None:
            names = self.features_.feature_names()
        Xf = sparse.csr_matrix(Xf)
        result = []
        for row in range(Xf.shape[0]):
            low, high = Xf.indptr[row], Xf.indptr[row + 1]
            cols, values = Xf.indices[low:high], Xf.data[low:high]
            keep = (cols >= start) & (cols < end)
            cols = cols[keep]
            contrib = values[keep] * coef[cols]
            order = np.argsort(-contrib, kind="stable")[:top]
            result.append([(names[cols[i]][2:], float(contrib[i])) for i in order if contrib[i] > 0])
        return result

    def _coefficients(self, index: int) -> np.ndarray:
        if self.multilabel_:
            est = self.estimators_[index]
            if isinstance(est, float):
                return np.zeros(self.features_.n_features_out_ if self.features_ is not None else 0)
            coef: np.ndarray = est.coef_[0]
            return coef
        if self._one_vs_rest():
            if len(self.estimators_) == 1:  # binary: the model is for classes_[1]
                ovr_binary: np.ndarray = (1.0 if index == 1 else -1.0) * self._ovr()[0].coef_[0]
                return ovr_binary
            ovr: np.ndarray = self._ovr()[index].coef_[0]
            return ovr
        if self.estimator_.coef_.shape[0] == 1:  # binary: coef_ is for classes_[1]
            sign = 1.0 if index == 1 else -1.0
            binary: np.ndarray = sign * self.estimator_.coef_[0]
            return binary
        multi: np.ndarray = self.estimator_.coef_[index]
        return multi

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        if isinstance(self.features, TextFeatures):
            tags.input_tags.string = True
            tags.input_tags.two_d_array = False
        return tags


def _is_text(X: Any) -> bool:
    if isinstance(X, str):
        return False
    if isinstance(X, np.ndarray):
        return X.ndim == 1 and X.dtype.kind in "OUS" and all(isinstance(x, str) for x in X)
    if sparse.issparse(X):
        return False
    if isinstance(X, Sequence) and len(X) > 0:
        return all(isinstance(x, str) for x in X)
    return False


def _target(y: Any) -> tuple[Any, bool]:
    """``(y, multilabel)``: label sets and 2-D indicator matrices are multi-label.

    A list of equal-length lists of 0/1 integers is an indicator matrix (as in scikit-learn);
    any other sequence of lists, tuples or sets holds the labels of each sample.
    """
    if _is_indicator_lists(y):
        y = np.asarray(y)
    if isinstance(y, np.ndarray) and y.ndim == 2 and y.shape[1] > 1:
        kind = type_of_target(y)
        if kind == "multilabel-indicator":
            return y, True
        if kind in ("multiclass-multioutput", "continuous-multioutput"):
            raise ValueError(f"Unknown label type: {kind}; expected a binary indicator matrix")
        return y, True
    if isinstance(y, Sequence | np.ndarray) and len(y) > 0 and _is_label_lists(y):
        return [tuple(labels) for labels in y], True
    arr = np.asarray(y)
    kind = type_of_target(arr)
    if kind in ("continuous", "continuous-multioutput"):
        raise ValueError(f"Unknown label type: {kind}; classification needs discrete labels")
    return arr, False


def _is_indicator_lists(y: Any) -> bool:
    """A list of equal-length rows (lists or 1-D arrays) of 0/1 integers."""
    if not isinstance(y, list) or not y or not all(isinstance(row, list | np.ndarray) for row in y):
        return False
    width = len(y[0])
    return width > 1 and all(
        len(row) == width and all(isinstance(v, int | np.integer) and v in (0, 1) for v in row) for row in y
    )


def _is_label_lists(y: Iterable[Any]) -> bool:
    return all(isinstance(item, list | tuple | set | frozenset) for item in y)


def nb_log_count_ratios(Xf: Any, column: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Each feature's naive Bayes log-count ratio for the binary ``column`` (Wang & Manning
    2012): ``log((p / |p|₁) / (q / |q|₁))`` with ``p`` (``q``) the number of positive (negative)
    rows where the feature is non-zero, plus ``alpha``. A feature non-zero in every row (a dense
    one: an embedding dimension, a numeric column) says nothing by its presence: its ratio is 1,
    it is left as it is. Counts are integers, so the ratios do not depend on the BLAS kernel."""
    present = (sparse.csr_matrix(Xf) != 0).astype(np.int64)
    positive = np.asarray(present[column == 1].sum(axis=0), dtype=np.float64).ravel()
    negative = np.asarray(present[column != 1].sum(axis=0), dtype=np.float64).ravel()
    dense = positive + negative == len(column)
    positive, negative = positive[~dense] + alpha, negative[~dense] + alpha
    ratios = np.ones(len(dense))
    ratios[~dense] = np.log(positive / positive.sum()) - np.log(negative / negative.sum())
    return ratios


def _stable_fit(model: LogisticRegression) -> LogisticRegression:
    """``model`` with its coefficients rounded so that they do not depend on the BLAS kernel
    (:mod:`ess_nlp.classify._numeric`): a model trained on any machine scores the same."""
    model.coef_ = kernel_stable(model.coef_)
    model.intercept_ = kernel_stable(model.intercept_)
    return model
