"""Tests of the trained model: they need RELAIS_MODEL (set by `make test`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def model_path() -> str:
    path = os.environ.get("RELAIS_MODEL", "")
    if not path or not (ROOT / path).exists():
        pytest.fail("RELAIS_MODEL must name a trained model: run these tests through `make test`")
    return str(ROOT / path)


@pytest.fixture(scope="session")
def classifier(model_path: str):  # type: ignore[no-untyped-def]
    from actions.nlu.classify import Classifier

    return Classifier(model_path)
