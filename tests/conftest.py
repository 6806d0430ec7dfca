"""Shared fixtures: paths of the checkout and the generated golden package."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
DATA = Path(__file__).resolve().parent / "data"

# The generator's cache (compiled templates, stamps of fresh outputs) lives in a directory
# of this session, never the user's; child processes inherit it.
CACHE = Path(tempfile.mkdtemp(prefix="ari-codegen-test-cache-"))
os.environ["ARI_CODEGEN_CACHE_DIR"] = str(CACHE)
atexit.register(shutil.rmtree, CACHE, True)

if str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))  # the golden package imports as ari_client


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


# --- hypothesis profiles (tests/test_properties.py, tests/test_mutations.py) ---------------------
# "ci" is the default and keeps the property tests to well under a minute on a small machine;
# "long" is for nightly runs: pytest --hypothesis-profile=long (the option comes with hypothesis'
# pytest plugin, which loads the profile after this file has registered it).
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=10,
    derandomize=True,  # the same examples on every run: CI is reproducible; "long" explores
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("ci")
