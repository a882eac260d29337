"""The labelled complaint corpus, its fingerprint and the fixed held-out split.

The corpus is every `classifiers/corpus/*.jsonl` file, one JSON object per line:
{"id", "text", "problem_types": [primary, ...others], "program", "channel"}.

The held-out split is listed in the committed `corpus/split.json` (test ids, chosen once,
stratified on the primary type by a stable hash of the id). Ids added to the corpus later go
to training; the test set only changes when someone deliberately rewrites split.json, so
models trained at different times are compared on the same texts. Without split.json the
same rule is applied on the fly. Training never sees a test id or a test text.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .labels import ACCUSED_LEVELS, PROBLEM_TYPES, PROGRAMS
from .normalize import normalize

logger = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).with_name("corpus")
SPLIT_FILE = CORPUS_DIR / "split.json"
TEST_FRACTION = 0.2
SPLIT_SALT = "hotline-triage-split-v1"
SOURCE_SPLIT_FILE = CORPUS_DIR / "cases" / "split.json"
SOURCE_TEST_FRACTION = 0.25
SOURCE_SPLIT_SALT = "hotline-triage-source-split-v1"


@dataclass(frozen=True)
class Example:
    """One labelled complaint. Extra examples may lack one of the two labels."""

    id: str
    text: str
    problem_types: tuple[str, ...] = ()
    program: str | None = None
    channel: str | None = None
    source: str = "corpus"
    case: str | None = None  # the published case a grounded complaint was written from
    accused_level: str | None = None
    source_url: str | None = None  # the published page the case was taken from
    # How a grounded complaint was written: "written" by a person retelling the case's facts in a
    # caller's own words (corpus/written.jsonl); None for the generator's (grounded.jsonl) and the rest.
    origin: str | None = None

    @property
    def primary(self) -> str | None:
        """The primary problem type, used for routing, statistics and stratification."""
        return self.problem_types[0] if self.problem_types else None


@dataclass
class Split:
    """Training and held-out examples. Extra (confirmed) examples are only in `train`."""

    train: list[Example]
    test: list[Example]
    dropped_extra: int = 0
    notes: list[str] = field(default_factory=list)
    # Complaints written from held-out published cases: no case has items on both sides.
    source_test: list[Example] = field(default_factory=list)


def example_from_dict(record: Mapping[str, object], *, source: str = "corpus") -> Example:
    """Build an Example from a corpus line or an inspector's correction; raise ValueError."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("missing text")
    types = record.get("problem_types")
    if types is None and record.get("problem_type"):
        types = [record["problem_type"]]
    if isinstance(types, str):
        types = [types]
    types = tuple(dict.fromkeys(str(t) for t in (types or ())))
    unknown = [t for t in types if t not in PROBLEM_TYPES]
    if unknown:
        raise ValueError(f"unknown problem type {unknown}")
    program = record.get("program") or None
    if program is not None and program not in PROGRAMS:
        raise ValueError(f"unknown programme {program!r}")
    if not types and program is None:
        raise ValueError("no label")
    raw_id = record.get("id")
    example_id = str(raw_id) if raw_id not in (None, "") else _text_id(text)
    channel = record.get("channel")
    level = record.get("accused_level") or None
    if level is not None and level not in ACCUSED_LEVELS:
        raise ValueError(f"unknown accused level {level!r}")
    case = record.get("case") or None
    source_url = record.get("source_url") or None
    origin = record.get("origin") or None
    return Example(
        id=example_id,
        text=text,
        problem_types=types,
        program=str(program) if program else None,
        channel=str(channel) if channel else None,
        source=source,
        case=str(case) if case else None,
        accused_level=str(level) if level else None,
        source_url=str(source_url) if source_url else None,
        origin=str(origin) if origin else None,
    )


def _text_id(text: str) -> str:
    return "extra-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_corpus(corpus_dir: Path | str = CORPUS_DIR) -> list[Example]:
    """Read every *.jsonl file in `corpus_dir` (sorted by name).

    Bad lines are skipped and logged rather than failing: the files are written by people,
    and one typo must not stop a retraining job. Duplicate ids keep the first.
    """
    examples: list[Example] = []
    seen: set[str] = set()
    for path in sorted(Path(corpus_dir).glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    example = example_from_dict(json.loads(line), source=path.name)
                except (ValueError, AttributeError) as error:
                    logger.warning("%s:%d: skipped (%s)", path.name, number, error)
                    continue
                if not example.problem_types or example.program is None:
                    logger.warning("%s:%d: skipped (needs both labels)", path.name, number)
                    continue
                if example.id in seen:
                    logger.warning("%s:%d: skipped (duplicate id %s)", path.name, number, example.id)
                    continue
                seen.add(example.id)
                examples.append(example)
    return examples


def corpus_hash(examples: Iterable[Example]) -> str:
    """A fingerprint of the labelled content, independent of file names and line order."""
    digest = hashlib.sha256()
    for example in sorted(examples, key=lambda e: e.id):
        row = [example.id, example.text, list(example.problem_types), example.program]
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()


def stable_bucket(example_id: str, salt: str = SPLIT_SALT) -> float:
    """A number in [0, 1) fixed by the id alone (unlike Python's salted hash())."""
    digest = hashlib.sha256(f"{salt}:{example_id}".encode("utf-8")).hexdigest()
    return int(digest[:13], 16) / float(16**13)


def choose_test_ids(
    examples: Iterable[Example], *, fraction: float = TEST_FRACTION, salt: str = SPLIT_SALT
) -> list[str]:
    """Stratified on the primary type: in each class, the ids with the lowest buckets.

    Rounding up per class guarantees at least `fraction` of every class is held out.
    """
    by_class: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_class[example.primary or ""].append(example)
    chosen: list[str] = []
    for members in by_class.values():
        members.sort(key=lambda e: stable_bucket(e.id, salt))
        chosen.extend(e.id for e in members[: math.ceil(fraction * len(members))])
    return sorted(chosen)


def write_split(
    examples: list[Example], path: Path | str = SPLIT_FILE, *, fraction: float = TEST_FRACTION
) -> list[str]:
    """Freeze the held-out ids in split.json (done once, when the corpus is complete)."""
    test_ids = choose_test_ids([e for e in examples if not e.case], fraction=fraction)
    payload = {
        "description": "Held-out test ids; training never sees them. Stratified on the "
        "primary problem type by sha256(salt:id). Regenerate only deliberately.",
        "salt": SPLIT_SALT,
        "fraction": fraction,
        "corpus_hash": corpus_hash(examples),
        "test_ids": test_ids,
    }
    Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return test_ids


def read_split_ids(path: Path | str = SPLIT_FILE) -> set[str] | None:
    """The frozen test ids, or None when no split file exists yet."""
    path = Path(path)
    if not path.exists():
        return None
    return set(json.loads(path.read_text(encoding="utf-8"))["test_ids"])


def choose_test_cases(
    cases: Mapping[str, str], *, fraction: float = SOURCE_TEST_FRACTION, salt: str = SOURCE_SPLIT_SALT
) -> list[str]:
    """Held-out case ids, stratified on each case's primary type (`cases`: id → type)."""
    by_class: dict[str, list[str]] = defaultdict(list)
    for case, primary in cases.items():
        by_class[primary].append(case)
    chosen: list[str] = []
    for members in by_class.values():
        members.sort(key=lambda c: stable_bucket(c, salt))
        chosen.extend(members[: math.ceil(fraction * len(members))])
    return sorted(chosen)


@dataclass(frozen=True)
class SourceSplit:
    """The frozen assignment of published cases: held out, trained on, and how it was made."""

    test_cases: frozenset[str] = frozenset()
    train_cases: frozenset[str] = frozenset()

    @property
    def known(self) -> frozenset[str]:
        return self.test_cases | self.train_cases


def assign_cases(
    cases: Mapping[str, tuple[str, str | None]], frozen: SourceSplit = SourceSplit(),
    *, fraction: float = SOURCE_TEST_FRACTION, salt: str = SOURCE_SPLIT_SALT,
) -> set[str]:
    """Every held-out case: the frozen ones, plus new cases assigned by the frozen rule.

    `cases`: case id → (primary type, source address). A case already in `frozen` keeps its
    side, so adding a batch of cases never moves an old one. A new case whose source address
    is that of a frozen case goes to that case's side (held out if any held-out case shares
    it): two cases from one 通报 page are never split by the new assignment. The remaining new
    cases are grouped by source address and the groups chosen by `choose_test_cases` (the rule
    that chose the first 40: stratified on the first case's primary type, lowest
    sha256(salt:case) first, a `fraction` of every type rounded up).
    """
    held = {c for c in cases if c in frozen.test_cases}
    side_of_url: dict[str, bool] = {}
    for case, (_, url) in cases.items():
        if case in frozen.known and url:
            side_of_url[url] = side_of_url.get(url, False) or case in frozen.test_cases
    groups: dict[str, list[str]] = defaultdict(list)
    for case, (_, url) in sorted(cases.items()):
        if case in frozen.known:
            continue
        if url and url in side_of_url:
            if side_of_url[url]:
                held.add(case)
            continue
        groups[url or case].append(case)
    leaders = {members[0]: cases[members[0]][0] for members in groups.values()}
    chosen = set(choose_test_cases(leaders, fraction=fraction, salt=salt))
    for members in groups.values():
        if members[0] in chosen:
            held.update(members)
    return held


def write_source_split(path: Path | str = SOURCE_SPLIT_FILE) -> list[str]:
    """Freeze the assignment of every case in cases/*.jsonl into cases/split.json.

    Cases already listed keep their side; new ones are assigned by `assign_cases`.
    """
    from classifiers.grounded import load_cases

    records = load_cases()
    frozen = read_source_assignment(path)
    cases = {r["case"]: (r["problem_types"][0], r.get("source_url")) for r in records}
    held = assign_cases(cases, frozen)
    payload = {
        "description": "Held-out published cases: every complaint written from them is in the "
        "source-disjoint test set and none in training. The first 40 were chosen stratified on "
        "the case's primary type by sha256(salt:case); cases added later keep the old ones in "
        "place and are assigned by the same rule (classifiers.corpus.assign_cases), a case "
        "sharing its source address with a listed case going to that case's side.",
        "salt": SOURCE_SPLIT_SALT,
        "fraction": SOURCE_TEST_FRACTION,
        "test_cases": sorted(held),
        "train_cases": sorted(set(cases) - held),
    }
    Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return sorted(held)


def read_source_assignment(path: Path | str = SOURCE_SPLIT_FILE) -> SourceSplit:
    """The frozen case assignment (empty when no source split was frozen)."""
    path = Path(path)
    if not path.exists():
        return SourceSplit()
    payload = json.loads(path.read_text(encoding="utf-8"))
    return SourceSplit(frozenset(payload["test_cases"]), frozenset(payload.get("train_cases", ())))


def read_source_split(path: Path | str = SOURCE_SPLIT_FILE) -> set[str]:
    """The frozen held-out case ids (empty when no source split was frozen)."""
    return set(read_source_assignment(path).test_cases)


def held_out_cases(examples: Iterable[Example], path: Path | str | None = SOURCE_SPLIT_FILE) -> set[str]:
    """Held-out cases of these examples: the frozen ones, and cases split.json does not list
    yet assigned on the fly by the same rule (so a new batch never leaks into training
    before someone freezes it)."""
    frozen = read_source_assignment(path) if path is not None else SourceSplit()
    cases: dict[str, tuple[str, str | None]] = {}
    for example in examples:
        if example.case and example.case not in cases and example.primary:
            cases[example.case] = (example.primary, example.source_url)
    if path is None:
        return set()
    return assign_cases(cases, frozen)


def split_corpus(
    examples: list[Example],
    *,
    split_path: Path | str | None = SPLIT_FILE,
    source_split_path: Path | str | None = SOURCE_SPLIT_FILE,
    extra_examples: Iterable[Mapping[str, object] | Example] = (),
) -> Split:
    """Training, held-out and source-disjoint held-out examples; extras join training only.

    Two held-out sets, neither ever trained on: the frozen ids of split.json (the original
    hand-written corpus), and every complaint written from a held-out published case
    (cases/split.json). Training also drops any text equal, after normalisation, to a
    held-out text; extra examples (inspectors' confirmed labels) likewise.
    """
    frozen = read_split_ids(split_path) if split_path is not None else None
    test_ids = frozen if frozen is not None else set(choose_test_ids([e for e in examples if not e.case]))
    notes = [] if frozen is not None else ["split.json missing: split computed on the fly"]
    held_cases = held_out_cases(examples, source_split_path)
    unlisted = {e.case for e in examples if e.case} - read_source_assignment(source_split_path).known \
        if source_split_path is not None else set()
    if unlisted:
        notes.append(f"{len(unlisted)} cases not in cases/split.json: assigned on the fly by the same rule")
    test = [e for e in examples if e.id in test_ids]
    source_test = [e for e in examples if e.case in held_cases and e.id not in test_ids]
    held_texts = {normalize(e.text) for e in test + source_test}
    held_ids = test_ids | {e.id for e in source_test}
    train = [e for e in examples if e.id not in held_ids and normalize(e.text) not in held_texts]
    dropped = len(examples) - len(test) - len(source_test) - len(train)
    if dropped:
        notes.append(f"{dropped} training examples dropped: same text as a held-out example")

    dropped_extra = 0
    for record in extra_examples:
        try:
            example = (
                record if isinstance(record, Example)
                else example_from_dict(record, source="extra")
            )
        except ValueError as error:
            logger.warning("extra example skipped: %s", error)
            dropped_extra += 1
            continue
        if example.id in held_ids or normalize(example.text) in held_texts:
            dropped_extra += 1
            continue
        train.append(example)
    return Split(train=train, test=test, dropped_extra=dropped_extra, notes=notes, source_test=source_test)


def label_distribution(examples: Iterable[Example]) -> dict[str, dict[str, int]]:
    """Counts of primary types, all types (multi-label) and programmes."""
    primary: dict[str, int] = defaultdict(int)
    any_type: dict[str, int] = defaultdict(int)
    program: dict[str, int] = defaultdict(int)
    for example in examples:
        if example.primary:
            primary[example.primary] += 1
        for label in example.problem_types:
            any_type[label] += 1
        if example.program:
            program[example.program] += 1
    return {"primary": dict(primary), "any_type": dict(any_type), "program": dict(program)}


def main(argv: list[str] | None = None) -> None:
    """`python -m classifiers.corpus [--write-split]`: label counts; freeze the split."""
    import argparse

    parser = argparse.ArgumentParser(description="Corpus statistics and the held-out split.")
    parser.add_argument("--write-split", action="store_true", help="(re)write corpus/split.json")
    parser.add_argument("--write-source-split", action="store_true", help="(re)write corpus/cases/split.json")
    args = parser.parse_args(argv)
    examples = load_corpus()
    if args.write_split:
        test_ids = write_split(examples)
        print(f"wrote {SPLIT_FILE} with {len(test_ids)} test ids")
    if args.write_source_split:
        cases = write_source_split()
        print(f"wrote {SOURCE_SPLIT_FILE} with {len(cases)} held-out cases")
    split = split_corpus(examples)
    print(json.dumps({
        "examples": len(examples),
        "corpus_hash": corpus_hash(examples),
        "train": len(split.train),
        "test": len(split.test),
        "source_test": len(split.source_test),
        "source_test_cases": len({e.case for e in split.source_test}),
        "notes": split.notes,
        "all": label_distribution(examples),
        "test_split": label_distribution(split.test),
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
