"""Generation of the bundled listing, whole process: ``python -m ari_codegen generate specs -o TMP``.

Cases, each a fresh child process, taken in turn run after run:

- cold: into an empty output directory (renders everything, black on every Python file);
- no-op: again over fresh output (nothing changed: no black, nothing written);
- check: ``--check`` on fresh output;
- no-format: ``--no-format`` into an empty output directory;
- one-declaration change: a copy of the listing whose ``Channel`` model description in
  ``channels.json`` is edited before each run, regenerated over the previous output
  (black runs on the changed module only).

Wall time per run and the child's peak RSS. Run alone: ``python bench/bench_generate.py``.
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
from common import PYTHON, ChildRun, Figure, child_env, log, run_child  # noqa: E402

SECTION = "generate"


def _generate(spec: Path, out: Path, *flags: str) -> ChildRun:
    run = run_child(
        [PYTHON, "-m", "ari_codegen", "generate", str(spec), "-o", str(out), *flags],
        env=child_env(),
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
        fresh = work / "fresh"
        _generate(common.TREE.specs, fresh)  # the fresh output for no-op and --check
        spec = work / "spec"
        shutil.copytree(common.TREE.specs, spec)
        _edit_channels(spec, 0)
        changed = work / "changed"
        _generate(spec, changed)
        log("generate:")
        for i in range(repeats):
            cases: dict[str, ChildRun] = {}
            cases["cold"] = _generate(common.TREE.specs, work / f"cold{i}")
            cases["no-op"] = _generate(common.TREE.specs, fresh)
            cases["--check (fresh)"] = _generate(common.TREE.specs, fresh, "--check")
            cases["--no-format (cold)"] = _generate(
                common.TREE.specs, work / f"nofmt{i}", "--no-format"
            )
            _edit_channels(spec, i + 1)
            cases["one-declaration change"] = _generate(spec, changed)
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
    figures = []
    for name, values in samples.items():
        black = blacks[name]
        note = (
            f"black on {black.pop()} file(s)"
            if len(black) == 1
            else f"black on {sorted(black, key=str)} files"
        )
        figures.append(Figure(SECTION, f"{name}: wall time", "s", values, note=note))
    figures.append(Figure(SECTION, "cold: peak RSS", "MiB", rss["cold"]))
    figures.append(Figure(SECTION, "no-op: peak RSS", "MiB", rss["no-op"]))
    return figures


if __name__ == "__main__":
    from common import main_for

    main_for(run)
