"""A cache that only ever saves time: compiled templates, and stamps of fresh outputs.

It lives in ``$ARI_CODEGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/ari-codegen``, else
``~/.cache/ari-codegen``; ``ARI_CODEGEN_CACHE_DIR=`` (empty) turns it off. Nothing in it
changes what is generated, and a cache that cannot be read or written is simply not used.

- ``jinja/``: Jinja2's bytecode of each template, checked against the template's source.
- ``fresh/``: one stamp per output directory and package, written after a run that left
  the output fresh. It holds the *key* of that run — a digest of this generator's code,
  every template, every input document, the options and the manifest written — and the
  run's diagnostics. A later run with the same key, over files that all still have the
  hashes the manifest records, has nothing to do: ``generate`` returns without loading
  jinja2, jsonschema or black. The code digest is what makes a source checkout honest:
  an edit to the generator changes the key even when the version string does not.
- ``parsed/``: per spec, package and strictness, the IR and diagnostics of the last run,
  under a key of the code and the input documents: a spec that did not change is not
  validated and parsed again (a template being worked on renders sooner).
- ``black/``: black's output by the SHA-256 of its input (whole modules and the pieces
  ``format`` cuts them into), for one black version and mode: see ``format``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from .paths import builtin_templates

PACKAGE_DIR = Path(__file__).resolve().parent


def directory() -> Path | None:
    """The cache directory (not necessarily existing), or None if it is turned off."""
    configured = os.environ.get("ARI_CODEGEN_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ari-codegen"


def _tree(root: Path, pattern: str) -> Iterable[tuple[str, bytes]]:
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path.relative_to(root).as_posix(), path.read_bytes()


def _digest(parts: Iterable[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for name, content in parts:
        h.update(f"{name}\0{len(content)}\0".encode())
        h.update(content)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_digest() -> str:
    """This generator's code and data (not its version string: a checkout changes without
    it), the Python that runs it and the Jinja2 it renders with."""
    jinja = ""
    try:
        import importlib.util

        spec = importlib.util.find_spec("jinja2")  # found, not imported
        if spec is not None and spec.origin:
            stat = os.stat(spec.origin)
            jinja = f"{spec.origin}:{stat.st_size}:{stat.st_mtime_ns}"
    except (ImportError, OSError, ValueError):
        pass
    own = [*_tree(PACKAGE_DIR, "*.py"), *_tree(PACKAGE_DIR / "schemas", "*.json")]
    return _digest([("python", sys.version.encode()), ("jinja2", jinja.encode()), *own])


def templates_digest(template_dirs: Sequence[Path]) -> str:
    """Every file of the built-in templates and of the user's directories, in order."""
    parts: list[tuple[str, bytes]] = []
    for index, root in enumerate([builtin_templates(), *template_dirs]):
        if not Path(root).is_dir():  # an error to report, never a stamp to trust
            parts.append((f"{index}", b"missing"))
        parts += [(f"{index}/{name}", data) for name, data in _tree(Path(root), "*")]
    return _digest(parts)


def key(**parts: Any) -> str:
    """The digest of a run's parts (JSON-able values)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _entry(kind: str, *identity: str) -> Path | None:
    """Where the one entry of ``kind`` for ``identity`` (an output, a spec) is kept."""
    base = directory()
    if base is None:
        return None
    where = "\0".join(identity).encode("utf-8", "surrogateescape")
    return base / kind / f"{hashlib.sha256(where).hexdigest()[:32]}.pickle"


def read(kind: str, identity: tuple[str, ...], wanted: str) -> Any:
    """The value last written for ``identity``, if it was written under key ``wanted``;
    else None. (A pickle, trusted as the user's own files are.)"""
    path = _entry(kind, *identity)
    try:
        if path is None:
            return None
        found, value = pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable, from another version: not there
        return None
    return value if found == wanted else None


def write(kind: str, identity: tuple[str, ...], key: str, value: Any) -> None:
    """Keep ``value`` under ``key`` for ``identity`` (replacing what was); failures are
    ignored."""
    path = _entry(kind, *identity)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps((key, value), pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError):
        pass


def jinja_directory() -> Path | None:
    """Where Jinja2 keeps compiled templates (created), or None."""
    base = directory()
    if base is None:
        return None
    try:
        (base / "jinja").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base / "jinja"
