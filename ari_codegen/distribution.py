"""The generated package as an installable distribution: what ``pyproject.toml`` says.

With ``distribution = true`` (``[tool.ari-codegen]``, or ``--distribution``) the templates
``pyproject.toml.jinja`` and ``README.md.jinja`` write, beside the package in the output
directory, a ``pyproject.toml`` and a README, so that ``pip install OUTPUT`` installs the
package with its dependencies and ``pip wheel OUTPUT`` builds it. They read
``distribution_info(spec)``:

- **name**: the package name with ``.`` and ``_`` as ``-`` (``ari_client`` → ``ari-client``);
- **version**: ``<apiVersion>+spec<fingerprint[:12]>``, a PEP 440 version whose public part is
  the listing's apiVersion (normalized: an apiVersion that is no PEP 440 release keeps its
  leading numbers, ``0`` without any) and whose local label names the exact input documents,
  so that two different specs of one apiVersion never share a version (the ``spec`` prefix
  keeps the label from being read as a number). ``ari-client==2.0.0`` matches any of them;
- **dependencies**: ``DEPENDENCIES``, the same ranges as ari_codegen's ``client`` extra, whose
  bounds the tests install (``tests/test_distribution.py``);
- the build backend: hatchling, from the package registry, as pip fetches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import ir

DEPENDENCIES = ("httpx>=0.27,<1", "websockets>=15,<18")
"""What the generated package needs at run time (ari_codegen's ``client`` extra says the same)."""
REQUIRES_PYTHON = ">=3.11"
BUILD_REQUIRES = ("hatchling>=1.21",)
BUILD_BACKEND = "hatchling.build"

# a canonical PEP 440 public version (no epoch): 1.2.3, 1.0rc1, 2.0.post1, 3.0.dev2
_PUBLIC = re.compile(
    r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*((a|b|rc)(0|[1-9][0-9]*))?"
    r"(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?"
)
_NUMBERS = re.compile(r"[0-9]+(\.[0-9]+)*")


@dataclass(frozen=True)
class Distribution:
    name: str  # "ari-client"
    version: str  # "2.0.0+spec1a2b3c4d5e6f"
    public_version: str  # "2.0.0"
    packages: tuple[str, ...]  # top-level directories to ship: ("ari_client",)
    dependencies: tuple[str, ...]
    requires_python: str
    build_requires: tuple[str, ...]
    build_backend: str


def public_version(api_version: str) -> str:
    """The apiVersion as a canonical PEP 440 public version."""
    text = api_version.strip()
    if _PUBLIC.fullmatch(text):
        return text
    found = _NUMBERS.search(text)
    if found is None:
        return "0"
    return ".".join(str(int(part)) for part in found.group().split("."))


def distribution_name(package: str) -> str:
    return re.sub(r"[._]+", "-", package).lower()


def distribution_info(spec: ir.Spec) -> Distribution:
    public = public_version(spec.api_version)
    return Distribution(
        name=distribution_name(spec.package),
        version=f"{public}+spec{spec.fingerprint[:12]}",
        public_version=public,
        packages=(spec.package.split(".")[0],),
        dependencies=DEPENDENCIES,
        requires_python=REQUIRES_PYTHON,
        build_requires=BUILD_REQUIRES,
        build_backend=BUILD_BACKEND,
    )
