"""The peer: Asterisk's own generator, ``rest-api-templates/make_ari_stubs.py`` on pystache.

It renders Asterisk's C bindings and wiki pages from the listing in ``rest-api/``. Both come
from the Asterisk source tarball, never from this repository: ``$ARI_BENCH_ASTERISK_SRC``,
else ``../shared/asterisk/asterisk-src.tar.gz`` beside the checkout. It runs under
``$ARI_BENCH_PEER_PYTHON`` (a Python with pystache), else this Python if it has pystache
(``pip install pystache``). Without either, the benchmark says why and goes on without it.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from common import PYTHON, ROOT

MEMBERS = ("asterisk/rest-api/", "asterisk/rest-api-templates/")


@dataclass
class Peer:
    python: str
    root: Path  # holds rest-api/ (the master listing) and rest-api-templates/

    @property
    def listing(self) -> Path:
        return self.root / "rest-api"

    def command(self, out: Path) -> list[str]:
        """``make_ari_stubs.py`` writing everything below ``out`` (created here)."""
        for directory in (out / "res" / "ari", out / "doc"):
            directory.mkdir(parents=True, exist_ok=True)
        script = self.root / "rest-api-templates" / "make_ari_stubs.py"
        resources = self.listing / "resources.json"
        return [self.python, str(script), "--resources", str(resources),
                "--source-dir", str(out), "--dest-dir", str(out / "doc")]  # fmt: skip


def tarball() -> Path:
    configured = os.environ.get("ARI_BENCH_ASTERISK_SRC")
    if configured:
        return Path(configured)
    return ROOT.parent / "shared" / "asterisk" / "asterisk-src.tar.gz"


def _has_pystache(python: str) -> bool:
    try:
        done = subprocess.run([python, "-c", "import pystache"], capture_output=True)
    except OSError:
        return False
    return done.returncode == 0


def locate(work: Path) -> tuple[Peer | None, str]:
    """The peer, extracted into ``work``, or None and why not."""
    source = tarball()
    if not source.is_file():
        return None, (
            f"peer skipped: no Asterisk source at {source} "
            "(set ARI_BENCH_ASTERISK_SRC to asterisk-src.tar.gz)"
        )
    python = os.environ.get("ARI_BENCH_PEER_PYTHON") or PYTHON
    if not _has_pystache(python):
        return None, (
            f"peer skipped: {python} cannot import pystache "
            "(pip install pystache, or set ARI_BENCH_PEER_PYTHON)"
        )
    with tarfile.open(source) as archive:
        wanted = [m for m in archive.getmembers() if m.name.startswith(MEMBERS)]
        if not wanted:
            return None, f"peer skipped: {source} holds no {' or '.join(MEMBERS)}"
        archive.extractall(work, members=wanted, filter="data")
    return Peer(python, work / "asterisk"), ""
