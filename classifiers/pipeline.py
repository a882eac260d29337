"""The scikit-learn estimators that classify complaints.

`build_pipeline(target)` is the single place a model is defined, so training, evaluation,
cross-validation and serving all use the same object:

    Pipeline(prepare → FeatureUnion(jieba words, character n-grams) → calibrated linear model)

Problem types are multi-label with one primary type (routing and statistics count the
primary); `PrimaryMultiLabelClassifier` learns both. Programme is single-label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from .features import TextPreparer, char_1_3, word_ngrams
from .labels import TARGETS


# Fewest positive (and negative) samples a label needs for its own calibrated model.
MIN_LABEL_COUNT = 3


class PrimaryMultiLabelClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label classifier that also names one primary label per sample.

    `fit` takes `y` as a list of label lists whose first element is the primary label.
    Two models are learned on the same features: a multi-class model of the primary label
    and one-vs-rest models of each label's presence. `predict` returns, per sample, the
    primary label followed by the other labels whose presence probability reaches
    `threshold`, most probable first.

    Parameters
    ----------
    primary_estimator : classifier with predict_proba
        Cloned and fitted on the primary labels.
    presence_estimator : binary classifier with predict_proba
        Cloned once per label (one-vs-rest) and fitted on label presence.
    threshold : float
        Presence probability at which a secondary label is reported.
    """

    def __init__(
        self,
        primary_estimator: Any = None,
        presence_estimator: Any = None,
        threshold: float = 0.5,
    ) -> None:
        self.primary_estimator = primary_estimator
        self.presence_estimator = presence_estimator
        self.threshold = threshold

    def fit(self, X: Any, y: Sequence[Sequence[str]]) -> "PrimaryMultiLabelClassifier":
        """Learn the primary-label model and the per-label presence models."""
        label_lists = _check_label_lists(y)
        primary = [labels[0] for labels in label_lists]
        self.classes_ = np.array(sorted({label for labels in label_lists for label in labels}))
        self.primary_estimator_ = clone(_or_default(self.primary_estimator)).fit(
            X, primary
        )
        binarizer = MultiLabelBinarizer(classes=list(self.classes_))
        presence = binarizer.fit_transform(label_lists)
        # Calibration cross-validates, so a label needs a few positives and negatives to get
        # its own presence model; rarer labels are reported through the primary model only.
        counts = presence.sum(axis=0)
        enough = (counts >= MIN_LABEL_COUNT) & (len(label_lists) - counts >= MIN_LABEL_COUNT)
        self.presence_columns_ = np.flatnonzero(enough)
        self.presence_estimator_ = OneVsRestClassifier(
            clone(_or_default(self.presence_estimator))
        ).fit(X, presence[:, self.presence_columns_])
        # Columns of the primary model's probabilities, in self.classes_ order; a label seen
        # only as a secondary label never wins the primary slot (its column stays zero).
        self._primary_columns_ = np.searchsorted(
            self.classes_, self.primary_estimator_.classes_
        )
        return self

    def predict_primary_proba(self, X: Any) -> np.ndarray:
        """Probability that each label is the primary one (rows sum to 1)."""
        check_is_fitted(self)
        proba = self.primary_estimator_.predict_proba(X)
        out = np.zeros((proba.shape[0], len(self.classes_)), dtype=float)
        out[:, self._primary_columns_] = proba
        return out

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability that each label applies (independent per label, one-vs-rest).

        The primary model's probability is a lower bound: if a label is probably the primary
        one, it certainly applies.
        """
        check_is_fitted(self)
        primary = self.predict_primary_proba(X)
        presence = np.zeros_like(primary)
        presence[:, self.presence_columns_] = self.presence_estimator_.predict_proba(X)
        return np.maximum(presence, primary)

    def predict(self, X: Any) -> list[list[str]]:
        """Per sample: the primary label, then the other labels above `threshold`."""
        primary = self.predict_primary_proba(X)
        presence = self.predict_proba(X)
        return [
            labels_from_probabilities(self.classes_, p_row, q_row, self.threshold)
            for p_row, q_row in zip(primary, presence)
        ]

    def predict_primary(self, X: Any) -> np.ndarray:
        """The primary label of each sample."""
        return self.classes_[np.argmax(self.predict_primary_proba(X), axis=1)]

    def score(self, X: Any, y: Sequence[Sequence[str]], sample_weight: Any = None) -> float:
        """Accuracy of the primary label, so cross-validation helpers work unchanged."""
        truth = np.array([labels[0] for labels in _check_label_lists(y)])
        hits = self.predict_primary(X) == truth
        return float(np.average(hits, weights=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def labels_from_probabilities(
    classes: np.ndarray, primary: np.ndarray, presence: np.ndarray, threshold: float
) -> list[str]:
    """Primary label first, then other labels whose presence reaches the threshold."""
    best = int(np.argmax(primary))
    others = [i for i in np.argsort(-presence) if i != best and presence[i] >= threshold]
    return [str(classes[best])] + [str(classes[i]) for i in others]


def _check_label_lists(y: Sequence[Sequence[str]]) -> list[list[str]]:
    """Validate multi-label targets: a non-empty list of labels per sample."""
    if isinstance(y, (str, bytes)):
        raise ValueError("y must be a list of label lists, e.g. [['false_claim'], ...].")
    label_lists = []
    for labels in y:
        if isinstance(labels, str):
            labels = [labels]
        labels = [str(label) for label in labels]
        if not labels:
            raise ValueError("Every sample needs at least one label (its primary type).")
        label_lists.append(list(dict.fromkeys(labels)))  # drop repeats, keep order
    return label_lists


def _or_default(estimator: Any) -> Any:
    return _default_linear() if estimator is None else estimator


def _default_linear() -> CalibratedClassifierCV:
    """A linear SVM with Platt-calibrated probabilities.

    LinearSVC is the strongest fast linear model on sparse TF-IDF text; its scores are not
    probabilities, so CalibratedClassifierCV fits sigmoids on cross-validated scores.
    Class weights are balanced because the corpus is not.
    """
    return CalibratedClassifierCV(
        LinearSVC(C=0.5, class_weight="balanced"),
        method="sigmoid",
        cv=3,
        ensemble=False,
    )


def _features() -> FeatureUnion:
    """Jieba word unigrams+bigrams alongside character 1–3-grams, each TF-IDF weighted."""
    common = dict(sublinear_tf=True, dtype=np.float32, lowercase=False)
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=word_ngrams, min_df=1, **common)),
            ("chars", TfidfVectorizer(analyzer=char_1_3, min_df=2, **common)),
        ]
    )


def build_pipeline(target: str) -> Pipeline:
    """Return a fresh, unfitted estimator for `target` ("problem_type" or "program").

    Both take a list of raw strings. For "problem_type", `y` is a list of label lists
    (primary first) and `predict` returns label lists; for "program", `y` is a list of
    programme codes.
    """
    if target == "problem_type":
        model: BaseEstimator = PrimaryMultiLabelClassifier(
            primary_estimator=_default_linear(),
            presence_estimator=_default_linear(),
            threshold=0.5,
        )
    elif target == "program":
        model = _default_linear()
    else:
        raise ValueError(f"Unknown target {target!r}; expected one of {TARGETS}.")
    return Pipeline(
        [("prepare", TextPreparer()), ("features", _features()), ("model", model)]
    )
