import time

from classifiers import artifact
from classifiers.artifact import ModelStore, current_version, fit_models, new_version_id, promote, save_artifact


def save_weak_candidate(models_dir, split):
    """A model trained on a handful of examples per class: clearly worse on the held-out split."""
    per_class: dict[tuple[str, str], int] = {}
    few = []
    for example in split.train:
        key = (example.primary, example.program)
        if per_class.get(key, 0) < 1:
            per_class[key] = per_class.get(key, 0) + 1
            few.append(example)
    few = [e for e in few if sum(1 for f in few if f.primary == e.primary) >= 5]
    few = [e for e in few if sum(1 for f in few if f.program == e.program) >= 5]
    problem_type, program = fit_models(few)
    version = new_version_id()
    meta = {"format": artifact.FORMAT_VERSION, "version": version, "libraries": artifact.library_versions()}
    save_artifact(models_dir, version, problem_type, program, meta)
    return version


def test_it_refuses_a_candidate_that_is_worse(models_dir, split):
    before = current_version(models_dir)
    weak = save_weak_candidate(models_dir, split)
    decision = promote(models_dir, weak, holdout=split.test[::4])
    assert decision.promoted is False
    assert "worse" in decision.reason
    assert current_version(models_dir) == before


def test_it_promotes_a_candidate_that_is_not_worse(models_dir, split):
    before = current_version(models_dir)
    twin = new_version_id()
    # the same models under a new version id: equal scores are "not worse"
    (models_dir / twin).mkdir()
    for name in ("problem_type.joblib", "program.joblib", "metadata.json"):
        (models_dir / twin / name).write_bytes((models_dir / before / name).read_bytes())
    decision = promote(models_dir, twin, holdout=split.test[::4])
    assert decision.promoted is True
    assert current_version(models_dir) == twin
    assert decision.candidate == decision.current


def test_it_promotes_the_first_model_and_can_be_forced(models_dir, split):
    weak = save_weak_candidate(models_dir, split)
    assert promote(models_dir, weak, holdout=split.test[::4], force=True).promoted
    assert current_version(models_dir) == weak


def test_the_store_picks_up_a_promoted_model_without_restart(models_dir, split):
    store = ModelStore(models_dir)
    first = store.get()
    assert first is not None and first.version == current_version(models_dir)
    assert store.get() is first  # unchanged pointer: no reload
    weak = save_weak_candidate(models_dir, split)
    time.sleep(0.01)
    promote(models_dir, weak, holdout=split.test[::4], force=True)
    assert store.get().version == weak


def test_the_store_keeps_serving_when_the_new_model_is_broken(models_dir, split):
    store = ModelStore(models_dir)
    first = store.get()
    broken = new_version_id()
    (models_dir / broken).mkdir()
    (models_dir / broken / "metadata.json").write_text("{not json")
    (models_dir / "current").write_text(broken + "\n")
    assert store.get() is first


def test_the_store_returns_none_without_a_model(tmp_path):
    assert ModelStore(tmp_path).get() is None
