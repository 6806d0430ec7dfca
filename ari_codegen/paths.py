"""Where the data shipped with ari_codegen lives: inside the installed package (a wheel
carries ``templates/`` and ``specs/`` there) or beside it in a source checkout."""

from __future__ import annotations

from pathlib import Path


def data_dir(name: str) -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"the bundled {name}/ directory is missing from this installation"
    )


def builtin_templates() -> Path:
    return data_dir("templates")


def bundled_spec() -> Path:
    """The ARI resource listing that ships with ari_codegen."""
    return data_dir("specs")
