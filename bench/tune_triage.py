"""Choose the classifier's settings by cross-validation on the training side only.

Folds are grouped: complaints written from one published case stay in one fold (as the
source-disjoint test set keeps them), so a setting is rewarded for generalising to unseen
cases, not for recognising a case's other wordings. Neither held-out set is touched.

    .venv/bin/python bench/tune_triage.py [--folds 3] [--cue-weights 0 0.5 1] [--C 0.5 1] [--pairs 0.5:0.5 1:0.25]
    .venv/bin/python bench/tune_triage.py --folds 5 --salts s1 s2 --variants '{}' '{"rules": false, "C": 0.5}' --offsets

Every fold's out-of-fold predictions are pooled before scoring (one macro-F1 over all
training-side items, not a mean of small folds); `--salts` repeats the whole cross-validation
with other fold assignments and prints each and the mean. A variant is a JSON object:

* `cue_weight`, `C`: as `build_pipeline`;
* `program_cue_weight`: the programme model's cue weight, when it differs from the type model's;
* `cue_groups`: names of extra cue groups to switch on (see `definitions.OPTIONAL_CUE_GROUPS`;
  the primary-type rules of `definitions.RULE_GROUPS` are on unless `rules` is false);
* `rule_hit`: the count a rule's column takes when the rule holds (`definitions.RULE_HIT`);
* `first_clause`: weight of a TF-IDF block of the first clause's words (both models; 0, the
  default, leaves it out; `features.FirstClauseTfidf`);
* `rules`: false leaves the rule columns out (the model before them: `{"rules": false, "C": 0.5}`);
* `stack_C`: a list of C values; for each, a stacked second level (a class-balanced
  LogisticRegression over the log primary probabilities and logit presence probabilities, 16
  numbers per text) is scored by nested CV on the pooled out-of-fold first-level outputs: the
  stacker applied to fold k is fitted on the other folds' out-of-fold outputs only.

`--offsets` also chooses per-type log-odds offsets of the primary probabilities (a prior
correction, "calibrated thresholds") on the pooled out-of-fold probabilities, and scores that
choice honestly by nested cross-validation: the offsets applied to fold k are chosen on the
other folds only. (Tried for issue 19: they lowered the grounded folds, so the model has none.)
New case batches join the training side only through the source split (classifiers.corpus),
so the folds here never see a held-out case.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers import definitions  # noqa: E402
from classifiers.corpus import load_corpus, split_corpus, stable_bucket  # noqa: E402
from classifiers.evaluate import _macro_f1  # noqa: E402
from classifiers.pipeline import build_pipeline  # noqa: E402
from classifiers.triage import Triage  # noqa: E402

OFFSET_GRID = (-0.5, 0.0, 0.5, 1.0, 1.5, 2.0)


def apply_log_prior(proba, log_prior):
    """Rows of `proba` times exp(log_prior), renormalised (all-zero rows stay zero)."""
    weighted = proba * np.exp(log_prior)
    total = weighted.sum(axis=1, keepdims=True)
    return np.divide(weighted, total, out=np.zeros_like(weighted), where=total > 0)


def folds(examples, k, salt="tune-folds"):
    """Fold number of each example: by case for grounded complaints, by id otherwise."""
    return np.array([int(stable_bucket(e.case or e.id, salt) * k) for e in examples])


def per_type_f1(truth, pred):
    return {label: round(_macro_f1(truth, pred, np.array([label])), 3) for label in sorted(set(truth))}


def fit_predict(variant, train, test):
    """Out-of-fold primary probabilities (classes, matrix) and programme predictions."""
    options = {k: variant[k] for k in ("cue_weight", "C", "rule_hit", "first_clause") if k in variant}
    pt = build_pipeline("problem_type", **options).fit(
        [e.text for e in train], [list(e.problem_types) for e in train])
    pg_options = dict(options, cue_weight=variant.get("program_cue_weight", options.get("cue_weight", 0.5)))
    pg = build_pipeline("program", **pg_options).fit([e.text for e in train], [e.program for e in train])
    results = Triage(pt, pg, extract=False).classify_many([e.text for e in test])
    classes = pt[-1].classes_
    proba = np.array([[r.primary_probabilities.get(str(c), 0.0) for c in classes] for r in results])
    presence = np.array([[r.problem_types.get(str(c), 0.0) for c in classes] for r in results])
    return classes, proba, presence, np.array([r.program for r in results], dtype=object)


def scores(examples, predicted, programs):
    out = {}
    for name, keep in (("grounded", lambda e: e.case), ("handwritten", lambda e: not e.case)):
        idx = [i for i, e in enumerate(examples) if keep(e)]
        truth = np.array([examples[i].primary for i in idx], dtype=object)
        pred = np.array([predicted[i] for i in idx], dtype=object)
        ptruth = np.array([examples[i].program for i in idx], dtype=object)
        out[name] = [round(_macro_f1(truth, pred, np.unique(truth)), 4),
                     round(_macro_f1(ptruth, programs[idx], np.unique(ptruth)), 4)]
        if name == "grounded":
            out["grounded types"] = per_type_f1(truth, pred)
    return out


def objective(examples, idx, classes, proba, log_prior):
    """Mean of the grounded and hand-written primary-type macro-F1 of items `idx`."""
    pred = classes[np.argmax(apply_log_prior(proba[idx], log_prior), axis=1)]
    values = []
    for keep in (lambda e: e.case, lambda e: not e.case):
        sel = [j for j, i in enumerate(idx) if keep(examples[i])]
        if sel:
            truth = np.array([examples[idx[j]].primary for j in sel], dtype=object)
            values.append(_macro_f1(truth, pred[sel], np.unique(truth)))
    return float(np.mean(values))


def choose_offsets(examples, idx, classes, proba, rounds=2):
    """Coordinate ascent over OFFSET_GRID per class, starting from zero offsets."""
    prior = np.zeros(len(classes))
    best = objective(examples, idx, classes, proba, prior)
    for _ in range(rounds):
        for c in range(len(classes)):
            for value in OFFSET_GRID:
                trial = prior.copy()
                trial[c] = value
                got = objective(examples, idx, classes, proba, trial)
                if got > best + 1e-9:
                    best, prior = got, trial
    return prior


def stack_features(proba, presence):
    """Second-level inputs: log of the primary probabilities and logit of the presence ones."""
    eps = 1e-4
    p, q = np.clip(proba, eps, 1 - eps), np.clip(presence, eps, 1 - eps)
    return np.hstack([np.log(p), np.log(q) - np.log1p(-q)])


def stacked_nested(train, fold_of, k, classes, proba, presence, C):
    """Primary predictions of a LogisticRegression over the out-of-fold first-level outputs,
    fitted for fold f on the other folds' out-of-fold outputs only (nested, as `--offsets`)."""
    from sklearn.linear_model import LogisticRegression
    X = stack_features(proba, presence)
    y = np.array([e.primary for e in train], dtype=object)
    out = np.empty(len(train), dtype=object)
    for f in range(k):
        tr, te = np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(X[tr], y[tr])
        out[te] = model.predict(X[te])
    return out


def run(variant, train, fold_of, k, with_offsets, dump=None):
    started = time.process_time()
    proba = None
    programs = np.empty(len(train), dtype=object)
    for f in range(k):
        tr = [e for e, g in zip(train, fold_of) if g != f]
        te_idx = np.flatnonzero(fold_of == f)
        classes, p, q, pg = fit_predict(variant, tr, [train[i] for i in te_idx])
        if proba is None:
            proba, all_classes = np.zeros((len(train), len(classes))), classes
            presence = np.zeros_like(proba)
        assert list(classes) == list(all_classes)
        proba[te_idx] = p
        presence[te_idx] = q
        programs[te_idx] = pg
    predicted = all_classes[np.argmax(proba, axis=1)]
    if dump:
        with open(dump, "a", encoding="utf-8") as handle:
            for e, p, pg in zip(train, predicted, programs):
                handle.write(json.dumps({"variant": variant, "id": e.id, "case": e.case, "gold": list(e.problem_types),
                                         "pred": str(p), "program": e.program, "pred_program": str(pg)},
                                        ensure_ascii=False) + "\n")
    out = {"variant": variant, **scores(train, predicted, programs)}
    for C in variant.get("stack_C", ()):
        stacked = scores(train, stacked_nested(train, fold_of, k, all_classes, proba, presence, C), programs)
        out[f"stacked C={C} (nested)"] = {key: stacked[key] for key in ("grounded", "handwritten", "grounded types")}
    if variant.get("stack_C") and dump:
        np.savez(dump + ".npz", proba=proba, presence=presence, fold_of=fold_of, classes=all_classes.astype(str),
                 ids=np.array([e.id for e in train]))
    if with_offsets:
        nested = np.empty(len(train), dtype=object)
        for f in range(k):
            prior = choose_offsets(train, np.flatnonzero(fold_of != f), all_classes, proba)
            te_idx = np.flatnonzero(fold_of == f)
            nested[te_idx] = all_classes[np.argmax(apply_log_prior(proba[te_idx], prior), axis=1)]
        nested_scores = scores(train, nested, programs)
        out["with offsets (nested)"] = {key: nested_scores[key] for key in ("grounded", "handwritten", "grounded types")}
        prior = choose_offsets(train, np.arange(len(train)), all_classes, proba)
        out["offsets chosen on all folds"] = {str(c): float(v) for c, v in zip(all_classes, prior) if v}
    out["cpu_s"] = round(time.process_time() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--salts", nargs="+", default=["tune-folds"], help="fold assignments (repeated CV)")
    parser.add_argument("--cue-weights", type=float, nargs="+", default=[0.0, 0.5, 1.0])
    parser.add_argument("--C", type=float, nargs="+", default=[0.5])
    parser.add_argument("--corpus-dir", default=None, help="a snapshot of classifiers/corpus/*.jsonl (the corpus "
                        "may change while a long run goes on; every setting must see the same one)")
    parser.add_argument("--pairs", nargs="+", default=None, help="cue_weight:C pairs instead of the full grid")
    parser.add_argument("--variants", nargs="+", default=None, help="JSON objects (see the module docstring)")
    parser.add_argument("--offsets", action="store_true", help="also choose primary-type offsets (nested CV)")
    parser.add_argument("--dump", default=None, help="write each variant's out-of-fold primary predictions "
                        "(first salt) to this JSONL file, for reading the training side's confusions; with `stack_C`, "
                        "also the out-of-fold first-level probabilities to <dump>.npz")
    args = parser.parse_args()
    train = split_corpus(load_corpus(args.corpus_dir) if args.corpus_dir else load_corpus()).train
    if args.variants:
        grid = [json.loads(v) for v in args.variants]
    else:
        pairs = ([tuple(float(v) for v in pair.split(":")) for pair in args.pairs] if args.pairs
                 else list(itertools.product(args.cue_weights, args.C)))
        grid = [{"cue_weight": w, "C": c} for w, c in pairs]
    for variant in grid:
        definitions.enable_optional_cue_groups(variant.get("cue_groups", ()), rules=variant.get("rules", True))
        runs = [run(variant, train, folds(train, args.folds, salt), args.folds, args.offsets,
                    args.dump if i == 0 else None) for i, salt in enumerate(args.salts)]
        for salt, result in zip(args.salts, runs):
            print(json.dumps({"salt": salt, **result}, ensure_ascii=False), flush=True)
        if len(runs) > 1:
            mean = {name: [round(float(np.mean([r[name][t] for r in runs])), 4) for t in (0, 1)]
                    for name in ("grounded", "handwritten")}
            line = {"variant": variant, "mean over salts": mean}
            if args.offsets:
                line["with offsets (nested), mean"] = {
                    name: round(float(np.mean([r["with offsets (nested)"][name][0] for r in runs])), 4)
                    for name in ("grounded", "handwritten")}
            for C in variant.get("stack_C", ()):
                key = f"stacked C={C} (nested)"
                line[key + ", mean"] = {name: round(float(np.mean([r[key][name][0] for r in runs])), 4)
                                        for name in ("grounded", "handwritten")}
            print(json.dumps(line, ensure_ascii=False), flush=True)
    definitions.enable_optional_cue_groups(())


if __name__ == "__main__":
    main()
