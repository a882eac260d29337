"""The source-disjoint split: no published case has complaints on both sides."""

from collections import Counter

import json

from classifiers.corpus import (
    Example, SourceSplit, assign_cases, choose_test_cases, held_out_cases, load_corpus, read_source_assignment,
    read_source_split, split_corpus,
)
from classifiers.grounded import load_cases


def grounded(case, n=3, primary="extortion", url=None):
    return [
        Example(id=f"g-{case}-{i}", text=f"{case} 投诉 {i}", problem_types=(primary,), program="dibao", case=case,
                source_url=url)
        for i in range(n)
    ]


def test_no_published_case_is_on_both_sides(split):
    train_cases = {e.case for e in split.train if e.case}
    test_cases = {e.case for e in split.source_test}
    assert test_cases, "the source-disjoint test set is empty"
    assert not train_cases & test_cases


def test_every_complaint_of_a_held_out_case_is_held_out(split):
    corpus = load_corpus()
    held = held_out_cases(corpus)
    corpus_items = [e for e in corpus if e.case in held]
    assert {e.id for e in corpus_items} == {e.id for e in split.source_test}


def test_every_case_of_every_batch_is_assigned_and_the_first_forty_stay_held_out():
    frozen = read_source_assignment()
    assert len(frozen.test_cases) >= 40 and not frozen.test_cases & frozen.train_cases
    first_forty = {f"case-{n:03d}" for n in (6, 8, 15, 16, 24, 26, 30, 46, 47, 50, 55, 57, 58, 60, 62, 63, 65, 68,
                                             81, 82, 83, 86, 91, 93, 95, 102, 105, 109, 110, 119, 120, 121, 126,
                                             127, 128, 129, 130, 133, 141, 146)}
    held = held_out_cases(load_corpus())
    assert first_forty <= held
    assert first_forty <= frozen.test_cases


def test_the_held_out_cases_cover_every_primary_type_of_the_cases():
    held = held_out_cases(load_corpus())
    cases = load_cases()
    types = {c["problem_types"][0] for c in cases}
    held_types = Counter(c["problem_types"][0] for c in cases if c["case"] in held)
    assert set(held_types) == types
    assert 0.22 * len(cases) <= len(held) <= 0.35 * len(cases)


def test_a_new_batch_is_split_without_moving_an_old_case():
    old = {f"case-{i:03d}": ("extortion" if i % 2 else "favoritism", f"u{i}") for i in range(20)}
    frozen = SourceSplit(frozenset(choose_test_cases({c: t for c, (t, _) in old.items()})), frozenset())
    frozen = SourceSplit(frozen.test_cases, frozenset(old) - frozen.test_cases)
    new = {f"case-b{i:03d}": ("extortion" if i % 3 else "formalism", f"v{i}") for i in range(40)}
    held = assign_cases({**old, **new}, frozen)
    assert held & set(old) == set(frozen.test_cases)
    new_held = held - set(old)
    assert 0.2 * len(new) <= len(new_held) <= 0.35 * len(new)
    assert {new[c][0] for c in new_held} == {"extortion", "formalism"}
    # the same cases in another order give the same assignment
    assert assign_cases(dict(reversed(list({**old, **new}.items()))), frozen) == held


def test_a_new_case_from_a_held_out_cases_page_is_held_out_too():
    frozen = SourceSplit(frozenset({"case-1"}), frozenset({"case-2"}))
    cases = {"case-1": ("extortion", "page-a"), "case-2": ("extortion", "page-b"),
             "case-3": ("favoritism", "page-a"), "case-4": ("favoritism", "page-b")}
    held = assign_cases(cases, frozen)
    assert "case-3" in held and "case-4" not in held


def test_new_cases_of_one_page_land_on_one_side():
    cases = {f"case-{i:02d}": ("extortion", f"page-{i // 4}") for i in range(40)}
    held = assign_cases(cases, SourceSplit())
    for page in {url for _, url in cases.values()}:
        sides = {c in held for c, (_, url) in cases.items() if url == page}
        assert len(sides) == 1
    assert held


def test_the_committed_split_lists_every_case_once():
    payload = json.loads(open("classifiers/corpus/cases/split.json", encoding="utf-8").read())
    assert len(payload["test_cases"]) == len(set(payload["test_cases"]))
    assert not set(payload["test_cases"]) & set(payload.get("train_cases", ()))


def test_it_chooses_held_out_cases_deterministically_per_type():
    cases = {f"case-{i:03d}": ("extortion" if i % 2 else "favoritism") for i in range(20)}
    chosen = choose_test_cases(cases)
    assert chosen == choose_test_cases(dict(reversed(list(cases.items()))))
    assert Counter(cases[c] for c in chosen) == {"extortion": 3, "favoritism": 3}


def test_training_drops_a_text_equal_to_a_source_test_text(tmp_path):
    split_file = tmp_path / "cases-split.json"
    split_file.write_text('{"test_cases": ["case-a"], "train_cases": ["case-b"]}', encoding="utf-8")
    copy = Example(id="x-1", text="case-a 投诉 0", problem_types=("extortion",), program="dibao")
    result = split_corpus(grounded("case-a") + grounded("case-b") + [copy],
                          split_path=None, source_split_path=split_file)
    assert {e.case for e in result.source_test} == {"case-a"}
    assert "x-1" not in {e.id for e in result.train}
    assert {e.id for e in result.train} >= {"g-case-b-0", "g-case-b-1", "g-case-b-2"}
