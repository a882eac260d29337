import json
from collections import Counter

from classifiers.corpus import (
    Example,
    choose_test_ids,
    corpus_hash,
    example_from_dict,
    load_corpus,
    split_corpus,
    write_split,
)


def examples(n_per_class=10):
    return [
        Example(id=f"{label}-{i}", text=f"{label} 文本 {i}", problem_types=(label,), program="dibao")
        for label in ("favoritism", "extortion", "other")
        for i in range(n_per_class)
    ]


def test_it_loads_the_corpus_with_both_labels():
    corpus = load_corpus()
    assert corpus, "the corpus files are empty"
    assert all(e.problem_types and e.program for e in corpus)
    assert len({e.id for e in corpus}) == len(corpus)


FROZEN_PARTS = {"a-", "b-", "c-"}  # id prefixes of part-a/b/c.jsonl, the corpus split.json was chosen from


def test_it_holds_out_at_least_a_fifth_of_every_class(split):
    # Of the hand-written corpus; grounded complaints have their own, source-disjoint split.
    # Items written after the split was frozen (parts d and e, session 8) join training
    # only, so that the original held-out set stays the one earlier figures were measured on.
    train_counts = Counter(e.primary for e in split.train if not e.case and e.source != "extra"
                           and e.id[:2] in FROZEN_PARTS)
    test_counts = Counter(e.primary for e in split.test)
    for label, count in test_counts.items():
        # - 3: a few items were relabelled (DEFINITIONS.md) after the split was frozen, so a
        # class may have gained training items; the frozen test set is not re-chosen for that.
        assert count >= 0.2 * (count + train_counts[label]) - 3


def test_training_never_sees_a_test_id_or_text(split):
    assert not {e.id for e in split.train} & {e.id for e in split.test}
    assert not {e.text for e in split.train} & {e.text for e in split.test}


def test_it_is_deterministic_and_stable_when_the_corpus_grows():
    small = examples(10)
    assert choose_test_ids(small) == choose_test_ids(list(reversed(small)))
    assert len(choose_test_ids(small)) == 6


def test_it_freezes_the_split_in_a_file(tmp_path):
    path = tmp_path / "split.json"
    test_ids = write_split(examples(10), path)
    grown = examples(10) + [Example("new-1", "新的投诉", ("favoritism",), "dibao")]
    split = split_corpus(grown, split_path=path)
    assert {e.id for e in split.test} == set(test_ids)
    assert "new-1" in {e.id for e in split.train}
    assert json.loads(path.read_text())["test_ids"] == test_ids


def test_extra_examples_only_join_training_and_never_leak_test_texts(tmp_path):
    corpus = examples(10)
    path = tmp_path / "split.json"
    test_ids = write_split(corpus, path)
    leaked_text = next(e.text for e in corpus if e.id in test_ids)
    extra = [
        {"text": "村会计要了好处费", "problem_types": ["extortion"], "program": "dibao"},
        {"text": leaked_text, "problem_types": ["other"], "program": "other"},
        {"id": test_ids[0], "text": "改过的文本", "problem_types": ["other"]},
        {"text": "标签不存在", "problem_types": ["nonsense"]},
    ]
    split = split_corpus(corpus, split_path=path, extra_examples=extra)
    extras = [e for e in split.train if e.source == "extra"]
    assert [e.text for e in extras] == ["村会计要了好处费"]
    assert split.dropped_extra == 3
    assert not {e.id for e in split.test} - set(test_ids)


def test_it_accepts_a_single_problem_type_in_extra_examples():
    example = example_from_dict({"text": "x", "problem_type": "favoritism"})
    assert example.problem_types == ("favoritism",) and example.program is None
    assert example.id.startswith("extra-")


def test_the_corpus_hash_ignores_order_but_not_labels():
    corpus = examples(3)
    assert corpus_hash(corpus) == corpus_hash(list(reversed(corpus)))
    changed = [Example(corpus[0].id, corpus[0].text, ("other",), "dibao")] + corpus[1:]
    assert corpus_hash(changed) != corpus_hash(corpus)


def test_it_skips_bad_lines(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        '{"id": "1", "text": "低保", "problem_types": ["favoritism"], "program": "dibao"}\n'
        "not json\n"
        '{"id": "1", "text": "重复", "problem_types": ["favoritism"], "program": "dibao"}\n'
        '{"id": "2", "text": "x", "problem_types": ["bogus"], "program": "dibao"}\n'
        '{"id": "3", "text": "半行', encoding="utf-8"
    )
    assert [e.id for e in load_corpus(tmp_path)] == ["1"]
