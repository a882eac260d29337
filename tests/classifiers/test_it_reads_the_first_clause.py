"""The first-clause block (issue 19, off by default): where the first clause ends, and the
transformer behaving as a scikit-learn estimator."""
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from classifiers import build_pipeline
from classifiers.features import (
    FIRST_CLAUSE_CHARS,
    FirstClauseTfidf,
    TextPreparer,
    first_clause,
    first_clause_chars,
    first_clause_words,
    prepare,
    same_features,
    union_transform,
)

TEXTS = [
    "村支书把低保给了亲戚。他家有车",
    "危房改造补助被截留！我们没拿到",
    "营养餐被克扣；孩子吃不饱",
    "村会计吃拿卡要\n每户收二百",
    "。，我要举报村主任冒领补贴",
    "没有标点",
] * 2


def clause(raw: str) -> str:
    return first_clause(prepare(raw).text)


@pytest.mark.parametrize("raw", ["", None, "   ", "。。。", "？！；", "\n\n"])
def test_an_empty_text_or_marks_alone_have_no_first_clause(raw):
    doc = prepare(raw)
    assert first_clause(doc.text) == ""
    assert first_clause_words(doc) == [] and first_clause_chars(doc) == []


def test_the_first_clause_ends_at_the_first_sentence_or_clause_mark():
    assert clause("村支书把低保给了亲戚。他家有车") == "村支书把低保给了亲戚"
    assert clause("补助被截留！我们没拿到") == "补助被截留"
    assert clause("补助被截留?我们没拿到") == "补助被截留"
    assert clause("营养餐被克扣；孩子吃不饱") == "营养餐被克扣"
    assert clause("营养餐被克扣;孩子吃不饱") == "营养餐被克扣"
    assert clause("村会计吃拿卡要\n每户收二百") == "村会计吃拿卡要"
    # commas do not end it: the first clause is the first sentence-like unit
    assert clause("您好，村支书把低保给了亲戚。他家有车") == "您好，村支书把低保给了亲戚"


def test_without_a_mark_the_first_clause_is_the_first_characters():
    text = "村支书王某把我们组的危房改造补助和低保金都扣下了一直不发说要等上面批下来才行" * 3
    assert len(text) > FIRST_CLAUSE_CHARS
    assert clause(text) == text[:FIRST_CLAUSE_CHARS]
    assert clause("没有标点") == "没有标点"


def test_leading_marks_are_skipped():
    assert clause("。，我要举报村主任冒领补贴！") == "我要举报村主任冒领补贴"
    assert clause("……村主任冒领补贴") == "村主任冒领补贴"
    assert clause(" ！ 村主任冒领补贴") == "村主任冒领补贴"


def test_traditional_characters_are_read_after_simplification():
    assert clause("村支書把低保給了親戚。他家有車") == "村支书把低保给了亲戚"
    assert clause("危房改造補助被截留！") == "危房改造补助被截留"
    assert "1:亲戚" in first_clause_words(prepare("村支書把低保給了親戚。他家有車"))


def test_the_words_of_the_first_clause_are_the_whole_texts_words_cut_at_its_end():
    doc = prepare("村支书把低保给了亲戚。他家有车")
    grams = first_clause_words(doc)
    assert all(g.startswith("1:") for g in grams)
    assert "1:低保" in grams and "1:村支书 把" in grams
    assert not [g for g in grams if "车" in g]
    chars = first_clause_chars(doc)
    assert "1:亲戚" in chars and not [g for g in chars if "车" in g]


def test_the_block_stores_only_parameters_in_init_and_clones():
    block = FirstClauseTfidf(analyzer="chars", weight=0.5)
    assert block.get_params() == {"analyzer": "chars", "weight": 0.5, "min_df": 1}
    assert not [name for name in vars(block) if name.endswith("_")]
    assert clone(block).get_params() == block.get_params()
    assert block.set_params(weight=1.0) is block and block.weight == 1.0


def test_the_block_must_be_fitted_first():
    docs = TextPreparer().transform(TEXTS)
    with pytest.raises(NotFittedError):
        FirstClauseTfidf().transform(docs)


def test_bad_settings_are_rejected_when_fitting_not_when_built():
    docs = TextPreparer().transform(TEXTS)
    for bad in (FirstClauseTfidf(analyzer="sentences"), FirstClauseTfidf(weight=0), FirstClauseTfidf(weight=-1)):
        with pytest.raises(ValueError):
            bad.fit(docs)


def test_the_block_fits_returns_self_and_its_weight_scales_it():
    docs = TextPreparer().transform(TEXTS)
    full = FirstClauseTfidf(weight=1.0)
    assert full.fit(docs) is full
    half = FirstClauseTfidf(weight=0.5).fit(docs)
    a, b = full.transform(docs), half.transform(docs)
    assert a.shape == (len(TEXTS), full.n_features_out_) and a.dtype == np.float32
    np.testing.assert_allclose(b.toarray(), 0.5 * a.toarray(), rtol=1e-6)
    norms = np.sqrt(np.asarray(a.multiply(a).sum(axis=1))).ravel()
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)  # every text here has a first clause
    assert all(name.startswith("1:") for name in full.get_feature_names_out())
    # it learns only the first clause: words after the first mark get no column
    assert "1:车" not in set(full.get_feature_names_out())
    restored = pickle.loads(pickle.dumps(half))
    np.testing.assert_array_equal(restored.transform(docs).toarray(), b.toarray())


def test_the_pipeline_leaves_the_block_out_by_default():
    for target in ("problem_type", "program"):
        names = [name for name, _ in build_pipeline(target).named_steps["features"].transformer_list]
        assert names == ["words", "chars", "cues"]
        params = build_pipeline(target, first_clause=0.5).get_params()
        assert params["features__first__weight"] == 0.5 and params["features__first__analyzer"] == "words"


def test_the_serving_fast_path_equals_the_scikit_learn_transform_with_the_block():
    texts = TEXTS * 2  # every label at least three times (the calibration folds)
    labels = [["favoritism"], ["misappropriation"], ["embezzlement"], ["extortion"], ["false_claim"], ["formalism"]] * 4
    programs = ["dibao", "housing", "other"] * 8
    problem_type = build_pipeline("problem_type", first_clause=0.5).fit(texts, labels)
    program = build_pipeline("program", first_clause=0.5).fit(texts, programs)
    docs = problem_type[0].transform(TEXTS + ["", "别的话。低保"])
    union = problem_type.named_steps["features"]
    expected = union.transform(docs).toarray()
    np.testing.assert_allclose(union_transform(union, docs, {}).toarray(), expected, atol=1e-6)
    assert same_features(problem_type[1:-1], program[1:-1])
    without = build_pipeline("program").fit(texts, programs)
    assert not same_features(problem_type[1:-1], without[1:-1])
