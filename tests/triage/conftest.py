"""A trained model folder for tests of triage inside the product."""
from __future__ import annotations

import shutil

import pytest



@pytest.fixture
def settings_overrides(settings_overrides, trained_models, tmp_path):
    """The app of these tests serves a private copy of a trained model folder."""
    target = tmp_path / "models"
    shutil.copytree(trained_models, target)
    return {**settings_overrides, "MODELS_DIR": target}
