import json

import pytest

from classifiers import artifact
from classifiers.artifact import ArtifactError, ArtifactVersionError, current_version, load_artifact, read_metadata


def test_it_writes_a_versioned_artifact_with_metadata(models_dir):
    version = current_version(models_dir)
    assert artifact.VERSION_RE.match(version)
    meta = read_metadata(models_dir, version)
    assert meta["version"] == version
    assert meta["corpus_hash"].startswith("sha256:")
    assert meta["libraries"]["scikit-learn"]
    assert meta["created_at"]
    assert 0 < meta["metrics"]["problem_type"]["macro_f1"] <= 1
    assert 0 < meta["metrics"]["program"]["macro_f1"] <= 1
    # Both held-out sets are held out: together at least a fifth of the corpus, and the
    # source-disjoint one scored in the metadata with the cases it comes from.
    assert meta["split"]["n_test"] + meta["split"]["n_source_test"] >= 0.2 * meta["split"]["n_corpus"]
    assert meta["split"]["source_test_cases"]
    assert 0 < meta["metrics_source_disjoint"]["problem_type"]["macro_f1"] <= 1
    assert {p.name for p in (models_dir / version).iterdir()} == {"problem_type.joblib", "program.joblib", "metadata.json"}


def test_it_loads_the_current_artifact_and_classifies(models_dir):
    triage = load_artifact(models_dir)
    result = triage.classify("村支书王某把我家的低保金扣了三千五")
    assert result.model_version == current_version(models_dir)
    assert result.program == "dibao"


def test_it_loads_only_from_the_trusted_folder(models_dir, tmp_path):
    for bad in ("../elsewhere", "/etc/passwd", "current", "20250101T000000Z-zzzzzz"):
        with pytest.raises(ArtifactError):
            load_artifact(models_dir, bad)
    outside = tmp_path / "outside"
    outside.mkdir()
    (models_dir / "20250101T000000Z-abcdef").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ArtifactError):
        load_artifact(models_dir, "20250101T000000Z-abcdef")


def test_it_refuses_an_artifact_from_another_scikit_learn(models_dir):
    version = current_version(models_dir)
    path = models_dir / version / "metadata.json"
    meta = json.loads(path.read_text())
    meta["libraries"]["scikit-learn"] = "0.24.2"
    path.write_text(json.dumps(meta))
    with pytest.raises(ArtifactVersionError):
        load_artifact(models_dir)
    with pytest.warns(UserWarning, match="scikit-learn"):
        load_artifact(models_dir, strict_versions=False)


def test_it_warns_about_other_library_mismatches(models_dir):
    version = current_version(models_dir)
    path = models_dir / version / "metadata.json"
    meta = json.loads(path.read_text())
    meta["libraries"]["jieba"] = "0.1"
    path.write_text(json.dumps(meta))
    with pytest.warns(UserWarning, match="jieba"):
        load_artifact(models_dir)


def test_it_says_clearly_when_there_is_no_model(tmp_path):
    with pytest.raises(ArtifactError, match="model train"):
        load_artifact(tmp_path)
