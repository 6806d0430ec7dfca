"""Shared pieces of the benchmark suite: figures, statistics, timing, child processes.

A *figure* is one measured quantity with every sample kept, so that its median and spread
(min/max and the interquartile range) can be reported and compared across commits.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable


@dataclass
class Tree:
    """The source tree under test: the checkout, or a snapshot of a commit (``--rev``)."""

    root: Path
    rev: str | None = None  # None: the working tree as it is

    @property
    def specs(self) -> Path:
        return self.root / "specs"

    @property
    def generated(self) -> Path:
        return self.root / "generated"


TREE = Tree(ROOT)


def use_rev(rev: str) -> Tree:
    """Benchmark commit ``rev`` instead of the working tree: its ari_codegen, templates, specs
    and generated/ are extracted (``git archive``) into a temporary directory."""
    global TREE
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = Path(tempfile.mkdtemp(prefix="ari-bench-tree-"))
    archive = subprocess.run(
        [
            "git",
            "archive",
            "--format=tar",
            commit,
            "ari_codegen",
            "templates",
            "specs",
            "generated",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    TREE = Tree(target, commit)
    return TREE


@dataclass
class Figure:
    """One benchmark figure: samples in ``unit``; optionally a ratio against a baseline."""

    section: str
    name: str
    unit: str
    samples: list[float]
    note: str = ""
    baseline: str | None = None  # name of another figure of the same section
    ratios: list[float] = field(
        default_factory=list
    )  # paired: this / baseline (or its inverse)
    speedup: bool = False  # ratios are baseline / this: "how many times faster"
    target: str = ""  # human-readable target, e.g. "<= 2.0x json.loads"
    target_max: float | None = None  # ratio must be <= this to meet the target
    target_min: float | None = None  # ratio must be >= this to meet the target
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def stats(self) -> dict[str, float]:
        return summarize(self.samples)

    @property
    def ratio(self) -> float | None:
        return statistics.median(self.ratios) if self.ratios else None

    @property
    def met(self) -> bool | None:
        r = self.ratio
        if r is None or (self.target_max is None and self.target_min is None):
            return None
        return (self.target_max is None or r <= self.target_max) and (
            self.target_min is None or r >= self.target_min
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stats"] = self.stats
        data["ratio"] = self.ratio
        data["ratio_stats"] = summarize(self.ratios) if self.ratios else None
        data["met"] = self.met
        return data


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """Median, min, max, quartiles and count of a list of samples."""
    data = sorted(samples)
    n = len(data)
    if n == 0:
        return {"n": 0}
    if n >= 2:
        q1, _, q3 = statistics.quantiles(data, n=4, method="inclusive")
    else:
        q1 = q3 = data[0]
    return {
        "n": n,
        "median": statistics.median(data),
        "min": data[0],
        "max": data[-1],
        "q1": q1,
        "q3": q3,
    }


def pair(figure: Figure, baseline: Figure, speedup: bool = False) -> Figure:
    """Attach per-run ratios ``figure / baseline`` (the samples were taken interleaved), or
    with ``speedup`` ``baseline / figure``: how many times faster ``figure`` is."""
    figure.baseline = baseline.name
    figure.speedup = speedup
    pairs = zip(figure.samples, baseline.samples)
    figure.ratios = [b / a if speedup else a / b for a, b in pairs if a and b]
    return figure


# --- micro-benchmarks ------------------------------------------------------------------------


def calibrate(fn: Callable[[], object], min_time: float) -> int:
    """How many calls of ``fn`` take at least ``min_time`` seconds (a power of ten times 1, 2, 5)."""
    number = 1
    while True:
        for factor in (1, 2, 5):
            n = number * factor
            start = time.perf_counter()
            for _ in range(n):
                fn()
            if time.perf_counter() - start >= min_time:
                return n
        number *= 10


def per_call(fn: Callable[[], object], number: int) -> float:
    """Seconds per call of ``fn``, averaged over ``number`` calls (garbage collection on)."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(
    candidates: dict[str, Callable[[], object]], repeats: int, min_time: float
) -> dict[str, list[float]]:
    """Per-call times in microseconds, ``repeats`` samples each, candidates taken in turn so
    that a noisy neighbour on the machine hits all of them alike."""
    numbers = {name: calibrate(fn, min_time) for name, fn in candidates.items()}
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, fn in candidates.items():
            samples[name].append(per_call(fn, numbers[name]) * 1e6)
    return samples


# --- child processes -------------------------------------------------------------------------


@dataclass
class ChildRun:
    seconds: float  # wall clock
    max_rss_mib: float  # peak resident set size of the child
    returncode: int
    stdout: str
    stderr: str


def run_child(
    args: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> ChildRun:
    """Run a child process (in the tree under test); its wall time and its own peak RSS
    (``wait4``: this child's, not a running maximum over all children)."""
    cwd = cwd or TREE.root
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(args), stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux, in bytes on macOS
        scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)
        return ChildRun(
            seconds,
            usage.ru_maxrss * scale,
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def child_env(*paths: Path) -> dict[str, str]:
    """The environment for a child: ``paths`` and the tree under test first on PYTHONPATH.
    Run children with ``cwd=TREE.root`` too: ``-m`` and ``-c`` put the working directory first.
    """
    env = dict(os.environ)
    parts = [str(p) for p in paths] + [str(TREE.root)]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# --- the machine and the commit ----------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(terse=True),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


def git_commit() -> dict[str, Any]:
    if TREE.rev is not None:
        return {"commit": TREE.rev, "subject": "", "dirty": False, "snapshot": True}

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    return {
        "commit": git("rev-parse", "HEAD"),
        "subject": git("log", "-1", "--format=%s"),
        "dirty": bool(
            git("status", "--porcelain", "--", "ari_codegen", "templates", "generated")
        ),
    }


# --- output --------------------------------------------------------------------------------------


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        text = f"{value:.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".rstrip()


def table_rows(figures: Sequence[Figure]) -> list[list[str]]:
    rows = []
    for f in figures:
        s = f.stats
        ratio = ""
        if f.ratio is not None:
            r = summarize(f.ratios)
            word = " faster" if f.speedup else ""
            ratio = f"{f.ratio:.2f}x{word} ({r['min']:.2f}-{r['max']:.2f})"
        target = f.target
        if f.met is not None:
            target = f"{target} {'MET' if f.met else 'NOT MET'}"
        if f.note:
            target = f"{target}; {f.note}" if target else f.note
        rows.append(
            [
                f.section,
                f.name,
                fmt(s.get("median"), f.unit),
                f"{fmt(s.get('min'))}-{fmt(s.get('max'))}",
                f"{fmt(s.get('q1'))}-{fmt(s.get('q3'))}",
                str(s["n"]),
                f"vs {f.baseline}: {ratio}" if f.baseline else "",
                target,
            ]
        )
    return rows


HEADERS = [
    "section",
    "figure",
    "median",
    "min-max",
    "IQR",
    "n",
    "ratio (median, min-max)",
    "target / note",
]


def render_table(figures: Sequence[Figure], markdown: bool = False) -> str:
    rows = table_rows(figures)
    if markdown:
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += [
            "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows
        ]
        return "\n".join(lines)
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
        for i, h in enumerate(HEADERS)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def write_json(path: Path, figures: Sequence[Figure], extra: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "machine": machine(),
        "git": git_commit(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **extra,
        "figures": [f.to_json() for f in figures],
    }
    path.write_text(json.dumps(data, indent=2) + "\n")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main_for(run: Callable[[bool], list[Figure]]) -> None:
    """The command line of one benchmark module run on its own: ``[--quick] [--json PATH]``."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer and shorter runs")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--rev", help="benchmark this commit instead of the working tree"
    )
    args = parser.parse_args()
    if args.rev:
        use_rev(args.rev)
    figures = run(args.quick)
    print(render_table(figures))
    if args.json:
        write_json(args.json, figures, {"quick": args.quick})
