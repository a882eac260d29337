"""corpus/written.jsonl: complaints written by people retelling each published case's facts in a
caller's own words — not the generator's templates — two per case, on the case's side of the split."""

import json
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from classifiers.corpus import CORPUS_DIR, example_from_dict
from classifiers.grounded import OUTPUT_FILE, load_cases

WRITTEN = Path(CORPUS_DIR) / "written.jsonl"


@pytest.fixture(scope="module")
def items():
    return [json.loads(line) for line in open(WRITTEN, encoding="utf-8")]


@pytest.fixture(scope="module")
def cases():
    return {c["case"]: c for c in load_cases()}


def test_items_for_every_case_the_generator_wrote_from(items):
    # Two per case, up to four per training case (a second-round item that copied its facts was dropped).
    generated = {json.loads(line)["case"] for line in open(OUTPUT_FILE, encoding="utf-8")}
    per_case = Counter(i["case"] for i in items)
    assert set(per_case) == generated
    assert min(per_case.values()) >= 2
    assert len(items) >= 2500
    assert len({i["id"] for i in items}) == len(items)


def test_labels_and_source_are_the_cases(items, cases):
    for item in items:
        case = cases[item["case"]]
        assert (item["problem_types"], item["program"], item["accused_level"]) == \
            (case["problem_types"], case["program"], case["accused_level"]), item["id"]
        assert item["source_url"] == case["source_url"].strip()
        assert item["origin"] == "written"
        assert example_from_dict(item).origin == "written"


def _longest_common_run(a: str, b: str) -> int:
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def test_they_retell_the_facts_rather_than_copy_them(items, cases):
    # Figures and place names may coincide; a copied clause would not stay under 20 characters.
    copied = [i["id"] for i in items if _longest_common_run(i["text"], cases[i["case"]]["facts"]) >= 20]
    assert copied == []


def test_they_come_in_every_register(items):
    channels = Counter(i["channel"] for i in items)
    assert set(channels) == {"call", "sms", "web", "letter"}
    assert min(channels.values()) >= 0.1 * len(items)
    texts = [i["text"] for i in items]
    sms = [i["text"] for i in items if i["channel"] == "sms"]
    assert sorted(len(t) for t in sms)[len(sms) // 2] < 60  # text messages are short
    assert sum(bool(re.search("[們這說錢貧幹補為從縣鎮]", t)) for t in texts) >= 0.05 * len(texts)  # traditional
    assert sum(any(w in t for w in ("晓得", "莫得", "啥子", "俺", "咋")) for t in texts) >= 20  # dialect
    assert sum("此致" in t for t in texts) >= 0.1 * len(items)


def test_a_held_out_cases_written_items_are_held_out_and_never_trained_on(split):
    held = {e.case for e in split.source_test}
    written_test = [e for e in split.source_test if e.origin == "written"]
    assert written_test and {e.case for e in written_test} <= held
    assert not [e for e in split.train if e.origin == "written" and e.case in held]
    assert any(e.origin == "written" for e in split.train)
