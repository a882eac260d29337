"""Held-out metrics for both targets and their plain-text report.

Evaluation goes through `Triage.classify_many`, the path the app serves, so the figures
include the bad-input guard and the shared preprocessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from .corpus import Example
from .triage import Triage


def _single_label_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    present = sorted(set(truth))
    return {
        # Macro over the classes present in the held-out set, so a class predicted but absent
        # from the truth does not count as a zero.
        "macro_f1": round(float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4),
        "accuracy": round(float(np.mean(np.array(truth) == np.array(predicted))), 4),
        "per_class": per_class,
        "labels": labels,
        "confusion": confusion_matrix(truth, predicted, labels=labels).tolist(),
        "n": len(truth),
    }


def _multilabel_f1(truth: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> float:
    """Micro-F1 over all (sample, label) pairs: how well secondary types are found too."""
    tp = fp = fn = 0
    for gold, guess in zip(truth, predicted):
        gold_set, guess_set = set(gold), set(guess)
        tp += len(gold_set & guess_set)
        fp += len(guess_set - gold_set)
        fn += len(gold_set - guess_set)
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp else 0.0


def evaluate(triage: Triage, examples: Sequence[Example]) -> dict[str, Any]:
    """Metrics of `triage` on `examples` (the held-out split)."""
    pt_examples = [e for e in examples if e.problem_types]
    pg_examples = [e for e in examples if e.program]
    results = triage.classify_many([e.text for e in examples])
    by_id = {e.id: r for e, r in zip(examples, results)}

    problem_type = _single_label_metrics(
        [e.primary for e in pt_examples], [by_id[e.id].problem_type for e in pt_examples]
    )
    problem_type["multilabel_micro_f1"] = _multilabel_f1(
        [e.problem_types for e in pt_examples], [by_id[e.id].labels for e in pt_examples]
    )
    program = _single_label_metrics(
        [e.program for e in pg_examples], [by_id[e.id].program for e in pg_examples]
    )
    confident = [
        (e, by_id[e.id]) for e in examples if not by_id[e.id].low_confidence
    ]
    both_right = [
        e.primary == r.problem_type and e.program == r.program for e, r in confident
    ]
    return {
        "problem_type": problem_type,
        "program": program,
        "low_confidence_rate": round(1 - len(confident) / max(1, len(examples)), 4),
        "accuracy_when_confident": round(float(np.mean(both_right)), 4) if both_right else None,
    }


def format_report(metrics: dict[str, Any]) -> str:
    """Per-class P/R/F1, confusion matrix and macro-F1 for each target, as plain text."""
    lines: list[str] = []
    for target in ("problem_type", "program"):
        block = metrics[target]
        labels = block["labels"]
        lines.append(f"== {target}  (n={block['n']}) ==")
        lines.append(f"{'class':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for label in labels:
            row = block["per_class"][label]
            lines.append(
                f"{label:<20}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>9d}"
            )
        lines.append(f"macro-F1: {block['macro_f1']:.4f}   accuracy: {block['accuracy']:.4f}")
        if "multilabel_micro_f1" in block:
            lines.append(f"multi-label micro-F1 (all types): {block['multilabel_micro_f1']:.4f}")
        lines.append("confusion matrix (rows = truth, columns = predicted):")
        short = [label[:6] for label in labels]
        lines.append(" " * 20 + "".join(f"{s:>7}" for s in short))
        for label, row in zip(labels, block["confusion"]):
            lines.append(f"{label:<20}" + "".join(f"{v:>7d}" for v in row))
        lines.append("")
    lines.append(
        f"low-confidence rate: {metrics['low_confidence_rate']:.3f}; "
        f"accuracy (both labels) when confident: {metrics['accuracy_when_confident']}"
    )
    return "\n".join(lines)
