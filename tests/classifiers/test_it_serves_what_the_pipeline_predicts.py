"""The Triage object's fast path must equal the plain scikit-learn pipelines."""
import numpy as np

from classifiers.features import union_transform


def test_the_fast_features_equal_the_feature_union(models, split):
    problem_type, _ = models
    texts = [e.text for e in split.test] + ["", "abc", "😀"]
    prepared = problem_type[0].transform(texts)
    expected = problem_type[1].transform(prepared)
    fast = union_transform(problem_type[1], prepared, {})
    assert fast.shape == expected.shape
    assert abs(fast - expected).max() < 1e-6


def test_triage_returns_the_pipelines_probabilities(models, split, triage):
    problem_type, program = models
    texts = [e.text for e in split.test[:80]]
    results = triage.classify_many(texts)
    program_proba = program.predict_proba(texts)
    presence = problem_type.predict_proba(texts)
    primary = problem_type.predict(texts)
    for i, result in enumerate(results):
        assert result.program == program.classes_[np.argmax(program_proba[i])]
        assert result.program_probabilities[result.program] == round(float(program_proba[i].max()), 4)
        assert result.labels == primary[i]
        for j, label in enumerate(problem_type[-1].classes_):
            assert abs(result.problem_types[label] - presence[i, j]) < 1e-4


def test_one_text_and_a_batch_agree(triage, split):
    texts = [e.text for e in split.test[:10]]
    batch = triage.classify_many(texts)
    for text, result in zip(texts, batch):
        assert triage.classify(text).to_dict() == result.to_dict()
