"""Held-out metrics for both targets and their plain-text report.

Evaluation goes through `Triage.classify_many`, the path the app serves, so the figures
include the bad-input guard and the shared preprocessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from .corpus import Example, Split
from .triage import Triage

BOOTSTRAP_ROUNDS = 1000


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


def _macro_f1(truth: np.ndarray, predicted: np.ndarray, labels: np.ndarray) -> float:
    """Macro-F1 over `labels` (the classes present in the truth)."""
    code = {label: n for n, label in enumerate(labels)}
    other = len(code)  # every label outside `labels`
    t_codes = np.array([code.get(label, other) for label in truth], dtype=np.intp)
    p_codes = np.array([code.get(label, other) for label in predicted], dtype=np.intp)
    return _coded_macro_f1(t_codes, p_codes, np.arange(other), other + 1)


def _coded_macro_f1(truth: np.ndarray, predicted: np.ndarray, classes: np.ndarray, n_codes: int) -> float:
    """Macro-F1 over `classes`, for labels given as integer codes below n_codes: every class counted
    at once, fast enough to bootstrap. A class with no true positive scores 0."""
    if len(classes) == 0:
        return 0.0
    tp = np.bincount(truth[truth == predicted], minlength=n_codes)[classes]
    fp = np.bincount(predicted, minlength=n_codes)[classes] - tp
    fn = np.bincount(truth, minlength=n_codes)[classes] - tp
    scores = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(len(classes)), where=tp > 0)
    return float(np.mean(scores))


def bootstrap_interval(
    truth: Sequence[str], predicted: Sequence[str], clusters: Sequence[str] | None = None,
    *, statistic: str = "macro_f1", rounds: int = BOOTSTRAP_ROUNDS, seed: int = 0,
) -> tuple[float, float]:
    """95% percentile interval of macro-F1 (or accuracy) by resampling.

    With `clusters` (the published case of each complaint) whole cases are resampled, since
    complaints written from one case are not independent; otherwise single items are.
    """
    truth = list(truth)
    if not truth:
        return (0.0, 0.0)
    # Labels as integer codes in sorted order (a prediction no truth carries gets one code of its
    # own), so a round counts every class at once: the same figures as comparing the strings
    # class by class, without doing that 3 × classes times a round.
    labels = sorted(set(truth))
    code = {label: n for n, label in enumerate(labels)}
    t_codes = np.array([code[label] for label in truth], dtype=np.intp)
    p_codes = np.array([code.get(label, len(labels)) for label in predicted], dtype=np.intp)
    groups = np.asarray(clusters if clusters is not None else range(len(truth)), dtype=object)
    names, inverse = np.unique(groups.astype(str), return_inverse=True)
    members = [np.flatnonzero(inverse == i) for i in range(len(names))]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(rounds):
        pick = np.concatenate([members[i] for i in rng.integers(0, len(names), len(names))])
        t, p = t_codes[pick], p_codes[pick]
        if statistic == "accuracy":
            values.append(float(np.mean(t == p)))
        else:
            values.append(_coded_macro_f1(t, p, np.unique(t), len(labels) + 1))
    low, high = np.percentile(values, [2.5, 97.5])
    return (round(float(low), 4), round(float(high), 4))


def evaluate(triage: Triage, examples: Sequence[Example], *, rounds: int = BOOTSTRAP_ROUNDS) -> dict[str, Any]:
    """Metrics of `triage` on `examples` (a held-out set), with 95% bootstrap intervals.

    Problem type is scored strictly (the predicted primary type must be the gold primary),
    and leniently (the predicted primary is one of the gold types). Accused level is scored
    on the examples labelled with one; "unknown" when the text gave the triage no level.
    """
    examples = list(examples)
    pt_examples = [e for e in examples if e.problem_types]
    pg_examples = [e for e in examples if e.program]
    lv_examples = [e for e in examples if e.accused_level]
    results = triage.classify_many([e.text for e in examples])
    by_id = {e.id: r for e, r in zip(examples, results)}
    clustered = any(e.case for e in examples)

    def clusters(items: Sequence[Example]) -> list[str] | None:
        return [e.case or e.id for e in items] if clustered else None

    pt_truth, pt_pred = [e.primary for e in pt_examples], [by_id[e.id].problem_type for e in pt_examples]
    problem_type = _single_label_metrics(pt_truth, pt_pred)
    problem_type["multilabel_micro_f1"] = _multilabel_f1(
        [e.problem_types for e in pt_examples], [by_id[e.id].labels for e in pt_examples]
    )
    problem_type["lenient_accuracy"] = round(
        float(np.mean([by_id[e.id].problem_type in e.problem_types for e in pt_examples])), 4
    ) if pt_examples else 0.0
    problem_type["macro_f1_interval"] = bootstrap_interval(pt_truth, pt_pred, clusters(pt_examples), rounds=rounds)

    pg_truth, pg_pred = [e.program for e in pg_examples], [by_id[e.id].program for e in pg_examples]
    program = _single_label_metrics(pg_truth, pg_pred)
    program["macro_f1_interval"] = bootstrap_interval(pg_truth, pg_pred, clusters(pg_examples), rounds=rounds)

    out: dict[str, Any] = {"problem_type": problem_type, "program": program}
    if lv_examples:
        lv_truth = [e.accused_level for e in lv_examples]
        lv_pred = [by_id[e.id].accused_level or "unknown" for e in lv_examples]
        level = _single_label_metrics(lv_truth, lv_pred)
        level["accuracy_interval"] = bootstrap_interval(
            lv_truth, lv_pred, clusters(lv_examples), statistic="accuracy", rounds=rounds
        )
        out["accused_level"] = level
    confident = [(e, by_id[e.id]) for e in examples if not by_id[e.id].low_confidence]
    both_right = [e.primary == r.problem_type and e.program == r.program for e, r in confident]
    out["low_confidence_rate"] = round(1 - len(confident) / max(1, len(examples)), 4)
    out["accuracy_when_confident"] = round(float(np.mean(both_right)), 4) if both_right else None
    out["n_sources"] = len({e.case for e in examples}) if clustered else None
    return out


def evaluate_split(triage: Triage, split: Split, *, rounds: int = BOOTSTRAP_ROUNDS) -> dict[str, Any]:
    """Both held-out sets: the original hand-written one and the source-disjoint one; the latter
    also by how its complaints were written (people's own words, the generator's templates)."""
    metrics = {"held_out": evaluate(triage, split.test, rounds=rounds)}
    if split.source_test:
        metrics["source_disjoint"] = evaluate(triage, split.source_test, rounds=rounds)
        written = [e for e in split.source_test if e.origin == "written"]
        if written and len(written) < len(split.source_test):
            metrics["source_disjoint_written"] = evaluate(triage, written, rounds=rounds)
            metrics["source_disjoint_generated"] = evaluate(
                triage, [e for e in split.source_test if e.origin != "written"], rounds=rounds)
    return metrics


def format_report(metrics: dict[str, Any]) -> str:
    """Per-class P/R/F1, confusion matrix and macro-F1 for each target, as plain text."""
    lines: list[str] = []
    for target in ("problem_type", "program", "accused_level"):
        if target not in metrics:
            continue
        block = metrics[target]
        labels = block["labels"]
        lines.append(f"== {target}  (n={block['n']}) ==")
        lines.append(f"{'class':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for label in labels:
            row = block["per_class"][label]
            lines.append(
                f"{label:<20}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>9d}"
            )
        interval = block.get("macro_f1_interval") or block.get("accuracy_interval")
        which = "macro-F1" if "macro_f1_interval" in block else "accuracy"
        lines.append(
            f"macro-F1: {block['macro_f1']:.4f}   accuracy: {block['accuracy']:.4f}"
            + (f"   95% bootstrap interval of {which}: {interval[0]:.3f}-{interval[1]:.3f}" if interval else "")
        )
        if "lenient_accuracy" in block:
            lines.append(f"primary type within the gold types (lenient): {block['lenient_accuracy']:.4f}")
        if "multilabel_micro_f1" in block:
            lines.append(f"multi-label micro-F1 (all types): {block['multilabel_micro_f1']:.4f}")
        lines.append("confusion matrix (rows = truth, columns = predicted):")
        short = [label[:6] for label in labels]
        lines.append(" " * 20 + "".join(f"{s:>7}" for s in short))
        for label, row in zip(labels, block["confusion"]):
            lines.append(f"{label:<20}" + "".join(f"{v:>7d}" for v in row))
        lines.append("")
    if metrics.get("n_sources"):
        lines.append(f"written from {metrics['n_sources']} held-out published cases (intervals resample whole cases)")
    lines.append(
        f"low-confidence rate: {metrics['low_confidence_rate']:.3f}; "
        f"accuracy (both labels) when confident: {metrics['accuracy_when_confident']}"
    )
    return "\n".join(lines)


def format_split_report(metrics: dict[str, Any]) -> str:
    """The report of `evaluate_split`: the source-disjoint set first (the figure to quote)."""
    titles = {
        "source_disjoint": "SOURCE-DISJOINT held-out set (complaints from published cases never trained on)",
        "source_disjoint_written": "  of which WRITTEN in callers' own words from the held-out cases (written.jsonl)",
        "source_disjoint_generated": "  of which GENERATED from the held-out cases' facts (grounded.jsonl)",
        "held_out": "ORIGINAL held-out split (hand-written corpus, split.json)",
    }
    parts = []
    for key in ("source_disjoint", "source_disjoint_written", "source_disjoint_generated", "held_out"):
        if key in metrics:
            parts.append(f"##### {titles[key]}\n" + format_report(metrics[key]))
    return "\n\n".join(parts)
