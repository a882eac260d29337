"""Versioned model artifacts: train, save, load (from the trusted folder only), promote.

Layout of the models folder (default: $MODELS_DIR, else instance/models):

    models/
      current                      ← one line: the promoted version id
      20250301T020000Z-3fa9c1/     ← one artifact per training run
        problem_type.joblib
        program.joblib
        metadata.json              ← versions, corpus hash, date, split, metrics

Pickles execute code when loaded, so artifacts are only read from the configured folder,
by a version id of the expected shape, and refused when scikit-learn differs from the
version that wrote them. The running app polls `ModelStore.get()`, which costs one stat()
of the pointer file, and picks up a newly promoted model without a restart.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import re
import secrets
import tempfile
import threading
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import joblib

from .corpus import CORPUS_DIR, SPLIT_FILE, Example, corpus_hash, label_distribution, load_corpus, split_corpus
from .evaluate import evaluate
from .pipeline import build_pipeline
from .triage import Triage

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
POINTER = "current"
VERSION_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
# Packages whose version decides whether a pickle loads and behaves the same.
TRACKED_PACKAGES = ("scikit-learn", "numpy", "scipy", "joblib", "jieba", "opencc-python-reimplemented", "cn2an")
# A mismatch of these refuses the load; of the others, warns.
STRICT_PACKAGES = ("scikit-learn",)
# A class needs this many training examples to be learned (calibration cross-validates).
MIN_CLASS_EXAMPLES = 5


class ArtifactError(RuntimeError):
    """An artifact is missing, malformed or outside the trusted folder."""


class ArtifactVersionError(ArtifactError):
    """The artifact was written with library versions that cannot be trusted to load."""


def default_models_dir() -> Path:
    """$MODELS_DIR, else instance/models (relative to the working directory)."""
    return Path(os.environ.get("MODELS_DIR") or "instance/models")


def library_versions() -> dict[str, str | None]:
    """Versions of Python and of the tracked packages, as recorded in metadata.json."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for package in TRACKED_PACKAGES:
        try:
            versions[package] = importlib_metadata.version(package)
        except importlib_metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def new_version_id(now: dt.datetime | None = None) -> str:
    """UTC timestamp plus random hex, so ids sort by time and never collide."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


# --- training ------------------------------------------------------------------------------

def _learnable(examples: list[Example], key: str) -> list[Example]:
    """Examples whose label (primary type or programme) has enough examples to learn."""
    def label(e: Example) -> str | None:
        return e.primary if key == "problem_type" else e.program

    counts = Counter(label(e) for e in examples if label(e))
    rare = {name for name, count in counts.items() if count < MIN_CLASS_EXAMPLES}
    if rare:
        logger.warning("%s: too few examples to learn %s; left out", key, sorted(rare))
    return [e for e in examples if label(e) and label(e) not in rare]


def fit_models(train: list[Example]) -> tuple[Any, Any]:
    """Fit both pipelines on training examples only."""
    pt_examples = _learnable(train, "problem_type")
    pg_examples = _learnable(train, "program")
    problem_type = build_pipeline("problem_type").fit(
        [e.text for e in pt_examples], [list(e.problem_types) for e in pt_examples]
    )
    program = build_pipeline("program").fit([e.text for e in pg_examples], [e.program for e in pg_examples])
    return problem_type, program


@dataclass
class TrainResult:
    """What `train_artifact` did."""

    version: str
    path: Path
    metrics: dict[str, Any]
    promoted: bool
    promotion_reason: str
    metadata: dict[str, Any] = field(default_factory=dict)


def train_artifact(
    models_dir: Path | str | None = None,
    extra_examples: Iterable[Mapping[str, object] | Example] = (),
    *,
    corpus_dir: Path | str = CORPUS_DIR,
    split_path: Path | str | None = SPLIT_FILE,
    promote_if_not_worse: bool = True,
    tolerance: float = 0.0,
) -> TrainResult:
    """Train on the corpus (+ confirmed extra examples) and write a versioned artifact.

    `extra_examples` are inspectors' confirmed labels, dicts like {"id", "text",
    "problem_types": [...], "program"}; they only ever join the training side. The new
    artifact is then promoted if it is not worse than the current one on the held-out split
    (or if there is no current one).
    """
    models_dir = Path(models_dir or default_models_dir())
    examples = load_corpus(corpus_dir)
    split = split_corpus(examples, split_path=split_path, extra_examples=extra_examples)
    problem_type, program = fit_models(split.train)
    version = new_version_id()
    triage = Triage(problem_type, program, version=version)
    metrics = evaluate(triage, split.test)
    source_metrics = evaluate(triage, split.source_test) if split.source_test else None

    n_extra = sum(1 for e in split.train if e.source == "extra")
    meta = {
        "format": FORMAT_VERSION,
        "version": version,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "libraries": library_versions(),
        "corpus_hash": corpus_hash(examples),
        "split": {
            "n_corpus": len(examples),
            "n_train": len(split.train),
            "n_test": len(split.test),
            "n_source_test": len(split.source_test),
            "source_test_cases": sorted({e.case for e in split.source_test if e.case}),
            "n_extra": n_extra,
            "dropped_extra": split.dropped_extra,
            "test_ids_hash": corpus_hash(split.test),
            "notes": split.notes,
        },
        "label_distribution": label_distribution(examples),
        "low_confidence_threshold": triage.low_confidence_threshold,
        "metrics": metrics,
        "metrics_source_disjoint": source_metrics,
    }
    path = save_artifact(models_dir, version, problem_type, program, meta)
    promoted, reason = False, "not asked to promote"
    if promote_if_not_worse:
        decision = promote(models_dir, version, tolerance=tolerance, holdout=split.test)
        promoted, reason = decision.promoted, decision.reason
    return TrainResult(version, path, metrics, promoted, reason, meta)


def save_artifact(
    models_dir: Path, version: str, problem_type: Any, program: Any, meta: dict[str, Any]
) -> Path:
    """Write the artifact into a temporary folder and rename it, so readers never see half."""
    if not VERSION_RE.match(version):
        raise ArtifactError(f"bad version id {version!r}")
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=models_dir))
    joblib.dump(problem_type, staging / "problem_type.joblib", compress=3)
    joblib.dump(program, staging / "program.joblib", compress=3)
    (staging / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    final = models_dir / version
    os.replace(staging, final)
    return final


# --- loading -------------------------------------------------------------------------------

def _artifact_dir(models_dir: Path, version: str) -> Path:
    """The artifact folder, checked to be a direct child of the trusted models folder."""
    if not VERSION_RE.match(version or ""):
        raise ArtifactError(f"not a version id: {version!r}")
    root = models_dir.resolve()
    path = (models_dir / version).resolve()
    if path.parent != root or not path.is_dir():
        raise ArtifactError(f"artifact {version} not found in {root}")
    return path


def read_metadata(models_dir: Path | str, version: str) -> dict[str, Any]:
    """metadata.json of an artifact in the trusted folder."""
    path = _artifact_dir(Path(models_dir), version) / "metadata.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ArtifactError(f"unreadable metadata for {version}: {error}") from error


def check_versions(recorded: Mapping[str, str | None], *, strict: bool = True) -> list[str]:
    """Compare recorded library versions with the running ones.

    Returns the mismatches; raises ArtifactVersionError for a strict package (scikit-learn
    does not promise that pickles load across versions) unless `strict` is False.
    """
    running = library_versions()
    mismatches = [
        f"{name}: artifact {recorded.get(name)}, running {running.get(name)}"
        for name in ("python", *TRACKED_PACKAGES)
        if recorded.get(name) != running.get(name)
    ]
    hard = [m for m in mismatches if m.split(":")[0] in STRICT_PACKAGES]
    if hard and strict:
        raise ArtifactVersionError("; ".join(hard) + " — retrain with `model train`")
    for mismatch in mismatches:
        warnings.warn(f"model artifact version mismatch: {mismatch}", stacklevel=2)
    return mismatches


def load_artifact(
    models_dir: Path | str | None = None,
    version: str | None = None,
    *,
    strict_versions: bool = True,
    divisions: Any = None,
) -> Triage:
    """Load an artifact (the current one by default) from the trusted folder as a Triage."""
    models_dir = Path(models_dir or default_models_dir())
    version = version or current_version(models_dir)
    if version is None:
        raise ArtifactError(f"no promoted model in {models_dir}; run `model train`")
    meta = read_metadata(models_dir, version)
    if meta.get("format") != FORMAT_VERSION:
        raise ArtifactError(f"artifact {version} has format {meta.get('format')}, expected {FORMAT_VERSION}")
    check_versions(meta.get("libraries", {}), strict=strict_versions)
    folder = _artifact_dir(models_dir, version)
    problem_type = joblib.load(folder / "problem_type.joblib")
    program = joblib.load(folder / "program.joblib")
    _share_features(problem_type, program)
    triage = Triage(
        problem_type,
        program,
        divisions=divisions,
        low_confidence_threshold=meta.get("low_confidence_threshold", 0.5),
        version=version,
    )
    triage.warm_up()  # here, in the loader (a background poll), not in someone's request
    return triage


def _share_features(problem_type: Any, program: Any) -> None:
    """When both pipelines learned identical features (the usual case: same training texts),
    let them hold one copy: the vocabularies are most of a loaded model's memory."""
    from .features import same_features

    if len(problem_type) == len(program) == 3 and same_features(problem_type[1:-1], program[1:-1]):
        program.steps[1] = (program.steps[1][0], problem_type[1])


def current_version(models_dir: Path | str) -> str | None:
    """The promoted version id, or None when nothing was promoted yet."""
    try:
        text = (Path(models_dir) / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return text or None


def _write_pointer(models_dir: Path, version: str) -> None:
    temporary = models_dir / f".{POINTER}.{secrets.token_hex(4)}"
    temporary.write_text(version + "\n", encoding="utf-8")
    os.replace(temporary, models_dir / POINTER)  # atomic: readers see old or new, never half


# --- promotion -----------------------------------------------------------------------------

@dataclass
class PromotionDecision:
    """Whether a candidate became current, and the held-out scores that decided it."""

    promoted: bool
    reason: str
    candidate: dict[str, float]
    current: dict[str, float] | None


def _scores(metrics: Mapping[str, Any]) -> dict[str, float]:
    return {target: metrics[target]["macro_f1"] for target in ("problem_type", "program")}


def promote(
    models_dir: Path | str,
    version: str,
    *,
    tolerance: float = 0.0,
    holdout: list[Example] | None = None,
    force: bool = False,
) -> PromotionDecision:
    """Make `version` current unless it is worse than the current model on the held-out split.

    Both models are scored now, on the same held-out examples (the committed split of the
    corpus as it is today), so a change of corpus cannot make the comparison unfair.
    "Not worse" means: for each target, candidate macro-F1 ≥ current macro-F1 − tolerance.
    """
    models_dir = Path(models_dir)
    current = current_version(models_dir)
    if holdout is None:
        holdout = split_corpus(load_corpus()).test
    candidate_scores = _scores(evaluate(load_artifact(models_dir, version), holdout))
    if current is None or current == version or force:
        _write_pointer(models_dir, version)
        reason = "forced" if force else ("no current model" if current is None else "already current")
        return PromotionDecision(True, reason, candidate_scores, None)
    try:
        current_scores = _scores(evaluate(load_artifact(models_dir, current), holdout))
    except (ArtifactError, OSError, ValueError) as error:
        logger.warning("current model %s unusable (%s); promoting %s", current, error, version)
        _write_pointer(models_dir, version)
        return PromotionDecision(True, f"current model unusable: {error}", candidate_scores, None)
    worse = [
        f"{target} {candidate_scores[target]:.4f} < {current_scores[target]:.4f}"
        for target in candidate_scores
        if candidate_scores[target] < current_scores[target] - tolerance
    ]
    if worse:
        return PromotionDecision(False, "worse on held-out split: " + ", ".join(worse), candidate_scores, current_scores)
    _write_pointer(models_dir, version)
    return PromotionDecision(True, "not worse on held-out split", candidate_scores, current_scores)


# --- serving -------------------------------------------------------------------------------

class ModelStore:
    """The app's handle on the current model, reloaded when the pointer changes.

    `get()` stats the pointer file (microseconds) and only reads and loads when its
    mtime, size or inode changed and the version in it differs. A failed load keeps the
    previous model (logged), so a bad artifact never takes triage down.
    """

    def __init__(self, models_dir: Path | str | None = None, *, divisions: Any = None, strict_versions: bool = True) -> None:
        self.models_dir = Path(models_dir or default_models_dir())
        self.divisions = divisions
        self.strict_versions = strict_versions
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._triage: Triage | None = None

    def _pointer_stamp(self) -> tuple[int, int, int] | None:
        try:
            info = os.stat(self.models_dir / POINTER)
        except FileNotFoundError:
            return None
        return (info.st_mtime_ns, info.st_size, info.st_ino)

    def get(self) -> Triage | None:
        """The current Triage, or None when no model has been promoted (or none loads)."""
        stamp = self._pointer_stamp()
        if stamp == self._stamp:
            return self._triage
        with self._lock:
            if stamp != self._stamp:
                self._reload(stamp)
        return self._triage

    def _reload(self, stamp: tuple[int, int, int] | None) -> None:
        version = current_version(self.models_dir)
        if version is None or (self._triage is not None and self._triage.version == version):
            self._stamp = stamp
            return
        try:
            self._triage = load_artifact(
                self.models_dir, version, strict_versions=self.strict_versions, divisions=self.divisions
            )
        except Exception:  # keep serving the previous model; the job that promoted it logs too
            logger.exception("could not load model %s; keeping %s", version,
                             self._triage.version if self._triage else None)
        self._stamp = stamp

    def set_divisions(self, divisions: Any) -> None:
        """Change the division names used by the current and future models."""
        self.divisions = divisions
        if self._triage is not None:
            self._triage.set_divisions(divisions)
