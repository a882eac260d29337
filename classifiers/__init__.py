"""Complaint triage: normalisation, segmentation, classifiers, entity extraction.

Pure Python (no Flask, no database). Heavy names are imported lazily so that light users,
such as the subsidy-roll importer that only needs `classifiers.idnumber`, do not pay for
scikit-learn and jieba at import time.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "build_pipeline": "classifiers.pipeline",
    "Triage": "classifiers.triage",
    "TriageResult": "classifiers.triage",
    "extract_entities": "classifiers.extract",
    "Entity": "classifiers.extract",
    "Division": "classifiers.extract",
    "normalize": "classifiers.normalize",
    "validate_id_number": "classifiers.idnumber",
    "add_words": "classifiers.segment",
    "train_artifact": "classifiers.artifact",
    "ModelStore": "classifiers.artifact",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'classifiers' has no attribute {name!r}")
    value = getattr(import_module(module), name if name != "validate_id_number" else "validate")
    globals()[name] = value
    return value
