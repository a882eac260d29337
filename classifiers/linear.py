"""A calibrated linear SVM that predicts with plain numpy.

Training uses scikit-learn's own `CalibratedClassifierCV(LinearSVC, method="sigmoid",
ensemble=False)`: the SVM is fitted on all the data and Platt sigmoids on cross-validated
scores. Only the numbers are kept (weights, intercepts, sigmoid parameters), because the
wrapped estimators validate their input on every call, which costs milliseconds per
complaint — more than the arithmetic. `predict_proba` reproduces scikit-learn's result
exactly (tests compare them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


class CalibratedLinearClassifier(ClassifierMixin, BaseEstimator):
    """Linear SVM with sigmoid-calibrated probabilities, compact at prediction time.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the SVM.
    class_weight : "balanced" or None
        "balanced" keeps small classes from being drowned by large ones.
    cv : int
        Folds used to fit the calibration sigmoids.
    """

    def __init__(self, C: float = 0.5, class_weight: str | None = "balanced", cv: int = 3) -> None:
        self.C = C
        self.class_weight = class_weight
        self.cv = cv

    def calibrated_estimator(self) -> CalibratedClassifierCV:
        """The scikit-learn estimator whose fitted numbers this one keeps."""
        return CalibratedClassifierCV(
            LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0),
            method="sigmoid",
            cv=self.cv,
            ensemble=False,
        )

    def fit(self, X: Any, y: Any) -> "CalibratedLinearClassifier":
        """Fit the SVM and its calibration, then keep only the arrays needed to predict."""
        X, y = validate_data(self, X, y, accept_sparse="csr", dtype=[np.float64, np.float32])
        check_classification_targets(y)
        fitted = self.calibrated_estimator().fit(X, y)
        (calibrated,) = fitted.calibrated_classifiers_
        svm = calibrated.estimator
        self.classes_ = fitted.classes_
        self.coef_ = np.asarray(svm.coef_, dtype=np.float64)
        self.intercept_ = np.asarray(svm.intercept_, dtype=np.float64)
        self.sigmoid_a_ = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
        self.sigmoid_b_ = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
        # Column of each SVM output among self.classes_ (scikit-learn's pos_class_indices).
        self.columns_ = np.searchsorted(self.classes_, svm.classes_)
        return self

    def _scores(self, X: Any) -> np.ndarray:
        """SVM scores, one column per SVM output (one column for two classes).

        Not exposed as `decision_function`: like CalibratedClassifierCV, this estimator's
        decisions come from the calibrated probabilities, whose argmax can differ.
        """
        X = checked_input(self, X)
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated class probabilities; rows sum to 1 (as CalibratedClassifierCV)."""
        scores = self._scores(X)
        calibrated = expit(-(self.sigmoid_a_ * scores + self.sigmoid_b_))
        n_classes = len(self.classes_)
        if n_classes == 2:
            positive = calibrated[:, 0]
            return np.column_stack([1.0 - positive, positive])
        proba = np.zeros((scores.shape[0], n_classes))
        proba[:, self.columns_] = calibrated
        total = proba.sum(axis=1, keepdims=True)
        uniform = np.full_like(proba, 1.0 / n_classes)
        proba = np.divide(proba, total, out=uniform, where=total != 0)
        proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def checked_input(estimator: BaseEstimator, X: Any) -> Any:
    """Validate prediction input, with a fast path for our own feature matrices.

    A float CSR matrix of the fitted width (what the TF-IDF step produces) is used as is:
    full validation costs more than the prediction. Anything else goes through
    scikit-learn's `validate_data` (types, NaN, shape).
    """
    check_is_fitted(estimator)
    if (
        sp.issparse(X)
        and X.format == "csr"
        and X.dtype in (np.float32, np.float64)
        and X.ndim == 2
        and X.shape[1] == estimator.n_features_in_
    ):
        return X
    return validate_data(estimator, X, accept_sparse="csr", reset=False, dtype=[np.float64, np.float32])
