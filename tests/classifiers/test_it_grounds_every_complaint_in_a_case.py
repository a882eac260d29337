"""The grounded corpus: every complaint comes from one published case, with its source."""

import json
import random
from collections import Counter

from classifiers.corpus import example_from_dict
from classifiers.grounded import OUTPUT_FILE, generate, load_cases, say_amount, split_place
from classifiers.numerals import find_amounts


def committed():
    return [json.loads(line) for line in open(OUTPUT_FILE, encoding="utf-8")]


def test_every_item_names_its_case_and_source_address():
    cases = {c["case"]: c for c in load_cases()}
    items = committed()
    assert len(items) >= 1500
    assert len({i["case"] for i in items}) == len(cases)
    for item in items:
        case = cases[item["case"]]
        assert item["source_url"] == case["source_url"].strip() and item["source_url"].startswith("http")
        assert item["problem_types"] == case["problem_types"] and item["program"] == case["program"]
        assert item["accused_level"] == case["accused_level"]
        example_from_dict(item)  # valid labels


def test_the_committed_corpus_is_what_the_generator_writes():
    assert list(generate(load_cases())) == committed()


def test_it_speaks_in_every_register():
    channels = Counter(i["channel"] for i in committed())
    assert set(channels) == {"call", "sms", "web", "letter"}
    texts = [i["text"] for i in committed()]
    assert any("晓得" in t or "莫得" in t or "啥子" in t for t in texts)  # dialect words
    assert any("此致" in t for t in texts)  # letters
    assert any(any(ch in t for ch in "幹貧費錢") for t in texts)  # traditional characters


def test_places_are_read_from_the_right():
    assert split_place("贵州松桃县孟溪镇白泥凼村") == ("松桃县", "孟溪镇", "白泥凼村")
    assert split_place("福建莆田秀屿区东峤镇") == ("秀屿区", "东峤镇", "")
    assert split_place("新疆和田县") == ("和田县", "", "")


def test_spoken_amounts_keep_their_value():
    rng = random.Random(0)
    for amount in (600, 3500, 5700, 36900, 128500, 2865000):
        for _ in range(20):
            said = say_amount(amount, rng)
            (found,) = find_amounts(f"钱有{said}。")
            exact = found.yuan == amount
            assert exact or (found.approximate and found.yuan <= amount < 2 * found.yuan), (amount, said)


def test_some_items_name_the_accused_without_a_title_or_not_at_all():
    from classifiers.grounded import BLUR_SHARE, NO_ACCUSED_SHARE

    cases = load_cases()
    items = list(generate(cases[:60]))
    titled = [i for i in items if any(form in i["text"] for form in ("书记", "主任", "村长", "镇长", "乡长", "局长"))]
    nobody = [i for i in items if any(w in i["text"] for w in ("他们", "有人", "上面的人", "管这个事的"))]
    assert 0.5 * NO_ACCUSED_SHARE <= len(nobody) / len(items) <= 3 * NO_ACCUSED_SHARE
    assert len(titled) / len(items) <= 1 - 0.5 * BLUR_SHARE
    by_case = {c["case"]: c for c in cases}
    assert all(i["accused_level"] == by_case[i["case"]]["accused_level"] for i in items)


def test_a_blurred_accused_keeps_the_level_in_its_words():
    from classifiers.extract import extract_entities, summarize_accused_level
    from classifiers.grounded import blurred_accused

    rng = random.Random(0)
    for level, title, program, town in (
        ("township_cadre", "镇扶贫办主任", "industry", "孟溪镇"), ("village_cadre", "村会计", "dibao", "安平镇"),
        ("county_department", "县民政局副局长", "dibao", "涡南镇"), ("teacher_school", "中学校长", "education", "东峤镇"),
    ):
        case = {"accused_level": level, "accused_title": title, "program": program}
        for _ in range(12):
            phrase = blurred_accused(case, town, rng)
            assert not any(t in phrase for t in ("书记", "主任", "局长", "校长")), phrase
            assert summarize_accused_level(extract_entities(phrase + "把钱扣了")) == level, phrase
