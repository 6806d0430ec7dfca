"""Stage 6, write: stage every file, then swap it into place; remove what the generator
wrote last time and no longer produces; record it all in a manifest.

Nothing in the output directory changes until every file is rendered and formatted. The
swap replaces each changed file with ``os.replace`` (atomic per file); if anything fails
midway, the files already swapped are put back, so a failed run leaves the directory as it
was. Files the manifest does not list are never touched; paths outside the output directory
are refused.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MANIFEST_NAME = ".ari-codegen-manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Manifest:
    """What one generation produced: files with their rendered and formatted hashes, inputs."""

    generator: str
    formatter: str | None  # None: written with --no-format
    inputs: dict[str, str]  # input document name -> sha256
    files: dict[str, dict[str, str]] = field(
        default_factory=dict
    )  # path -> {rendered, written}

    def to_bytes(self) -> bytes:
        data = {
            "generator": self.generator,
            "formatter": self.formatter,
            "inputs": dict(sorted(self.inputs.items())),
            "files": dict(sorted(self.files.items())),
        }
        return (json.dumps(data, indent=2, sort_keys=False) + "\n").encode()

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        """The manifest at ``path``, or None if there is none or it is unreadable."""
        try:
            data = json.loads(path.read_bytes())
            return cls(
                data["generator"], data["formatter"], data["inputs"], data["files"]
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def manifest_path(package: str) -> str:
    return PurePosixPath(*package.split("."), MANIFEST_NAME).as_posix()


def inside(root: Path, relative: str) -> Path:
    """``root / relative``, refusing anything that would resolve outside ``root``."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"refusing to write outside the output directory: {relative}")
    target = root.joinpath(*pure.parts)
    real_root = root.resolve()
    if real_root != target.resolve() and real_root not in target.resolve().parents:
        raise ValueError(f"refusing to write outside the output directory: {relative}")
    return target


@dataclass
class Changes:
    """How the output directory differs from what generation produced."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # listed by the old manifest only

    @property
    def stale(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def read_current(root: Path, relative: str) -> bytes | None:
    try:
        return inside(root, relative).read_bytes()
    except (OSError, ValueError):
        return None


def compare(root: Path, files: dict[str, bytes], old: Manifest | None) -> Changes:
    """What writing ``files`` (with its manifest among them) would change under ``root``."""
    changes = Changes()
    for path, content in files.items():
        current = read_current(root, path)
        if current is None:
            changes.added.append(path)
        elif current != content:
            changes.changed.append(path)
    for path in sorted(old.files if old else ()):
        if path not in files and read_current(root, path) is not None:
            changes.removed.append(path)
    return changes


def _remove_dirs(created: list[Path]) -> None:
    """Remove the directories a failed commit created, deepest first, if still empty."""
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            pass


def commit(root: Path, files: dict[str, bytes], changes: Changes) -> None:
    """Swap the changed files into ``root`` and delete the removed ones, all or nothing."""
    targets = {
        p: inside(root, p) for p in [*changes.added, *changes.changed, *changes.removed]
    }
    created_dirs = [d for d in reversed([root, *root.parents]) if not d.exists()]
    root.mkdir(parents=True, exist_ok=True)
    done: list[tuple[Path, Path | None]] = []  # (target, its backup; None if new)
    try:
        stage = Path(tempfile.mkdtemp(prefix=".ari-codegen-", dir=root))
    except BaseException:
        _remove_dirs(created_dirs)
        raise
    backup = stage / "backup"
    try:
        for i, path in enumerate([*changes.added, *changes.changed]):
            staged = stage / f"{i}.new"
            staged.write_bytes(files[path])
        for i, path in enumerate([*changes.added, *changes.changed, *changes.removed]):
            target = targets[path]
            saved = None
            if target.exists():
                saved = backup / str(i)
                saved.parent.mkdir(exist_ok=True)
                shutil.copy2(target, saved)
            if path in files:
                for parent in reversed(target.parents):
                    if not parent.exists():
                        parent.mkdir()
                        created_dirs.append(parent)
                os.replace(stage / f"{i}.new", target)
            else:
                target.unlink()
            done.append((target, saved))
    except BaseException:
        for target, saved in reversed(done):
            if saved is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(saved, target)
        shutil.rmtree(stage, ignore_errors=True)
        _remove_dirs(created_dirs)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    for path in changes.removed:  # tidy directories the generator emptied
        parent = targets[path].parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
