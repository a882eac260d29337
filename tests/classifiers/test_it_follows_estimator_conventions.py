import pickle

import numpy as np

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from classifiers import build_pipeline
from classifiers.features import TextPreparer
from classifiers.linear import CalibratedLinearClassifier
from classifiers.pipeline import PrimaryMultiLabelClassifier

TEXTS = ["村支书把低保给了亲戚", "危房改造补助被截留", "营养餐被克扣", "村会计吃拿卡要"] * 3


@pytest.mark.parametrize("target", ["problem_type", "program"])
def test_it_builds_a_fresh_unfitted_pipeline(target):
    first, second = build_pipeline(target), build_pipeline(target)
    assert first is not second
    with pytest.raises(NotFittedError):
        first.predict(["低保"])


@pytest.mark.parametrize("target", ["problem_type", "program"])
def test_it_clones_with_the_same_parameters(target):
    pipeline = build_pipeline(target)
    copy = clone(pipeline)
    assert copy is not pipeline
    assert sorted(copy.get_params()) == sorted(pipeline.get_params())


def test_it_rejects_an_unknown_target():
    with pytest.raises(ValueError):
        build_pipeline("colour")


def test_it_stores_only_parameters_in_init():
    model = PrimaryMultiLabelClassifier(threshold=0.3)
    assert model.get_params() == {"C": 0.5, "class_weight": "balanced", "cv": 3, "threshold": 0.3}
    assert not [name for name in vars(model) if name.endswith("_")]
    with pytest.raises(NotFittedError):
        model.predict_proba([[0.0]])


def test_it_is_picklable_after_fit(models):
    problem_type, program = models
    for model in (problem_type, program):
        restored = pickle.loads(pickle.dumps(model))
        assert list(restored.predict(["村支书把低保给了亲戚"])) == list(model.predict(["村支书把低保给了亲戚"]))


def test_it_fits_multilabel_targets_and_returns_self():
    labels = [["favoritism", "lowered_standard"], ["misappropriation"], ["extortion"], ["extortion", "favoritism"]] * 3
    pipeline = build_pipeline("problem_type")
    assert pipeline.fit(TEXTS, labels) is pipeline
    predicted = pipeline.predict(TEXTS[:2])
    assert all(isinstance(row, list) and row for row in predicted)
    proba = pipeline.predict_proba(TEXTS[:2])
    assert proba.shape == (2, 4)


def test_it_prepares_text_without_fitting():
    (doc,) = TextPreparer().transform(["村支書 優親厚友"])
    assert doc.text == "村支书 优亲厚友"
    assert "优亲厚友" in doc.words
    with pytest.raises(ValueError):
        TextPreparer().transform("a single string")


def test_the_compact_linear_model_predicts_what_scikit_learn_predicts(models, split):
    _, program = models
    features = program[:-1]
    train = split.train[::3]  # a third is plenty to compare the two implementations
    X_train = features.transform([e.text for e in train])
    X_test = features.transform([e.text for e in split.test])
    y = [e.program for e in train]
    ours = CalibratedLinearClassifier().fit(X_train, y)
    reference = ours.calibrated_estimator().fit(X_train, y)
    np.testing.assert_allclose(ours.predict_proba(X_test), reference.predict_proba(X_test), atol=1e-9)
    binary = [int(label == "dibao") for label in y]
    ours = CalibratedLinearClassifier().fit(X_train, binary)
    reference = ours.calibrated_estimator().fit(X_train, binary)
    np.testing.assert_allclose(ours.predict_proba(X_test), reference.predict_proba(X_test), atol=1e-9)
    with pytest.raises(NotFittedError):
        CalibratedLinearClassifier().predict_proba(X_test)


def test_the_linear_model_passes_scikit_learns_estimator_checks():
    from sklearn.utils.estimator_checks import check_estimator

    check_estimator(
        CalibratedLinearClassifier(),
        on_skip=None,
        expected_failed_checks={
            "check_class_weight_classifiers": "calibration re-learns the class priors that extreme class weights shift",
        },
    )


def test_the_cue_features_are_a_stateless_transformer_with_named_columns():
    from sklearn.base import clone

    from classifiers.definitions import CUE_GROUPS, RULE_GROUPS, RULE_HIT, CueCounts

    cues = CueCounts(weight=0.5)
    assert clone(cues).get_params() == {"weight": 0.5, "rule_hit": RULE_HIT}
    (doc,) = TextPreparer().transform(["村里每户扣三五百统筹，村支书还要好处费"])
    row = cues.fit([doc]).transform([doc]).toarray()[0]
    names = [name.removeprefix("cue__") for name in cues.get_feature_names_out()]
    assert len(names) == len(row) == len(CUE_GROUPS) + len(RULE_GROUPS)
    assert row[names.index("deduct")] > 0 and row[names.index("demand")] > 0
    assert row[names.index("kin")] == 0


def test_the_primary_type_rules_of_the_definitions_are_columns():
    from classifiers.definitions import CueCounts

    cues = CueCounts(weight=0.5).fit(["x"])
    names = [name.removeprefix("cue__") for name in cues.get_feature_names_out()]
    rows = cues.transform([
        "村里开着小轿车、县城有商铺的人都吃上了低保",  # unqualified, nobody's relative: 降低标准
        "村主任把他弟弟评上了低保，他弟弟家有小轿车",  # the cadre's relative: 优亲厚友, not the rule
        "村支书私刻公章，给人开假证明",  # the paper is the wrong: 违规出具证明
        "村支书伪造材料冒领了低保金",  # the paper serves a false claim: not the rule
        "村会计给不认识的人出具虚假证明",  # DEFINITIONS.md's own phrase: its 虚 is no false claim
        "村主任提供虚假材料，套取了危房改造补助",  # a claim named beside the paper: not the rule
    ]).toarray()
    lowered, forged = names.index("unqualified_without_kin"), names.index("forged_without_claim")
    assert rows[0, lowered] > 0 and rows[1, lowered] == 0
    assert rows[2, forged] > 0 and rows[3, forged] == 0
    assert rows[4, forged] > 0 and rows[5, forged] == 0


def test_cue_features_pickled_before_the_rules_keep_their_columns():
    import pickle

    from classifiers.definitions import CUE_GROUPS, CueCounts

    old = CueCounts(weight=0.5)
    old.n_features_out_ = len(CUE_GROUPS)
    state = {key: value for key, value in old.__dict__.items() if key not in ("rule_hit", "columns_")}
    old.__dict__.clear()
    old.__dict__.update(state)
    revived = pickle.loads(pickle.dumps(old))
    assert revived.get_params()["weight"] == 0.5
    assert revived.transform(["村里每户扣三五百统筹"]).shape == (1, len(CUE_GROUPS))
