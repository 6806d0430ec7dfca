"""Configuration: ``[tool.ari-codegen]`` in ``pyproject.toml``, one or several targets.

``ari-codegen generate`` reads ``pyproject.toml`` in the current directory (or the file
given with ``--config``) when it has a ``[tool.ari-codegen]`` table::

    [tool.ari-codegen]
    spec = "specs"                 # listing, directory or declaration; default: bundled
    output = "src"                 # default: generated
    package-name = "acme_ari"      # default: ari_client
    templates = ["my_templates"]   # a string or a list; later wins
    strict = false
    format = true                  # false: skip black
    distribution = false           # true: a pyproject.toml and README beside the package

Several packages in one run: every ``[[tool.ari-codegen.targets]]`` table is a target with a
unique ``name`` and the same keys; keys of ``[tool.ari-codegen]`` itself are defaults for
every target::

    [tool.ari-codegen]
    output = "src"

    [[tool.ari-codegen.targets]]
    name = "current"
    spec = "specs"
    package-name = "acme_ari"

    [[tool.ari-codegen.targets]]
    name = "legacy"
    spec = "specs-20"
    package-name = "acme_ari_20"

Relative paths are relative to the configuration file. A file passed with ``--config``
that is not a ``pyproject.toml`` may also hold the keys at its top level. Command-line
flags override the configuration. This module only reads the configuration into
``Target`` values; ``ari_codegen.generate.generate_targets`` runs them, rendering and
checking every target before it writes any.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

# the configuration is read into Targets, which the pipeline runs (generate_targets); the
# pipeline's names stay importable from here, where they used to live
from .generate import Target as Target
from .generate import TargetsResult as TargetsResult
from .generate import generate_targets as generate_targets
from .naming import package_problem

CONFIG_FILE = "pyproject.toml"
TABLE = "ari-codegen"
OPTION_KEYS = (
    "spec",
    "output",
    "package-name",
    "templates",
    "strict",
    "format",
    "distribution",
)
DEFAULT_TARGET = "default"


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Config:
    path: Path | None  # None: no configuration file, built from defaults and flags
    targets: tuple[Target, ...]
    named: bool = False  # the targets are [[tool.ari-codegen.targets]] tables

    def select(self, names: Sequence[str] = ()) -> tuple[Target, ...]:
        """The named targets (every target when ``names`` is empty)."""
        if not names:
            return self.targets
        known = {t.name: t for t in self.targets}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"{self.path}: no target {unknown[0]!r}; "
                f"targets: {', '.join(known) or '(none)'}"
            )
        return tuple(known[n] for n in dict.fromkeys(names))


def find_config(directory: Path | None = None) -> Path | None:
    """``pyproject.toml`` in ``directory`` (default: the current one) if it configures us."""
    candidate = Path(CONFIG_FILE) if directory is None else directory / CONFIG_FILE
    if not candidate.is_file():
        return None
    try:
        text = candidate.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return candidate  # let load_config report it
    if TABLE not in text:
        # no table of ours: not worth reading the TOML (nor importing tomllib)
        return None
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return candidate
    tool = data.get("tool")
    return candidate if isinstance(tool, dict) and TABLE in tool else None


def _table(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool")
    if isinstance(tool, dict) and TABLE in tool:
        table = tool[TABLE]
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
        return table
    if path.name == CONFIG_FILE:
        raise ConfigError(f"{path}: no [tool.{TABLE}] table")
    return data  # a standalone file: the keys at its top level


def _check_keys(
    path: Path, where: str, table: dict[str, Any], allowed: Iterable[str]
) -> None:
    allowed = list(allowed)
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"{path}: {where}: unknown key {key!r}{hint}; "
                f"known keys: {', '.join(allowed)}"
            )


def _options(path: Path, where: str, table: dict[str, Any]) -> dict[str, Any]:
    """Target fields from one table's option keys, checked and with paths resolved."""
    base = path.parent
    out: dict[str, Any] = {}

    def fail(key: str, expected: str) -> ConfigError:
        return ConfigError(
            f"{path}: {where}: {key!r} must be {expected}, not {table[key]!r}"
        )

    for key in ("spec", "output"):
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise fail(key, "a path (a non-empty string)")
            out[key] = base / table[key]
    if "package-name" in table:
        name = table["package-name"]
        if not isinstance(name, str):
            raise fail("package-name", "an importable Python package name")
        problem = package_problem(name)
        if problem is not None:
            raise ConfigError(f"{path}: {where}: 'package-name': {problem}")
        out["package"] = name
    if "templates" in table:
        value = table["templates"]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(
            isinstance(item, str) and item for item in items
        ):
            raise fail("templates", "a path or a list of paths")
        directories = tuple(base / item for item in items)
        for directory in directories:
            if not directory.is_dir():
                raise ConfigError(
                    f"{path}: {where}: template directory {directory} does not exist"
                )
        out["templates"] = directories
    for key in ("strict", "format", "distribution"):
        if key in table:
            if not isinstance(table[key], bool):
                raise fail(key, "true or false")
            out[key] = table[key]
    return out


def load_config(path: Path) -> Config:
    """Read a configuration file; raises ``ConfigError`` naming the file and the key."""
    table = _table(path)
    where = f"[tool.{TABLE}]" if path.name == CONFIG_FILE else "top level"
    _check_keys(path, where, table, (*OPTION_KEYS, "targets"))
    defaults = _options(path, where, table)
    raw_targets = table.get("targets")
    if raw_targets is None:
        return Config(path, (Target(DEFAULT_TARGET, **defaults),))
    if not isinstance(raw_targets, list) or not raw_targets:
        raise ConfigError(
            f"{path}: {where}: 'targets' must be a non-empty array of tables "
            f"([[tool.{TABLE}.targets]])"
        )
    targets: list[Target] = []
    for index, raw in enumerate(raw_targets):
        here = f"targets[{index}]"
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: {here} must be a table")
        _check_keys(path, here, raw, ("name", *OPTION_KEYS))
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{path}: {here}: every target needs a 'name'")
        if any(t.name == name for t in targets):
            raise ConfigError(f"{path}: {here}: a second target named {name!r}")
        targets.append(Target(name, **{**defaults, **_options(path, here, raw)}))
    return Config(path, tuple(targets), named=True)
