"""Child process of the scaling benchmark: one ``generate()`` with the time of every stage.

``python bench/gen_child.py SPEC OUT [--no-format] [--profile FILE]`` runs the library's
``generate`` once and prints one JSON object: seconds per stage (load, validate, parse,
render, format, compare, commit) and per template, of each the part spent in the garbage
collector, total, and the process' peak RSS. The stage
functions are wrapped where ``ari_codegen.generate`` looks them up, so this is the real code path.
With ``--profile``, cProfile stats are dumped to FILE (for finding a non-linear step).
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from collections import defaultdict
from typing import Any, Callable


def main(argv: list[str]) -> None:
    import importlib

    # ``ari_codegen.generate`` is also the name of the function the package exports
    gen = importlib.import_module("ari_codegen.generate")

    spec, out = argv[0], argv[1]
    fmt = "--no-format" not in argv
    profile = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    stages: dict[str, float] = defaultdict(float)
    # time in the cyclic garbage collector, by stage: a big live heap makes full collections
    # slower, which shows up as non-linear growth that is not the generator's own code
    collecting: dict[str, float] = defaultdict(float)
    current = ["other"]
    rendering: list[str | None] = [None]  # the template being rendered, if any
    template_gc: dict[str, float] = defaultdict(float)
    gc_start = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            spent = time.perf_counter() - gc_start[0]
            collecting[current[0]] += spent
            if rendering[0] is not None:
                template_gc[rendering[0]] += spent

    gc.callbacks.append(on_gc)

    def timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            outer, current[0] = current[0], stage
            try:
                return fn(*args, **kwargs)
            finally:
                current[0] = outer
                stages[stage] += time.perf_counter() - start

        return wrapper

    # where ``generate`` looks each stage up: its own module, or (imported when the run
    # gets that far) the stage's module
    for stage, module, name in [
        ("load", "generate", "load"),
        ("validate", "validate", "validate"),
        ("parse", "parse", "parse"),
        ("render", "render", "render"),
        ("format", "format", "format_all"),
        ("compare", "generate", "compare"),
        ("commit", "generate", "commit"),
    ]:
        if module == "format" and not fmt:
            continue  # black is not even imported then
        owner = importlib.import_module(f"ari_codegen.{module}")
        setattr(owner, name, timed(stage, getattr(owner, name)))
    # the render stage per template, to tell which template grows non-linearly
    import jinja2

    templates: dict[str, float] = defaultdict(float)
    template_render = jinja2.Template.render

    def render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        start = time.perf_counter()
        rendering[0] = self.name or "?"
        try:
            return template_render(self, *args, **kwargs)
        finally:
            rendering[0] = None
            templates[self.name or "?"] += time.perf_counter() - start

    jinja2.Template.render = render  # type: ignore[method-assign]
    start = time.perf_counter()
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(gen.generate, spec, out, format=fmt)
        profiler.dump_stats(profile)
    else:
        result = gen.generate(spec, out, format=fmt)
    total = time.perf_counter() - start
    if not result.ok:
        for d in result.diagnostics:
            print(d.format(), file=sys.stderr)
        sys.exit(1)
    print(
        json.dumps(
            {
                "stages": dict(stages),
                "templates": dict(templates),
                "templates_gc": dict(template_gc),
                "gc": dict(collecting),
                "total": total,
                "files": len(result.files),
                "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    # ari_codegen comes from PYTHONPATH: the tree under test (see common.child_env)
    main(sys.argv[1:])
