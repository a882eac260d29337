"""Choose the classifier's settings by cross-validation on the training side only.

Folds are grouped: complaints written from one published case stay in one fold (as the
source-disjoint test set keeps them), so a setting is rewarded for generalising to unseen
cases, not for recognising a case's other wordings. Neither held-out set is touched.

    .venv/bin/python bench/tune_triage.py [--folds 3] [--cue-weights 0 0.5 1] [--C 0.5 1] [--pairs 0.5:0.5 1:0.25]

New case batches join the training side only through the source split (classifiers.corpus),
so the folds here never see a held-out case. Per-type F1 of the grounded folds is printed too.
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

from classifiers.corpus import load_corpus, split_corpus, stable_bucket  # noqa: E402
from classifiers.evaluate import _macro_f1  # noqa: E402
from classifiers.pipeline import build_pipeline  # noqa: E402
from classifiers.triage import Triage  # noqa: E402


def folds(examples, k):
    """Fold number of each example: by case for grounded complaints, by id otherwise."""
    return [int(stable_bucket(e.case or e.id, "tune-folds") * k) for e in examples]


def per_type_f1(truth, pred):
    return {label: round(_macro_f1(truth, pred, np.array([label])), 3) for label in sorted(set(truth))}


def score(cue_weight, C, train, test):
    pt = build_pipeline("problem_type", cue_weight=cue_weight, C=C).fit(
        [e.text for e in train], [list(e.problem_types) for e in train])
    pg = build_pipeline("program", cue_weight=cue_weight, C=C).fit([e.text for e in train], [e.program for e in train])
    results = Triage(pt, pg, extract=False).classify_many([e.text for e in test])
    out = {}
    for name, items in (("grounded", [i for i, e in enumerate(test) if e.case]),
                        ("handwritten", [i for i, e in enumerate(test) if not e.case])):
        truth = np.array([test[i].primary for i in items], dtype=object)
        pred = np.array([results[i].problem_type for i in items], dtype=object)
        ptruth = np.array([test[i].program for i in items], dtype=object)
        ppred = np.array([results[i].program for i in items], dtype=object)
        out[name] = (_macro_f1(truth, pred, np.unique(truth)), _macro_f1(ptruth, ppred, np.unique(ptruth)))
        if name == "grounded":
            out["grounded_types"] = per_type_f1(truth, pred)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--cue-weights", type=float, nargs="+", default=[0.0, 0.5, 1.0])
    parser.add_argument("--C", type=float, nargs="+", default=[0.5])
    parser.add_argument("--corpus-dir", default=None, help="a snapshot of classifiers/corpus/*.jsonl (the corpus "
                        "may change while a long run goes on; every setting must see the same one)")
    parser.add_argument("--pairs", nargs="+", default=None, help="cue_weight:C pairs instead of the full grid")
    args = parser.parse_args()
    train = split_corpus(load_corpus(args.corpus_dir) if args.corpus_dir else load_corpus()).train
    fold_of = folds(train, args.folds)
    grid = ([tuple(float(v) for v in pair.split(":")) for pair in args.pairs] if args.pairs
            else list(itertools.product(args.cue_weights, args.C)))
    for cue_weight, C in grid:
        started = time.process_time()
        scores = [score(cue_weight, C, [e for e, f in zip(train, fold_of) if f != k],
                        [e for e, f in zip(train, fold_of) if f == k]) for k in range(args.folds)]
        mean = {name: [round(float(np.mean([s[name][t] for s in scores])), 4) for t in (0, 1)]
                for name in ("grounded", "handwritten")}
        types = {label: round(float(np.mean([s["grounded_types"].get(label, 0) for s in scores])), 3)
                 for label in scores[0]["grounded_types"]}
        print(json.dumps({"cue_weight": cue_weight, "C": C, "type/programme macro-F1": mean, "grounded types": types,
                          "cpu_s": round(time.process_time() - started)}), flush=True)


if __name__ == "__main__":
    main()
