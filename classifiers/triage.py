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

from .extract import Division, DivisionIndex, Entity, extract_entities, summarize_accused_level
from .features import PreparedText
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

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        """JSON-friendly form (what `python -m hotline classify` prints per line)."""
        out: dict[str, Any] = {
            "problem_type": self.problem_type,
            "problem_types": self.problem_types,
            "labels": self.labels,
            "program": self.program,
            "program_probabilities": self.program_probabilities,
            "confidence": self.confidence,
            "low_confidence": self.low_confidence,
            "accused_level": self.accused_level,
            "review_reason": self.review_reason,
            "model_version": self.model_version,
            "entities": [entity.to_dict() for entity in self.entities],
        }
        if include_text:
            out["text"] = self.text
        return out


def _sorted_probabilities(classes: Sequence[str], row: np.ndarray) -> dict[str, float]:
    order = np.argsort(-row, kind="stable")
    return {str(classes[i]): round(float(row[i]), 4) for i in order}


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

    def classify(self, text: object) -> TriageResult:
        """Triage one complaint. Never raises on odd text (empty, emoji, English, huge)."""
        return self.classify_many([text])[0]

    def classify_many(self, texts: Iterable[object]) -> list[TriageResult]:
        """Triage a batch (faster per text than calling `classify` in a loop)."""
        texts = list(texts)
        if not texts:
            return []
        prepared = self._prepare(texts)
        pt_features = self.problem_type_model[1:-1].transform(prepared)
        pt_model = self.problem_type_model[-1]
        primary = pt_model.predict_primary_proba(pt_features)
        presence = pt_model.predict_proba(pt_features)
        pg_input = prepared if self._shares_preparation() else self.program_model[0].transform(texts)
        pg_features = self.program_model[1:-1].transform(pg_input)
        pg_model = self.program_model[-1]
        programs = pg_model.predict_proba(pg_features)
        return [
            self._result(doc, primary[i], presence[i], pt_model, programs[i], pg_model.classes_)
            for i, doc in enumerate(prepared)
        ]

    def _result(
        self,
        doc: PreparedText,
        primary: np.ndarray,
        presence: np.ndarray,
        pt_model: Any,
        program_row: np.ndarray,
        program_classes: np.ndarray,
    ) -> TriageResult:
        from .pipeline import labels_from_probabilities

        entities = extract_entities(doc.text, self.divisions, normalized=True) if self.extract else []
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
        labels = labels_from_probabilities(pt_model.classes_, primary, presence, pt_model.threshold)
        best_program = int(np.argmax(program_row))
        confidence = float(min(primary.max(), program_row[best_program]))
        low = confidence < self.low_confidence_threshold
        return TriageResult(
            text=doc.text,
            problem_type=labels[0],
            problem_types=_sorted_probabilities(pt_model.classes_, presence),
            labels=labels,
            program=str(program_classes[best_program]),
            program_probabilities=_sorted_probabilities(program_classes, program_row),
            confidence=round(confidence, 4),
            low_confidence=low,
            entities=entities,
            accused_level=accused,
            review_reason="分类置信度低，请人工确认" if low else None,
            model_version=self.version,
        )
