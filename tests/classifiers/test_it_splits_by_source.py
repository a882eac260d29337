"""The source-disjoint split: no published case has complaints on both sides."""

from collections import Counter

from classifiers.corpus import Example, choose_test_cases, load_corpus, read_source_split, split_corpus
from classifiers.grounded import load_cases


def grounded(case, n=3, primary="extortion"):
    return [
        Example(id=f"g-{case}-{i}", text=f"{case} 投诉 {i}", problem_types=(primary,), program="dibao", case=case)
        for i in range(n)
    ]


def test_no_published_case_is_on_both_sides(split):
    train_cases = {e.case for e in split.train if e.case}
    test_cases = {e.case for e in split.source_test}
    assert test_cases, "the source-disjoint test set is empty"
    assert not train_cases & test_cases


def test_every_complaint_of_a_held_out_case_is_held_out(split):
    held = read_source_split()
    corpus_items = [e for e in load_corpus() if e.case in held]
    assert {e.id for e in corpus_items} == {e.id for e in split.source_test}


def test_the_held_out_cases_cover_every_primary_type_of_the_cases():
    held = read_source_split()
    cases = load_cases()
    types = {c["problem_types"][0] for c in cases}
    held_types = Counter(c["problem_types"][0] for c in cases if c["case"] in held)
    assert set(held_types) == types
    assert len(held) >= 0.25 * len(cases)


def test_it_chooses_held_out_cases_deterministically_per_type():
    cases = {f"case-{i:03d}": ("extortion" if i % 2 else "favoritism") for i in range(20)}
    chosen = choose_test_cases(cases)
    assert chosen == choose_test_cases(dict(reversed(list(cases.items()))))
    assert Counter(cases[c] for c in chosen) == {"extortion": 3, "favoritism": 3}


def test_training_drops_a_text_equal_to_a_source_test_text(tmp_path):
    split_file = tmp_path / "cases-split.json"
    split_file.write_text('{"test_cases": ["case-a"]}', encoding="utf-8")
    copy = Example(id="x-1", text="case-a 投诉 0", problem_types=("extortion",), program="dibao")
    result = split_corpus(grounded("case-a") + grounded("case-b") + [copy],
                          split_path=None, source_split_path=split_file)
    assert {e.case for e in result.source_test} == {"case-a"}
    assert "x-1" not in {e.id for e in result.train}
    assert {e.id for e in result.train} >= {"g-case-b-0", "g-case-b-1", "g-case-b-2"}
