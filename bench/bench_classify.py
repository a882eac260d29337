"""Classification speed and memory, side by side with jieba.lcut on the same texts.

    .venv/bin/python bench/bench_classify.py [--models-dir DIR] [--repeat 3]

Everything runs on one core (BLAS threads pinned to 1). Reports:
- throughput (texts per CPU-second, best of --repeat interleaved rounds; wall-clock too) of
  jieba.lcut alone (global tokenizer, default HMM=True);
- throughput of Triage.classify_many in batches of 256 (classification + entity extraction)
  and of classification alone;
- p50/p99 latency of Triage.classify on one text (wall clock, and CPU time of the thread);
- memory: resident-set growth from building the jieba tokenizer, the opencc tables and the
  place-name word list, then from loading the models, and the artifact size on disk.
"""
from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mb() -> float:
    """Current resident set size in MiB (Linux /proc)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def rate(function, texts, clock=time.process_time) -> float:
    """Texts per second of `clock`. CPU time (the default) is what one core spends and is
    steadier than wall time on a shared machine; both are reported."""
    start = clock()
    function(texts)
    return len(texts) / (clock() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models-dir", type=Path, default=None, help="use this artifact folder instead of training")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    import jieba

    from classifiers.corpus import load_corpus

    texts = [e.text for e in load_corpus()]
    models_dir = args.models_dir
    if models_dir is None:
        # Train in a child process so this one's memory figures only see the loading.
        models_dir = Path(tempfile.mkdtemp(prefix="bench-models-"))
        subprocess.run(
            [sys.executable, "-c", f"from classifiers.artifact import train_artifact; train_artifact({str(models_dir)!r})"],
            check=True, cwd=Path(__file__).resolve().parents[1],
        )
    artifact_bytes = sum(p.stat().st_size for p in models_dir.glob("*/*.joblib")) / max(1, len(list(models_dir.glob("*/problem_type.joblib"))))

    from classifiers.artifact import load_artifact  # imports scikit-learn before measuring
    from classifiers.normalize import to_simplified
    from classifiers.places import load_function_words
    from classifiers.segment import get_tokenizer

    gc.collect()
    before = rss_mb()
    # What the first complaint needs besides the models (load_artifact builds it too).
    get_tokenizer()
    to_simplified("預熱")
    load_function_words()
    gc.collect()
    after_warmup = rss_mb()
    triage = load_artifact(models_dir)
    gc.collect()
    after_models = rss_mb()

    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("预热")

    def jieba_all(batch):
        return [jieba.lcut(t) for t in batch]

    def classify_all(batch):
        for i in range(0, len(batch), 256):
            triage.classify_many(batch[i : i + 256])

    def classify_only(batch):
        triage.extract = False
        try:
            classify_all(batch)
        finally:
            triage.extract = True

    # Interleaved rounds, best of each: the machine is shared, so a slow moment should not
    # fall on one side of the comparison only.
    best = {"jieba": 0.0, "triage": 0.0, "classify_only": 0.0}
    wall = {"jieba": 0.0, "triage": 0.0}
    for _ in range(args.repeat):
        for name, function in (("jieba", jieba_all), ("triage", classify_all), ("classify_only", classify_only)):
            best[name] = max(best[name], rate(function, texts))
        for name, function in (("jieba", jieba_all), ("triage", classify_all)):
            wall[name] = max(wall[name], rate(function, texts, time.perf_counter))
    jieba_rate, triage_rate, classify_only_rate = best["jieba"], best["triage"], best["classify_only"]

    # Latency of one text at a time, wall clock and CPU time of this thread (the latter is
    # what the code costs; the former adds whatever else the machine is doing).
    latencies, cpu_latencies = [], []
    for text in texts:
        start, cpu_start = time.perf_counter(), time.thread_time()
        triage.classify(text)
        cpu_latencies.append((time.thread_time() - cpu_start) * 1000)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    cpu_latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    cpu_p99 = cpu_latencies[int(0.99 * (len(cpu_latencies) - 1))]

    report = {
        "texts": len(texts),
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
        "jieba_lcut_texts_per_s": round(jieba_rate),
        "triage_texts_per_s": round(triage_rate),
        "triage_vs_jieba": round(triage_rate / jieba_rate, 2),
        "classification_only_texts_per_s": round(classify_only_rate),
        "wall_clock_jieba_texts_per_s": round(wall["jieba"]),
        "wall_clock_triage_texts_per_s": round(wall["triage"]),
        "single_text_ms_p50": round(latencies[len(latencies) // 2], 2),
        "single_text_ms_p99": round(p99, 2),
        "single_text_ms_max": round(latencies[-1], 2),
        "single_text_cpu_ms_p50": round(cpu_latencies[len(cpu_latencies) // 2], 2),
        "single_text_cpu_ms_p99": round(cpu_p99, 2),
        "models_rss_mib": round(after_models - after_warmup, 1),
        "tokenizer_and_converter_rss_mib": round(after_warmup - before, 1),
        "artifact_mib_on_disk": round(artifact_bytes / 2**20, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for key, value in report.items():
            print(f"{key:<34}{value}")


if __name__ == "__main__":
    main()
