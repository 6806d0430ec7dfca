"""Scaling: generation time and peak memory against input size.

The listing is widened synthetically (``widen.py``) to 10x and 100x its declarations, models
and operations; each size is generated cold into an empty directory by a child process
(``gen_child.py``: the library's ``generate()`` with every stage timed, the generator's cache
off), ``--no-format`` by
default (black costs the same per file at any size: the copies' modules are as big as the
originals; ``--scale-format`` adds black at 1x and 10x). Reported: wall time and peak RSS per
size, time per unit (one unit = one model or one operation) and, per stage, the growth
exponent ``log(t2/t1) / log(n2/n1)`` between sizes: 1 is linear, 2 quadratic.

Run alone: ``python bench/bench_scaling.py [--quick] [--profile] [--scale-format]``.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import (
    BENCH,
    PYTHON,
    Figure,
    child_env,
    fmt,
    log,
    run_child,
    summarize,
)  # noqa: E402
from widen import widen  # noqa: E402

SECTION = "scaling"
STAGES = ("load", "validate", "parse", "render", "format", "compare", "commit")
PROFILE_FACTOR = 30  # the size cProfile runs on when a stage grows non-linearly
SUPERLINEAR = (
    1.25  # a growth exponent above this (10x -> 100x) is reported as non-linear
)


def _child(
    spec: Path, out: Path, fmt_: bool, profile: Path | None = None
) -> dict[str, Any]:
    args = [PYTHON, str(BENCH / "gen_child.py"), str(spec), str(out)]
    if not fmt_:
        args.append("--no-format")
    if profile is not None:
        args += ["--profile", str(profile)]
    # the generator's cache off: every run validates, parses and compiles (a parsed spec
    # or black's output cached by the run before would hide what grows)
    run = run_child(args, env={**child_env(), "ARI_CODEGEN_CACHE_DIR": ""})
    if run.returncode != 0:
        raise RuntimeError(f"gen_child failed on {spec}:\n{run.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    data["wall"] = run.seconds
    data["rss_mib"] = run.max_rss_mib
    return data


def _widened(factor: int, spec: Path) -> dict[str, int]:
    """The listing of the tree under test widened ``factor`` times into ``spec`` (once)."""
    if not spec.exists():
        (spec.parent / f"{spec.name}.json").write_text(
            json.dumps(widen(factor, spec, common.TREE.specs))
        )
    sizes: dict[str, int] = json.loads((spec.parent / f"{spec.name}.json").read_text())
    return sizes


def exponent(n1: float, t1: float, n2: float, t2: float) -> float | None:
    if t1 <= 0 or t2 <= 0 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def measure(
    factors: list[tuple[int, int]], fmt_: bool, work: Path, label: str
) -> list[dict[str, Any]]:
    """For each (factor, runs): the medians of ``runs`` cold generations of the widened listing."""
    rows = []
    for factor, runs in factors:
        spec = work / f"x{factor}"
        sizes = _widened(factor, spec)
        results = []
        for i in range(runs):
            out = work / f"out-{label}-{factor}-{i}"
            results.append(_child(spec, out, fmt_))
            shutil.rmtree(out, ignore_errors=True)
            log(
                f"  {label} {factor}x run {i + 1}/{runs}: {results[-1]['wall']:.2f}s, {results[-1]['rss_mib']:.0f} MiB"
            )
        rows.append(
            {
                "factor": factor,
                **sizes,
                "units": sizes["models"] + sizes["operations"],
                "wall": [r["wall"] for r in results],
                "rss_mib": [r["rss_mib"] for r in results],
                "stages": {
                    s: summarize([r["stages"].get(s, 0.0) for r in results])["median"]
                    for s in STAGES
                },
                # of which in the cyclic garbage collector (grows with the live heap)
                "gc": {
                    s: summarize([r.get("gc", {}).get(s, 0.0) for r in results])[
                        "median"
                    ]
                    for s in STAGES
                },
                "templates": {
                    t: summarize([r["templates"].get(t, 0.0) for r in results])[
                        "median"
                    ]
                    for t in results[0].get("templates", {})
                },
                "templates_gc": {
                    t: summarize(
                        [r.get("templates_gc", {}).get(t, 0.0) for r in results]
                    )["median"]
                    for t in results[0].get("templates", {})
                },
                "files": results[0]["files"],
            }
        )
    return rows


def curve(rows: list[dict[str, Any]], title: str) -> str:
    """The text table of one curve: per size, totals, per-unit costs and growth exponents."""
    head = [
        "size",
        "models",
        "ops",
        "files",
        "wall s",
        "ms/unit",
        "RSS MiB",
        *(f"{s} ms/u" for s in STAGES),
        "(gc) ms/u",
    ]
    lines = [title, "  ".join(f"{h:>10}" for h in head)]
    for row in rows:
        wall = summarize(row["wall"])["median"]
        cells = [
            f"{row['factor']}x",
            str(row["models"]),
            str(row["operations"]),
            str(row["files"]),
            fmt(wall),
            fmt(wall / row["units"] * 1000),
            fmt(summarize(row["rss_mib"])["median"]),
            *(fmt(row["stages"][s] / row["units"] * 1000) for s in STAGES),
            fmt(sum(row["gc"].values()) / row["units"] * 1000),
        ]
        lines.append("  ".join(f"{c:>10}" for c in cells))
    for a, b in zip(rows, rows[1:]):
        cells = [f"{a['factor']}x->{b['factor']}x", "", "", ""]

        def growth(key: str) -> str:
            e = exponent(
                a["units"],
                summarize(a[key])["median"],
                b["units"],
                summarize(b[key])["median"],
            )
            return f"n^{e:.2f}" if e is not None else "-"

        cells += [growth("wall"), "", growth("rss_mib")]
        own = ["(no gc)", "", "", "", "", "", ""]
        for s in STAGES:
            e = exponent(a["units"], a["stages"][s], b["units"], b["stages"][s])
            cells.append(f"n^{e:.2f}" if e is not None else "-")
            e = exponent(
                a["units"],
                a["stages"][s] - a["gc"][s],
                b["units"],
                b["stages"][s] - b["gc"][s],
            )
            own.append(f"n^{e:.2f}" if e is not None else "-")
        lines.append("  ".join(f"{c:>10}" for c in cells))
        lines.append("  ".join(f"{c:>10}" for c in own))
    return "\n".join(lines)


def verdict(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Growth exponents between the two largest sizes; stages above SUPERLINEAR are flagged."""
    if len(rows) < 2:
        return {}
    a, b = rows[-2], rows[-1]
    out: dict[str, Any] = {
        "between": f"{a['factor']}x->{b['factor']}x",
        "wall": exponent(
            a["units"],
            summarize(a["wall"])["median"],
            b["units"],
            summarize(b["wall"])["median"],
        ),
        "rss": exponent(
            a["units"],
            summarize(a["rss_mib"])["median"],
            b["units"],
            summarize(b["rss_mib"])["median"],
        ),
        "stages": {
            s: exponent(a["units"], a["stages"][s], b["units"], b["stages"][s])
            for s in STAGES
        },
        # the same without the time spent in the garbage collector: the code's own growth
        "own": {
            s: exponent(
                a["units"],
                a["stages"][s] - a["gc"].get(s, 0.0),
                b["units"],
                b["stages"][s] - b["gc"].get(s, 0.0),
            )
            for s in STAGES
        },
        "gc_share": {
            s: (b["gc"].get(s, 0.0) / b["stages"][s] if b["stages"][s] else 0.0)
            for s in STAGES
        },
    }
    out["superlinear"] = sorted(
        s
        for s, e in out["stages"].items()
        if e is not None and e > SUPERLINEAR and b["stages"][s] > 0.2
    )
    # a template's own growth, the garbage collector's passes while it rendered left out
    # (they walk the whole heap, whichever template happens to be rendering)
    out["templates"] = {
        t: exponent(
            a["units"],
            a["templates"].get(t, 0.0) - a["templates_gc"].get(t, 0.0),
            b["units"],
            b["templates"][t] - b["templates_gc"].get(t, 0.0),
        )
        for t in b.get("templates", {})
    }
    out["templates_with_gc"] = {
        t: exponent(
            a["units"], a["templates"].get(t, 0.0), b["units"], b["templates"][t]
        )
        for t in b.get("templates", {})
    }
    out["superlinear_templates"] = sorted(
        t
        for t, e in out["templates"].items()
        if e is not None and e > SUPERLINEAR and b["templates"][t] > 0.2
    )
    return out


def profile_top(spec: Path, out: Path, work: Path, limit: int = 12) -> str:
    """cProfile of one generation: the functions with the most time of their own."""
    import io
    import pstats

    stats_file = work / "profile.prof"
    _child(spec, out, False, stats_file)
    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    stats.strip_dirs().sort_stats("tottime").print_stats(limit)
    text = buffer.getvalue()
    return text[text.find("ncalls") :] if "ncalls" in text else text


REPORT: dict[str, Any] = {}  # curves, verdicts and profile of the last run, for run.py


def run(
    quick: bool = False, profile: bool = False, scale_format: bool = False
) -> list[Figure]:
    factors = [(1, 3), (10, 3), (30, 1)] if quick else [(1, 5), (10, 3), (100, 3)]
    work = Path(tempfile.mkdtemp(prefix="ari-bench-scale-"))
    figures: list[Figure] = []
    REPORT.clear()
    try:
        log("scaling:")
        curves = {"no-format": measure(factors, False, work, "no-format")}
        if scale_format:
            curves["black"] = measure(
                [(1, 3), (10, 1 if quick else 3)], True, work, "black"
            )
        for label, rows in curves.items():
            for row in rows:
                name = f"{label} {row['factor']}x ({row['models']} models, {row['operations']} ops)"
                figures.append(Figure(SECTION, f"{name}: wall", "s", row["wall"]))
                figures.append(
                    Figure(
                        SECTION,
                        f"{name}: per unit",
                        "ms",
                        [w / row["units"] * 1000 for w in row["wall"]],
                    )
                )
                figures.append(
                    Figure(SECTION, f"{name}: peak RSS", "MiB", row["rss_mib"])
                )
            v = verdict(rows)
            if v:
                figures[-1].note = (
                    f"growth {v['between']}: time n^{v['wall']:.2f}, memory n^{v['rss']:.2f}"
                )
                slow = [f"{s} n^{v['stages'][s]:.2f}" for s in v["superlinear"]]
                slow += [
                    f"{t} n^{v['templates'][t]:.2f}" for t in v["superlinear_templates"]
                ]
                if slow:
                    figures[-1].note += "; NON-LINEAR: " + ", ".join(slow)
            REPORT.setdefault("curves", {})[label] = {
                "rows": rows,
                "verdict": v,
                "table": curve(rows, f"[{label}]"),
            }
        last = verdict(curves["no-format"])
        # worth a profile: a stage whose own code (garbage collection aside) grows non-linearly
        own_code = [
            stage
            for stage in last.get("superlinear", [])
            if (last["own"][stage] or 0) > SUPERLINEAR
        ]
        if profile or own_code or last.get("superlinear_templates"):
            log(f"  profiling {PROFILE_FACTOR}x")
            spec = work / f"x{PROFILE_FACTOR}"
            _widened(PROFILE_FACTOR, spec)
            REPORT["profile_factor"] = PROFILE_FACTOR
            REPORT["profile"] = profile_top(spec, work / "out-profile", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def report_text() -> str:
    parts = [c["table"] for c in REPORT.get("curves", {}).values()]
    for label, c in REPORT.get("curves", {}).items():
        v = c["verdict"]
        if v and (v["superlinear"] or v["superlinear_templates"]):
            parts.append(
                f"[{label}] non-linear between {v['between']}: "
                + ", ".join(
                    [f"{s} grows as n^{v['stages'][s]:.2f}" for s in v["superlinear"]]
                    + [
                        f"template {t} grows as n^{v['templates'][t]:.2f}"
                        for t in v["superlinear_templates"]
                    ]
                )
            )
        if v and v["superlinear"]:
            parts.append(
                f"[{label}] without the garbage collector's share: "
                + ", ".join(
                    f"{s} n^{v['own'][s]:.2f} (gc {v['gc_share'][s]:.0%} of it)"
                    for s in v["superlinear"]
                    if v["own"][s] is not None
                )
            )
        if v and not (v["superlinear"] or v["superlinear_templates"]):
            parts.append(
                f"[{label}] every stage grows linearly between {v['between']} (exponent <= {SUPERLINEAR})"
            )
    if "profile" in REPORT:
        parts.append(
            f"cProfile of {REPORT['profile_factor']}x, by own time:\n"
            + REPORT["profile"]
        )
    return "\n\n".join(parts)


if __name__ == "__main__":
    import argparse

    from common import render_table, write_json

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the largest size"
    )
    parser.add_argument(
        "--scale-format", action="store_true", help="also scale with black (slow)"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--rev", help="benchmark this commit instead of the working tree"
    )
    args = parser.parse_args()
    if args.rev:
        common.use_rev(args.rev)
    result = run(args.quick, args.profile, args.scale_format)
    print(render_table(result))
    print()
    print(report_text())
    if args.json:
        write_json(args.json, result, {"quick": args.quick, "scaling": REPORT})
