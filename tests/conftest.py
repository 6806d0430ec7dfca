"""Shared fixtures: paths of the checkout and the generated golden package."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
DATA = Path(__file__).resolve().parent / "data"

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))  # the golden package imports as ari_client


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
