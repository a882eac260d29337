"""A worker loads the model, the segmenter and the templates before its first request."""
import shutil

import pytest

from hotline.warmup import warm_up


@pytest.fixture
def settings_overrides(settings_overrides, trained_models, tmp_path):
    target = tmp_path / "models"
    shutil.copytree(trained_models, target)
    return {**settings_overrides, "MODELS_DIR": target}


def test_it_loads_the_model_and_compiles_every_page_template(app):
    assert "triage_store" not in app.extensions
    warm_up(app)
    assert app.extensions["triage_store"].get() is not None
    cached = {key[1] for key in app.jinja_env.cache.keys()}
    assert "intake/new.html" in cached and "base.html" in cached


def test_it_survives_a_missing_model(app, tmp_path):
    shutil.rmtree(app.config["SETTINGS"].MODELS_DIR)
    assert warm_up(app) >= 0  # no exception: the first request will simply find no model
    assert "base.html" in {key[1] for key in app.jinja_env.cache.keys()}
