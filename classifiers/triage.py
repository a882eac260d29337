"""The predictor the app calls at intake: one text in, everything the case page shows out.

    triage = Triage(problem_type_model, program_model, divisions=county_division_names)
    result = triage.classify("村支书王某把我家低保金扣了三千五")
    result.problem_type, result.program, result.confidence, result.low_confidence
    [e.to_dict() for e in result.entities]

The two fitted pipelines share their first step (normalise + segment), so it runs once per
text; the rest of each pipeline runs on the prepared text. Evaluation goes through this same
object, so the held-out figures describe what is served.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.pipeline import Pipeline

from .extract import (
    Division,
    DivisionIndex,
    Entity,
    extract_entities,
    summarize_accused_level,
    with_raw_spans,
)
from .features import PreparedText, same_features, union_transform
from .normalize import count_cjk

# Below this many Chinese characters there is nothing to classify (empty, emoji, English):
# the answer is "other" with zero confidence, and the complaint goes to the review queue.
MIN_CJK_CHARS = 2
LOW_CONFIDENCE_THRESHOLD = 0.5


@dataclass
class TriageResult:
    """What the classifier says about one complaint."""

    text: str  # the normalised text; entity spans index into it
    problem_type: str
    problem_types: dict[str, float]  # every type → probability that it applies
    labels: list[str]  # primary type first, then other types above the threshold
    program: str
    program_probabilities: dict[str, float]
    confidence: float
    low_confidence: bool
    entities: list[Entity] = field(default_factory=list)
    accused_level: str | None = None
    review_reason: str | None = None
    model_version: str | None = None
    # Every type → probability that it is the primary one (sums to 1, most probable first).
    # `problem_type` is its first key and `confidence` is taken from it or from
    # `program_probabilities`, so what a screen shows agrees with itself.
    primary_probabilities: dict[str, float] = field(default_factory=dict)
    confidence_basis: str | None = None  # "problem_type" or "program": whose probability it is

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        """JSON-friendly form (what `python -m hotline classify` prints per line)."""
        out: dict[str, Any] = {
            "problem_type": self.problem_type,
            "problem_types": self.problem_types,
            "primary_probabilities": self.primary_probabilities,
            "labels": self.labels,
            "program": self.program,
            "program_probabilities": self.program_probabilities,
            "confidence": self.confidence,
            "confidence_basis": self.confidence_basis,
            "low_confidence": self.low_confidence,
            "accused_level": self.accused_level,
            "review_reason": self.review_reason,
            "model_version": self.model_version,
            "entities": [entity.to_dict() for entity in self.entities],
        }
        if include_text:
            out["text"] = self.text
        return out


class Triage:
    """Serve the problem-type and programme pipelines plus entity extraction.

    Parameters
    ----------
    problem_type_model : fitted `build_pipeline("problem_type")`
    program_model : fitted `build_pipeline("program")`
    divisions : the county's division names (or `Division`s / a `DivisionIndex`) used to
        recognise places; change later with `set_divisions`.
    low_confidence_threshold : a result whose confidence is below this is flagged for review.
    version : the artifact version, echoed in results.
    """

    def __init__(
        self,
        problem_type_model: Pipeline,
        program_model: Pipeline,
        *,
        divisions: DivisionIndex | Iterable[str | Division] | None = None,
        low_confidence_threshold: float = LOW_CONFIDENCE_THRESHOLD,
        version: str | None = None,
        extract: bool = True,
    ) -> None:
        self.problem_type_model = problem_type_model
        self.program_model = program_model
        self.low_confidence_threshold = low_confidence_threshold
        self.version = version
        self.extract = extract
        self.divisions = DivisionIndex(())
        if divisions is not None:
            self.set_divisions(divisions)

    def warm_up(self) -> None:
        """Build what the first complaint would otherwise wait for (about a second): the
        jieba dictionary, the opencc tables, the word list behind place recognition."""
        from .places import load_function_words

        load_function_words()
        self.classify("村支書王某把低保金扣了三千五，電話13800000000，身份证11010519491231002X")

    def set_divisions(self, divisions: DivisionIndex | Iterable[str | Division]) -> None:
        """Use the county's townships and villages for place recognition and segmentation."""
        from .segment import add_words

        index = divisions if isinstance(divisions, DivisionIndex) else DivisionIndex(divisions)
        add_words(index.by_name)
        self.divisions = index

    def _prepare(self, texts: Sequence[object]) -> list[PreparedText]:
        return self.problem_type_model[0].transform(texts)

    def _shares_preparation(self) -> bool:
        first, second = self.problem_type_model[0], self.program_model[0]
        return type(first) is type(second) and first.get_params() == second.get_params()

    def _shares_features(self) -> bool:
        """Whether both pipelines learned identical features (same texts, same settings), so
        one feature matrix serves both. Checked once per model pair: dictionaries compare
        in a few milliseconds."""
        pair = (id(self.problem_type_model), id(self.program_model))
        if getattr(self, "_shared_for", None) != pair:
            self._shared = self._shares_preparation() and same_features(
                self.problem_type_model[1:-1], self.program_model[1:-1]
            )
            self._shared_for = pair
        return self._shared

    @staticmethod
    def _features(pipeline: Pipeline, prepared: list[PreparedText], grams: dict[Any, list[Any]]) -> Any:
        """The feature matrix of `pipeline` for prepared texts, via the serving fast path."""
        if len(pipeline) == 3:
            return union_transform(pipeline[1], prepared, grams)
        return pipeline[1:-1].transform(prepared)

    def classify(self, text: object) -> TriageResult:
        """Triage one complaint. Never raises on odd text (empty, emoji, English, huge)."""
        return self.classify_many([text])[0]

    def classify_many(self, texts: Iterable[object]) -> list[TriageResult]:
        """Triage a batch (faster per text than calling `classify` in a loop)."""
        texts = list(texts)
        if not texts:
            return []
        prepared = self._prepare(texts)
        counts: dict[Any, list[Any]] = {}  # n-gram counts shared by both pipelines
        pt_features = self._features(self.problem_type_model, prepared, counts)
        pt_model = self.problem_type_model[-1]
        primary = pt_model.predict_primary_proba(pt_features)
        presence = pt_model.predict_proba(pt_features)
        if self._shares_features():
            pg_features = pt_features
        elif self._shares_preparation():
            pg_features = self._features(self.program_model, prepared, counts)
        else:
            pg_features = self.program_model[:-1].transform(texts)
        pg_model = self.program_model[-1]
        programs = pg_model.predict_proba(pg_features)

        # Sorting and rounding for the whole batch at once (per-row numpy calls add up).
        pt_classes, pg_classes = [str(c) for c in pt_model.classes_], [str(c) for c in pg_model.classes_]
        presence_order = np.argsort(-presence, axis=1, kind="stable").tolist()
        program_order = np.argsort(-programs, axis=1, kind="stable").tolist()
        presence_rounded = np.round(presence, 4).tolist()
        programs_rounded = np.round(programs, 4).tolist()
        best_primary = np.argmax(primary, axis=1).tolist()
        primary_order = np.argsort(-primary, axis=1, kind="stable").tolist()
        primary_rounded = np.round(primary, 4).tolist()
        return [
            self._result(
                doc,
                raw=texts[i],
                primary_label=pt_classes[best_primary[i]],
                primary={pt_classes[j]: primary_rounded[i][j] for j in primary_order[i]},
                presence={pt_classes[j]: presence_rounded[i][j] for j in presence_order[i]},
                threshold=pt_model.threshold,
                programs={pg_classes[j]: programs_rounded[i][j] for j in program_order[i]},
            )
            for i, doc in enumerate(prepared)
        ]

    def _result(
        self,
        doc: PreparedText,
        *,
        raw: object,
        primary_label: str,
        primary: dict[str, float],
        presence: dict[str, float],
        threshold: float,
        programs: dict[str, float],
    ) -> TriageResult:
        entities: list[Entity] = []
        if self.extract:
            entities = extract_entities(doc.text, self.divisions, normalized=True, words=doc.words)
            raw_text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
            entities = with_raw_spans(
                entities, raw_text, doc.text, max_chars=self.problem_type_model[0].max_chars
            )
        accused = summarize_accused_level(entities)
        if count_cjk(doc.text) < MIN_CJK_CHARS:
            return TriageResult(
                text=doc.text,
                problem_type="other",
                problem_types={},
                labels=["other"],
                program="other",
                program_probabilities={},
                confidence=0.0,
                low_confidence=True,
                entities=entities,
                accused_level=accused,
                review_reason="文本中没有可供分类的中文内容",
                model_version=self.version,
            )
        # Primary first, then other types whose presence reaches the threshold (presence is
        # already sorted, most probable first).
        labels = [primary_label] + [
            label for label, p in presence.items() if label != primary_label and p >= threshold
        ]
        # One confidence: the lower of the two probabilities the screen shows for the two
        # answers (primary type, programme), both rounded as they are shown.
        program = next(iter(programs))
        type_p, program_p = primary[primary_label], programs[program]
        basis = "problem_type" if type_p <= program_p else "program"
        confidence = min(type_p, program_p)
        low = confidence < self.low_confidence_threshold
        return TriageResult(
            text=doc.text,
            problem_type=primary_label,
            problem_types=presence,
            labels=labels,
            program=program,
            program_probabilities=programs,
            confidence=confidence,
            low_confidence=low,
            entities=entities,
            accused_level=accused,
            review_reason="分类置信度低，请人工确认" if low else None,
            model_version=self.version,
            primary_probabilities=primary,
            confidence_basis=basis,
        )
