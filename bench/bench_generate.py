"""Generation, whole process (``python -m ari_codegen generate SPEC -o OUT``), against the
field's own generator, Asterisk's ``make_ari_stubs.py`` (``bench/peer.py``), on the same
listing: Asterisk's master ``rest-api/`` from its source tarball (the bundled ``specs/``
when the peer is not available). Cases, each a fresh child process, taken in turn, the
peer among them, run after run:

- peer: ``make_ari_stubs.py`` into an empty directory (it renders everything every time);
- cold: into an empty output directory, with the cache this benchmark warmed (compiled
  templates, and black's output for every statement it formats, ``ari_codegen.format``):
  renders everything, formats every Python file, black on none of them;
- cold, empty cache: the same with an empty cache directory: the first run after an install
  (or on a fresh CI machine), black on every statement the templates cannot lay out, over
  a process per core;
- no-op: again over fresh output (nothing changed: nothing rendered, nothing written);
- check: ``--check`` on fresh output;
- no-format: ``--no-format`` into an empty output directory;
- no-format, empty cache: the same with an empty cache directory (no compiled templates,
  no parsed spec: the first run after an install). It has no target: it is the cold run plus
  what that first run does once for every later one, compiling the templates and validating
  and parsing the spec, and the issue's target for ``--no-format`` cold (the templates were
  compiled anew on every run) is the cold row's;
- one-declaration change: a copy of the listing whose ``Channel`` model description in
  ``channels.json`` is edited before each run, regenerated over the previous output
  (black runs on the changed statements of the changed modules only, if any needs it).

The generator's cache (``ARI_CODEGEN_CACHE_DIR``) is a directory of this benchmark, warmed
by the first, untimed generation. Wall time per run and the child's peak RSS; each of our
cases also as the median of its per-run ratios to the peer. Run alone:
``python bench/bench_generate.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import peer as peer_module  # noqa: E402
from common import (
    PYTHON,
    ChildRun,
    Figure,
    child_env,
    log,
    pair,
    run_child,
)  # noqa: E402

SECTION = "generate"
TARGETS = {  # case -> the most it may take, as a ratio to the peer
    "no-op": 0.5,
    "--check (fresh)": 0.5,
    "--no-format (cold)": 1.0,
    "one-declaration change": 2.0,
    "cold": 5.0,
    "cold (empty cache)": 5.0,  # the first run on a machine: black has every piece to do
}


def _generate(spec: Path, out: Path, *flags: str, cache: Path) -> ChildRun:
    env = child_env()
    env["ARI_CODEGEN_CACHE_DIR"] = str(cache)
    run = run_child(
        [PYTHON, "-m", "ari_codegen", "generate", str(spec), "-o", str(out), *flags],
        env=env,
    )
    if run.returncode != 0:
        raise RuntimeError(
            f"generate {' '.join(flags)} exited {run.returncode}:\n{run.stderr[-2000:]}"
        )
    return run


def _black_count(run: ChildRun) -> int | None:
    match = re.search(r"black ran on (\d+) file", run.stdout)
    return int(match.group(1)) if match else 0 if "up to date" in run.stdout else None


def _edit_channels(spec: Path, n: int) -> None:
    path = spec / "api-docs" / "channels.json"
    data = json.loads(path.read_text("utf-8"))
    data["models"]["Channel"][
        "description"
    ] = f"A specific communication connection between Asterisk and an Endpoint (edit {n})."
    path.write_text(json.dumps(data, indent="\t") + "\n", "utf-8")


def run(quick: bool = False) -> list[Figure]:
    repeats = 3 if quick else 5
    work = Path(tempfile.mkdtemp(prefix="ari-bench-gen-"))
    samples: dict[str, list[float]] = {}
    rss: dict[str, list[float]] = {}
    blacks: dict[str, set[int | None]] = {}
    try:
        peer, why = peer_module.locate(work / "asterisk-src")
        if peer is None:
            log(f"generate: {why}")
        listing = peer.listing if peer else common.TREE.specs
        cache = work / "cache"
        fresh = work / "fresh"
        _generate(listing, fresh, cache=cache)  # fresh output for no-op and --check
        spec = work / "spec"
        shutil.copytree(listing, spec)
        _edit_channels(spec, 0)
        changed = work / "changed"
        _generate(spec, changed, cache=cache)
        log(f"generate ({listing}):")
        for i in range(repeats):
            cases: dict[str, ChildRun] = {}
            if peer is not None:
                cases["peer"] = run_child(
                    peer.command(work / f"peer{i}"), cwd=peer.root
                )
                if cases["peer"].returncode != 0:
                    raise RuntimeError(
                        f"the peer failed:\n{cases['peer'].stderr[-2000:]}"
                    )
            cases["cold"] = _generate(listing, work / f"cold{i}", cache=cache)
            cases["cold (empty cache)"] = _generate(
                listing, work / f"coldnc{i}", cache=work / f"cc{i}"
            )
            cases["no-op"] = _generate(listing, fresh, cache=cache)
            cases["--check (fresh)"] = _generate(listing, fresh, "--check", cache=cache)
            cases["--no-format (cold)"] = _generate(
                listing, work / f"nofmt{i}", "--no-format", cache=cache
            )
            cases["--no-format (cold, empty cache)"] = _generate(
                listing, work / f"nocache{i}", "--no-format", cache=work / f"c{i}"
            )
            _edit_channels(spec, i + 1)
            cases["one-declaration change"] = _generate(spec, changed, cache=cache)
            for name, result in cases.items():
                samples.setdefault(name, []).append(result.seconds)
                rss.setdefault(name, []).append(result.max_rss_mib)
                blacks.setdefault(name, set()).add(_black_count(result))
            log(
                f"  run {i + 1}/{repeats}: "
                + ", ".join(f"{k} {v.seconds:.2f}s" for k, v in cases.items())
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    where = "Asterisk's master listing" if peer else "the bundled listing (no peer)"
    figures: dict[str, Figure] = {}
    for name, values in samples.items():
        if name == "peer":
            note = f"make_ari_stubs.py (pystache) on {where}"
        else:
            black = blacks[name]
            count = black.pop() if len(black) == 1 else sorted(black, key=str)
            note = f"formatted {count} file(s) (black or its cache); {where}"
        figures[name] = Figure(SECTION, f"{name}: wall time", "s", values, note=note)
    if "peer" in figures:
        for name, figure in figures.items():
            if name != "peer":
                pair(figure, figures["peer"])
                if name in TARGETS:
                    figure.target_max = TARGETS[name]
                    figure.target = f"<= {TARGETS[name]}x the peer"
    result = list(figures.values())
    result.append(Figure(SECTION, "cold: peak RSS", "MiB", rss["cold"]))
    result.append(Figure(SECTION, "no-op: peak RSS", "MiB", rss["no-op"]))
    return result


if __name__ == "__main__":
    from common import main_for

    main_for(run)
