import threading

import jieba

from classifiers import segment


def test_it_keeps_domain_terms_whole():
    words = segment.cut("村支书优亲厚友，搞人情保关系保，雨露计划和危房改造补助被截留挪用，建档立卡户吃空饷，第一书记不作为")
    for term in ("村支书", "优亲厚友", "人情保", "关系保", "雨露计划", "危房改造", "建档立卡户", "吃空饷", "第一书记"):
        assert term in words


def test_it_adds_place_names_at_run_time():
    # Names of no county the tests load: the segmenter is one per process, and a worker that loaded
    # the demo county already knows the demo's towns and villages.
    assert "甘棠坳村" not in segment.cut("枫木岭镇甘棠坳村")
    assert segment.add_words(["甘棠坳村", "枫木岭镇", "甘棠坳村"]) == 2
    assert segment.cut("枫木岭镇甘棠坳村") == ["枫木岭镇", "甘棠坳村"]


def test_it_leaves_the_global_jieba_tokenizer_alone():
    segment.add_words(["落雁坪村"])
    segment.cut("落雁坪村")
    assert segment.get_tokenizer() is not jieba.dt
    assert "落雁坪村" not in jieba.dt.FREQ


def test_it_builds_one_tokenizer_under_concurrent_first_use(monkeypatch):
    monkeypatch.setattr(segment, "_tokenizer", None)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(segment.get_tokenizer())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(t) for t in seen}) == 1


def test_it_returns_nothing_for_empty_text():
    assert segment.cut("") == []


def test_the_fast_cut_gives_exactly_jiebas_words(split):
    tokenizer = segment.get_tokenizer()
    texts = [e.text for e in split.test] + ["abc 123 低保😀\r\n x", "ａｂ c", "3500元 2.5万", "\t"]
    for text in texts:
        assert segment.dag_cut(tokenizer, text) == tokenizer.lcut(text, HMM=False), text
