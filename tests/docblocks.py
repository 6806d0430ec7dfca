"""The code blocks of Markdown files, and running a Python block as written against a StubAri.

Standard library only, beside the generated package under test: ``tests/test_distribution.py``
runs this file with the Python of a fresh virtual environment, where only the installed
package is (``python docblocks.py README.md`` runs every runnable Python block of it).

What a block is for is said in the Markdown itself, by HTML comments on the lines right
before its fence:

- ``<!-- needs: asterisk -->``: the block needs a real Asterisk; it is not run;
- ``<!-- not run: REASON -->``: it is not code to run here (a synopsis, sample output, a CI
  workflow, the test suite itself), and says why;
- ``<!-- test: install -->``: it installs into a fresh virtual environment; the install test
  (``tests/test_distribution.py``) runs it there;
- ``<!-- stub: call=APP -->``: before a Python block, a call comes in to the Stasis
  application APP once it is subscribed (as a phone would dial in).

Any other block is run by ``tests/test_docs.py``. In a Python block, the line that connects
to a real Asterisk says so with a ``# needs: asterisk`` comment; its URL,
``http://localhost:8088/ari``, is replaced by the StubAri's. Nothing else may name port 8088.
The sounds a block plays (``sound:NAME``) exist on the stub, a quarter of a second each.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List

URL = "http://localhost:8088/ari"
NEEDS_ASTERISK = "# needs: asterisk"
_FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w+-]*)\s*$")
_MARKER = re.compile(
    r"^\s*<!--\s*(?P<key>[a-z][a-z ]*?)\s*:\s*(?P<value>.*?)\s*-->\s*$"
)


@dataclass
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    lang: str
    text: str
    markers: Dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def blocks(path: Path) -> List[Block]:
    """Every fenced code block of a Markdown file, with the markers right before it."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: List[Block] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        indent = len(fence.group("indent"))
        markers: Dict[str, str] = {}
        j = i - 1
        while j >= 0 and (m := _MARKER.match(lines[j])):
            markers[m.group("key")] = m.group("value")
            j -= 1
        body: List[str] = []
        k = i + 1
        while k < len(lines) and lines[k].strip() != "```":
            body.append(
                lines[k][indent:] if lines[k][:indent].strip() == "" else lines[k]
            )
            k += 1
        if k == len(lines):
            raise ValueError(f"{path}:{i + 1}: a code block that never closes")
        found.append(
            Block(path, i + 1, fence.group("lang"), "\n".join(body) + "\n", markers)
        )
        i = k + 1
    return found


def prepare(code: str, url: str) -> str:
    """The code with the URL of the lines marked ``# needs: asterisk`` replaced by ``url``."""
    out = [
        line.replace(URL, url) if NEEDS_ASTERISK in line else line
        for line in code.splitlines()
    ]
    text = "\n".join(out) + "\n"
    if ":8088" in text:
        raise ValueError(
            f"a line names port 8088 without '{NEEDS_ASTERISK}': it would reach a real Asterisk"
        )
    return text


SOUND = re.compile(r"\bsound:([\w/-]+)")


def add_sounds(stub: Any, code: str) -> None:
    """The sounds a block plays exist on ``stub``, a quarter of a second each (a real Asterisk
    has its sound packages installed; the stub knows only ``beep`` until told)."""
    for name in sorted(set(SOUND.findall(code))):
        stub.add_sound(name, 0.25)


@contextlib.contextmanager
def incoming_call(stub: Any, app: str) -> Iterator[None]:
    """A call comes in to ``app`` once a websocket has subscribed to it (a bounded wait, no
    polling: the stub says when)."""

    def dial() -> None:
        try:
            stub.wait_subscribed(app, timeout=30)
        except (
            Exception
        ) as exc:  # the block never listened: say so beside its own failure
            print(f"no call came in: {exc}", file=sys.stderr)
            return
        stub.call("PJSIP/alice", app=app)

    thread = threading.Thread(target=dial, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join(30)


def run_python(block: Block, package: str = "ari_client") -> str:
    """Run a Python block as written against a StubAri of ``package``; returns what it printed."""
    testing = importlib.import_module(f"{package}.testing")
    out = io.StringIO()
    with testing.StubAri() as stub:
        code = prepare(block.text, stub.url)
        add_sounds(stub, code)
        app = dict(
            v.split("=", 1) for v in [block.markers.get("stub", "")] if "=" in v
        ).get("call")
        calling = incoming_call(stub, app) if app else contextlib.nullcontext()
        with calling, contextlib.redirect_stdout(out):
            run_bounded(compile(code, block.where, "exec"), block.where)
    return out.getvalue()


BLOCK_TIMEOUT = 120.0
"""Seconds a block may run: one that waits for ever fails instead of hanging the tests."""


def run_bounded(code: Any, where: str) -> None:
    """Execute ``code`` as ``__main__`` in a thread of its own; re-raise what it raised, or
    ``TimeoutError`` when it is still running after ``BLOCK_TIMEOUT`` seconds."""
    failed: List[BaseException] = []

    def run() -> None:
        try:
            exec(code, {"__name__": "__main__"})
        except BaseException as exc:  # re-raised in the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=run, name=f"block {where}", daemon=True)
    thread.start()
    thread.join(BLOCK_TIMEOUT)
    if thread.is_alive():
        raise TimeoutError(f"{where}: still running after {BLOCK_TIMEOUT:.0f} s")
    if failed:
        raise failed[0]


NOT_RUN_HERE = ("needs", "not run", "test")
"""Markers of blocks that ``run_python`` does not run (``stub`` only sets the stub up)."""


def runnable_python(path: Path) -> List[Block]:
    return [
        b
        for b in blocks(path)
        if b.lang == "python" and not set(NOT_RUN_HERE) & set(b.markers)
    ]


def main(argv: List[str]) -> int:
    """``python docblocks.py FILE.md [PACKAGE]``: run every unmarked Python block of FILE."""
    path = Path(argv[0])
    package = argv[1] if len(argv) > 1 else "ari_client"
    ran = runnable_python(path)
    for block in ran:
        print(f"--- {block.where}")
        print(run_python(block, package), end="")
    print(f"ran {len(ran)} Python block(s) of {path.name}")
    return 0 if ran else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
