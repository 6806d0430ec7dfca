"""Shared fixtures: paths of the checkout and the generated golden package."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
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


# --- a second, older black -------------------------------------------------------------------

OLD_BLACK = "black==24.*"


@pytest.fixture(scope="session")
def old_black(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second, older black in a directory of its own (``pip install --target``)."""
    target = tmp_path_factory.mktemp("black-24")
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--retries", "0", "--timeout", "15", "--target", str(target), OLD_BLACK]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot install {OLD_BLACK} beside the current black: {exc}")
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        pytest.skip(
            f"cannot install {OLD_BLACK} beside the current black (offline?): {why}"
        )
    return target


def with_black(
    directory: Path, code: str, cache: Path
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with the black in ``directory`` (first on the path) and ari_codegen."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(directory), str(ROOT)]))
    env["ARI_CODEGEN_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cache.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
