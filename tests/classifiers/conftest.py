"""Fixtures for the classifier tests: the corpus split and models trained once per session.

Training on the real corpus takes a few seconds, so it happens once; tests that need a
models folder get their own copy of the artifact.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from classifiers.artifact import load_artifact
from classifiers.corpus import Split, load_corpus, split_corpus
from classifiers.triage import Triage

DIVISIONS = ["柳河乡", "下湾村", "石桥镇", "红旗村", "马坪镇", "杨家沟村", "青山村"]


@pytest.fixture(scope="session")
def split() -> Split:
    """The committed held-out split of the real corpus."""
    return split_corpus(load_corpus())


@pytest.fixture(scope="session")
def models(_trained_folder: Path):
    """(problem_type pipeline, program pipeline) fitted on the training side only."""
    triage = load_artifact(_trained_folder)
    return triage.problem_type_model, triage.program_model


@pytest.fixture(scope="session")
def triage(models) -> Triage:
    problem_type, program = models
    return Triage(problem_type, program, divisions=DIVISIONS, version="test")


@pytest.fixture(scope="session")
def _trained_folder(trained_models: Path) -> Path:
    """The run's shared trained artifact (tests/conftest.py trains it once for all workers)."""
    return trained_models


@pytest.fixture
def models_dir(_trained_folder: Path, tmp_path: Path) -> Path:
    """A models folder holding one promoted artifact (a private copy per test)."""
    target = tmp_path / "models"
    shutil.copytree(_trained_folder, target)
    return target
