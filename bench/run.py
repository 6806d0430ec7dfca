"""The benchmark suite of ari_codegen: one command, a table on the terminal, JSON on disk.

    python bench/run.py [--quick] [--only generate,runtime,scaling,client] [--rev REV]
                        [--json PATH] [--compare OLD.json] [--markdown] [--profile] [--scale-format]

Sections (each also runs alone as ``python bench/bench_<section>.py``):

- ``generate``: whole process (``python -m ari_codegen generate``) beside Asterisk's own
  generator, ``make_ari_stubs.py``, on its master listing (``bench/peer.py``; the bundled
  listing alone when the peer is not available): cold, no-op, ``--check``, ``--no-format``,
  a one-declaration change, each as a ratio to the peer;
- ``runtime``: the generated package against its baselines (json.loads, pydantic v2,
  jsonschema, fastjsonschema, ``import httpx``), with the issue's targets;
- ``scaling``: generation time and peak memory of the listing widened 10x and 100x, growth
  exponent per stage, cProfile of the culprit when a stage grows non-linearly;
- ``client``: ``bench/bench_client.py`` (the generated client against raw httpx), if present.

Every figure is the median of several runs with its min/max and interquartile range.
JSON goes to ``bench/results/latest.json`` and ``bench/results/<commit>.json`` (or ``--json``);
``--compare`` prints the change of every median against an earlier JSON file. ``--rev``
benchmarks a commit (``git archive`` into a temporary directory) instead of the working tree,
so that results of different commits are comparable while the working tree is being edited.
Never part of the test run: nothing here is collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import (
    BENCH,
    PYTHON,
    Figure,
    log,
    pair,
    render_table,
    write_json,
)  # noqa: E402

SECTIONS = ("generate", "runtime", "scaling", "client")


def run_client(quick: bool) -> list[Figure]:
    """bench/bench_client.py (written with the client), run as it is and read back from its JSON."""
    script = common.TREE.root / "bench" / "bench_client.py"
    if (
        common.TREE.rev is not None
    ):  # a snapshot: take the script and its data from the commit
        _extract(["bench/bench_client.py", "tests/data"])
    if not script.exists():
        log("client: bench/bench_client.py not found, skipped")
        return []
    log("client:")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "client.json"
        args = [PYTHON, str(script), "--json", str(out)]
        if quick:
            args += ["--repeats", "5", "--number", "500"]
        run = common.run_child(args, env=common.child_env())
        if run.returncode != 0:
            log(
                f"client: bench_client.py failed (exit {run.returncode}):\n{run.stderr[-2000:]}"
            )
            return []
        data = json.loads(out.read_text())
    figures = {
        name: Figure("client", name, "us", list(f["samples_us"]))
        for name, f in data.get("figures", {}).items()
    }
    for key, ratio in data.get("ratios", {}).items():
        subject, _, base = key.partition(" / ")
        if subject in figures and base in figures:
            pair(figures[subject], figures[base])
            figures[subject].target = f"<= {ratio['target_max']}x"
            figures[subject].target_max = ratio["target_max"]
    return list(figures.values())


def _extract(paths: list[str]) -> None:
    rev = common.TREE.rev
    assert rev is not None
    present = [
        p
        for p in paths
        if subprocess.run(
            ["git", "cat-file", "-e", f"{rev}:{p}"],
            cwd=common.ROOT,
            capture_output=True,
        ).returncode
        == 0
    ]
    if present:
        archive = subprocess.run(
            ["git", "archive", "--format=tar", rev, *present],
            cwd=common.ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(
            ["tar", "-x", "-C", str(common.TREE.root)], input=archive, check=True
        )


def compare(figures: list[Figure], old_path: Path) -> str:
    """The change of each median against an earlier result file, figure by figure."""
    old = json.loads(old_path.read_text())
    before = {(f["section"], f["name"]): f for f in old.get("figures", [])}
    lines = [
        f"against {old_path} ({old.get('git', {}).get('commit', '?')[:12]}, {old.get('date', '?')}):"
    ]
    for f in figures:
        prev = before.get((f.section, f.name))
        if prev is None or not prev["stats"].get("median"):
            continue
        now, then = f.stats["median"], prev["stats"]["median"]
        change = (now - then) / then * 100
        # a change outside both runs' min-max ranges is worth a look
        disjoint = (
            f.stats["min"] > prev["stats"]["max"]
            or f.stats["max"] < prev["stats"]["min"]
        )
        flag = "  <-- outside both ranges" if disjoint and abs(change) > 5 else ""
        lines.append(
            f"  {f.section:9} {f.name:60} {then:10.4g} -> {now:10.4g} {f.unit:4} {change:+6.1f}%{flag}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ari_codegen benchmarks")
    parser.add_argument(
        "--quick", action="store_true", help="fewer, shorter runs (about 2 minutes)"
    )
    parser.add_argument(
        "--only", default=",".join(SECTIONS), help="comma-separated sections"
    )
    parser.add_argument(
        "--rev", help="benchmark this commit instead of the working tree"
    )
    parser.add_argument(
        "--json", type=Path, help="write the results here (default bench/results/)"
    )
    parser.add_argument(
        "--compare", type=Path, help="an earlier result file to compare against"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the table as Markdown"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="scaling: always cProfile the profiled size",
    )
    parser.add_argument(
        "--scale-format", action="store_true", help="scaling: also with black (slow)"
    )
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    if args.rev:
        common.use_rev(args.rev)
    started = time.perf_counter()
    figures: list[Figure] = []
    extra: dict[str, Any] = {"quick": args.quick, "sections": only}
    try:
        if "generate" in only:
            import bench_generate

            figures += bench_generate.run(args.quick)
        if "runtime" in only:
            import bench_runtime

            figures += bench_runtime.run(args.quick)
        if "scaling" in only:
            import bench_scaling

            figures += bench_scaling.run(args.quick, args.profile, args.scale_format)
            extra["scaling"] = bench_scaling.REPORT
        if "client" in only:
            figures += run_client(args.quick)
    finally:
        if common.TREE.rev is not None:
            shutil.rmtree(common.TREE.root, ignore_errors=True)
    extra["seconds"] = round(time.perf_counter() - started, 1)
    m = common.machine()
    print(
        f"\nmachine: {m['nproc']} CPU(s), {m['cpu']}, Python {m['python']} ({m['platform']})"
    )
    print(render_table(figures, markdown=args.markdown))
    if "scaling" in only:
        import bench_scaling

        print()
        print(bench_scaling.report_text())
    targets = [f for f in figures if f.met is not None]
    if targets:
        print(
            "\ntargets: "
            + ", ".join(f"{f.name}: {'met' if f.met else 'NOT met'}" for f in targets)
        )
    paths = [args.json] if args.json else []
    if not args.json:
        commit = common.git_commit()
        paths = [BENCH / "results" / "latest.json"]
        if commit["commit"]:
            suffix = "-dirty" if commit["dirty"] else ""
            paths.append(BENCH / "results" / f"{commit['commit'][:12]}{suffix}.json")
    for path in paths:
        write_json(path, figures, extra)
    print(f"\nwrote {', '.join(str(p) for p in paths)} in {extra['seconds']} s")
    if args.compare:
        print(compare(figures, args.compare))
    return 0


if __name__ == "__main__":
    sys.exit(main())
