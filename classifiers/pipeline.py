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
from sklearn.base import BaseEstimator, ClassifierMixin
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from .definitions import RULE_HIT, CueCounts
from .features import FirstClauseTfidf, TextPreparer, char_1_3, word_ngrams
from .labels import TARGETS
from .linear import CalibratedLinearClassifier, checked_input


# Scale of the cue-group columns beside the l2-normalised TF-IDF blocks (0 leaves them out)
# and the SVMs' inverse regularisation; chosen by case-grouped cross-validation on the training
# side (bench/tune_triage.py; figures in docs/triage.md).
CUE_WEIGHT = 0.5
SVM_C = 1.0
# Weight of the first-clause block (0 leaves it out): tried for issue 19 in session 12 by the
# same cross-validation, weights 0.5 and 1.0, and not adopted (docs/triage.md).
FIRST_CLAUSE_WEIGHT = 0.0

# Fewest positive (and negative) samples a label needs for its own calibrated model.
MIN_LABEL_COUNT = 3


class PrimaryMultiLabelClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label classifier that also names one primary label per sample.

    `fit` takes `y` as a list of label lists whose first element is the primary label.
    Two kinds of calibrated linear models are learned on the same features: a multi-class
    model of the primary label, and one binary model per label for its presence. `predict`
    returns, per sample, the primary label followed by the other labels whose presence
    probability reaches `threshold`, most probable first.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of every linear SVM.
    class_weight : "balanced" or None
    cv : int
        Folds for the calibration sigmoids.
    threshold : float
        Presence probability at which a secondary label is reported.
    """

    def __init__(
        self, C: float = 0.5, class_weight: str | None = "balanced", cv: int = 3, threshold: float = 0.5
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.threshold = threshold

    def _linear(self) -> CalibratedLinearClassifier:
        return CalibratedLinearClassifier(C=self.C, class_weight=self.class_weight, cv=self.cv)

    def fit(self, X: Any, y: Sequence[Sequence[str]]) -> "PrimaryMultiLabelClassifier":
        """Learn the primary-label model and the per-label presence models."""
        label_lists = _check_label_lists(y)
        primary = [labels[0] for labels in label_lists]
        self.classes_ = np.array(sorted({label for labels in label_lists for label in labels}))
        self.primary_estimator_ = self._linear().fit(X, primary)
        # Columns of the primary model's probabilities in self.classes_ order; a label seen
        # only as a secondary label never wins the primary slot (its column stays zero).
        self.primary_columns_ = np.searchsorted(self.classes_, self.primary_estimator_.classes_)

        presence = MultiLabelBinarizer(classes=list(self.classes_)).fit_transform(label_lists)
        # Calibration cross-validates, so a label needs a few positives and negatives to get
        # its own presence model; rarer labels are reported through the primary model only.
        counts = presence.sum(axis=0)
        enough = (counts >= MIN_LABEL_COUNT) & (len(label_lists) - counts >= MIN_LABEL_COUNT)
        self.presence_columns_ = np.flatnonzero(enough)
        binaries = [self._linear().fit(X, presence[:, j]) for j in self.presence_columns_]
        # One matrix for all labels, so presence costs one sparse product per batch.
        n_features = self.primary_estimator_.coef_.shape[1]
        self.presence_coef_ = (
            np.vstack([m.coef_ for m in binaries]) if binaries else np.zeros((0, n_features))
        )
        self.presence_intercept_ = np.array([m.intercept_[0] for m in binaries])
        self.presence_a_ = np.array([m.sigmoid_a_[0] for m in binaries])
        self.presence_b_ = np.array([m.sigmoid_b_[0] for m in binaries])
        self.n_features_in_ = n_features
        return self

    def predict_primary_proba(self, X: Any) -> np.ndarray:
        """Probability that each label is the primary one (rows sum to 1)."""
        X = checked_input(self, X)
        proba = self.primary_estimator_.predict_proba(X)
        out = np.zeros((proba.shape[0], len(self.classes_)), dtype=float)
        out[:, self.primary_columns_] = proba
        return out

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability that each label applies (independent per label).

        The primary model's probability is a lower bound: if a label is probably the primary
        one, it certainly applies.
        """
        X = checked_input(self, X)
        primary = self.predict_primary_proba(X)
        scores = np.asarray(X @ self.presence_coef_.T) + self.presence_intercept_
        presence = np.zeros_like(primary)
        presence[:, self.presence_columns_] = expit(-(self.presence_a_ * scores + self.presence_b_))
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


def _features(
    cue_weight: float = CUE_WEIGHT, rule_hit: float | None = None, first_clause: float = FIRST_CLAUSE_WEIGHT
) -> FeatureUnion:
    """Jieba word unigrams+bigrams and character 1–3-grams, each TF-IDF weighted, and the
    cue groups of DEFINITIONS.md (deducted / pocketed / demanded, kin, programme words …),
    which carry the definitions' distinctions into wordings the corpus never used; with
    `first_clause` > 0, also the first clause's words as a block of that weight."""
    common = dict(sublinear_tf=True, dtype=np.float32, lowercase=False)
    steps: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(analyzer=word_ngrams, min_df=1, **common)),
        ("chars", TfidfVectorizer(analyzer=char_1_3, min_df=2, **common)),
    ]
    if cue_weight:
        steps.append(("cues", CueCounts(weight=cue_weight, rule_hit=RULE_HIT if rule_hit is None else rule_hit)))
    if first_clause:
        steps.append(("first", FirstClauseTfidf(analyzer="words", weight=first_clause)))
    return FeatureUnion(steps)


def build_pipeline(
    target: str,
    *,
    cue_weight: float = CUE_WEIGHT,
    C: float = SVM_C,
    rule_hit: float | None = None,
    first_clause: float = FIRST_CLAUSE_WEIGHT,
) -> Pipeline:
    """Return a fresh, unfitted estimator for `target` ("problem_type" or "program").

    Both take a list of raw strings. For "problem_type", `y` is a list of label lists
    (primary first) and `predict` returns label lists; for "program", `y` is a list of
    programme codes.
    """
    # LinearSVC is the strongest fast linear model on sparse TF-IDF text; its scores become
    # probabilities through Platt sigmoids fitted on cross-validated scores. Class weights
    # are balanced because the corpus is not.
    if target == "problem_type":
        model: BaseEstimator = PrimaryMultiLabelClassifier(C=C, cv=3, threshold=0.5)
    elif target == "program":
        model = CalibratedLinearClassifier(C=C, cv=3)
    else:
        raise ValueError(f"Unknown target {target!r}; expected one of {TARGETS}.")
    return Pipeline(
        [("prepare", TextPreparer()), ("features", _features(cue_weight, rule_hit, first_clause)), ("model", model)]
    )
