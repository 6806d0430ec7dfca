"""Runtime of the generated package (imported from generated/), each figure beside a baseline
measured in the same run, samples interleaved:

- decoding a StasisStart frame: ``events.decode_frame(s, parse_message)``, what the events
  stream does with each message (orjson parses it: ``_runtime.loads``), against ``json.loads(s)``
  alone (target: at most 1.5x) and against pydantic v2 ``model_validate_json`` on equivalent
  hand-written models (``pydantic_models.py``); beside it ``parse_message(json.loads(s))``, the
  typed decode itself on ``json``'s parse, and the least an eager decoder does;
- ``validate_channel`` against jsonschema (validator built once, a registry holding the emitted
  schemas; target: at least 30x faster) and fastjsonschema (compiled once from the emitted
  schema with its references inlined; target: no slower);
- importing ``ari_client.models`` and touching ``StasisStart`` against ``import httpx``,
  each in a fresh interpreter, timed inside it (interpreter start-up excluded).

Run alone: ``python bench/bench_runtime.py [--quick]``.
"""

from __future__ import annotations

import copy
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import (
    PYTHON,
    Figure,
    child_env,
    interleaved,
    log,
    pair,
    run_child,
)  # noqa: E402

import frames  # noqa: E402

SECTION = "runtime"


def _generated() -> Any:
    if str(common.TREE.generated) not in sys.path:
        sys.path.insert(0, str(common.TREE.generated))
    import ari_client.models as models

    return models


def _figures(
    samples: dict[str, list[float]],
    baseline: str,
    unit: str = "us",
    speedup: bool = False,
) -> dict[str, Figure]:
    figures = {
        name: Figure(SECTION, name, unit, values) for name, values in samples.items()
    }
    for name, figure in figures.items():
        if name != baseline:
            pair(figure, figures[baseline], speedup)
    return figures


def _least_eager_decode(models: Any) -> Callable[[dict[str, Any]], object]:
    """What any eager decoder of a StasisStart into these classes must do at the least, and
    no more: make the objects (``object.__new__``, one shared ``extras``), look up its
    fields and store them, parse its timestamps; no type check, no unknown fields, no
    dispatch on ``type``, no error handling. Its time against ``json.loads`` is the floor
    under the decode's ratio (``bench_decode``)."""
    new, stamp, none = object.__new__, datetime.fromisoformat, {}
    event_class, channel_class = models.StasisStart, models.Channel
    caller_class, dialplan_class = models.CallerID, models.DialplanCEP

    def caller(data: dict[str, Any]) -> object:
        instance = new(caller_class)
        instance.name, instance.number, instance.extras = (
            data["name"],
            data["number"],
            none,
        )
        return instance

    def channel(c: dict[str, Any]) -> object:
        d = c["dialplan"]
        plan = new(dialplan_class)
        plan.context, plan.exten, plan.priority = (
            d["context"],
            d["exten"],
            d["priority"],
        )
        plan.app_name, plan.app_data, plan.extras = (
            d.get("app_name"),
            d.get("app_data"),
            none,
        )
        instance = new(channel_class)
        instance.id, instance.protocol_id, instance.name = (
            c["id"],
            c["protocol_id"],
            c["name"],
        )
        instance.state, instance.accountcode = c["state"], c["accountcode"]
        instance.caller, instance.connected = caller(c["caller"]), caller(
            c["connected"]
        )
        instance.dialplan, instance.creationtime = plan, stamp(c["creationtime"])
        instance.language, instance.channelvars = c["language"], c.get("channelvars")
        instance.caller_rdnis, instance.tenantid = c.get("caller_rdnis"), c.get(
            "tenantid"
        )
        instance.extras = none
        return instance

    def decode(data: dict[str, Any]) -> object:
        event = new(event_class)
        event.type, event.asterisk_id = data["type"], data.get("asterisk_id")
        event.application, event.timestamp = data["application"], stamp(
            data["timestamp"]
        )
        event.args, event.channel = data["args"], channel(data["channel"])
        replacing = data.get("replace_channel")
        event.replace_channel = channel(replacing) if replacing is not None else None
        event.extras = none
        return event

    return decode


def bench_decode(repeats: int, min_time: float) -> list[Figure]:
    models = _generated()
    import pydantic_models

    parse_message = models.parse_message
    from ari_client import _runtime
    from ari_client.events import decode_frame

    assert (
        _runtime._orjson_loads is not None
    ), "orjson is not installed: pip install orjson"
    out: list[Figure] = []
    for size, frame in frames.FRAMES.items():
        event = parse_message(json.loads(frame))
        assert type(event).__name__ == "StasisStart", type(event)
        assert event.to_dict() == json.loads(
            frame
        ), "the generated decoder is not lossless"
        pyd = pydantic_models.StasisStart.model_validate_json(frame)
        assert pyd.channel.caller.number == event.channel.caller.number
        loads = json.loads
        least = _least_eager_decode(models)
        assert least(json.loads(frame)).channel.caller.number == event.channel.caller.number  # type: ignore[attr-defined]
        from_dict = models.StasisStart.from_dict
        validate_json = pydantic_models.StasisStart.model_validate_json
        assert decode_frame(frame, parse_message) == event
        candidates: dict[str, Callable[[], object]] = {
            f"json.loads ({size})": lambda: loads(frame),
            f"decode_frame ({size})": lambda: decode_frame(frame, parse_message),
            f"parse_message(json.loads) ({size})": lambda: parse_message(loads(frame)),
            f"StasisStart.from_dict(json.loads) ({size})": lambda: from_dict(
                loads(frame)
            ),
            f"pydantic model_validate_json ({size})": lambda: validate_json(frame),
            f"the least an eager decoder does, after json.loads ({size})": lambda: least(
                loads(frame)
            ),
        }
        log(f"  decode {size}")
        figures = _figures(
            interleaved(candidates, repeats, min_time), f"json.loads ({size})"
        )
        decode = figures[f"decode_frame ({size})"]
        decode.target, decode.target_max = "<= 1.5x json.loads", 1.5
        decode.note = "frame to typed event: orjson's parse and the typed decode"
        figures[f"parse_message(json.loads) ({size})"].note = (
            "the typed decode on json's parse"
        )
        # the same decode once more against pydantic, as its own row
        versus = Figure(
            SECTION, f"decode_frame vs pydantic ({size})", "us", decode.samples
        )
        pair(versus, figures[f"pydantic model_validate_json ({size})"])
        versus.note = "the decode_frame row again, paired with pydantic"
        out += [*figures.values(), versus]
    return out


def _registry() -> Any:
    from referencing import Registry, Resource

    resources = []
    for path in sorted(
        (common.TREE.generated / "ari_client" / "schemas").glob("*.json")
    ):
        contents = json.loads(path.read_text("utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def _inline(schemas: dict[str, Any], document: str, node: Any) -> Any:
    """``node`` with every ``$ref`` (``other.json#/$defs/M`` or ``#/$defs/M``) replaced by its target."""
    if isinstance(node, list):
        return [_inline(schemas, document, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        where, _, pointer = node["$ref"].partition("#")
        target_doc = where or document
        target: Any = schemas[target_doc]
        for part in pointer.strip("/").split("/"):
            target = target[part]
        return _inline(schemas, target_doc, target)
    return {k: _inline(schemas, document, v) for k, v in node.items()}


def bench_validate(repeats: int, min_time: float) -> list[Figure]:
    import fastjsonschema
    import jsonschema

    models = _generated()
    schemas = {
        p.name: json.loads(p.read_text("utf-8"))
        for p in (common.TREE.generated / "ari_client" / "schemas").glob("*.json")
    }
    out: list[Figure] = []
    for model, document, validator_name, payload in [
        ("Channel", "channels.json", "validate_channel", frames.CHANNEL),
        (
            "StasisStart",
            "events.json",
            "validate_stasis_start",
            json.loads(frames.LARGE),
        ),
    ]:
        generated_validate = getattr(models, validator_name)
        js = jsonschema.Draft202012Validator(
            {"$ref": f"{document}#/$defs/{model}"}, registry=_registry()
        )
        inlined = _inline(schemas, document, schemas[document]["$defs"][model])
        inlined["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        fast = fastjsonschema.compile(inlined)
        # all three agree on the valid payload and on a broken one
        assert generated_validate(payload) == [] and js.is_valid(payload)
        fast(payload)
        broken = copy.deepcopy(payload)
        (broken["channel"] if "channel" in broken else broken)["caller"] = {"name": 1}
        assert generated_validate(broken) and not js.is_valid(broken)
        try:
            fast(broken)
            raise AssertionError("fastjsonschema accepted a broken payload")
        except fastjsonschema.JsonSchemaException:
            pass
        candidates: dict[str, Callable[[], object]] = {
            f"{validator_name} ({model})": lambda: generated_validate(payload),
            f"jsonschema iter_errors ({model})": lambda: list(js.iter_errors(payload)),
            f"fastjsonschema ({model})": lambda: fast(payload),
        }
        log(f"  validate {model}")
        figures = _figures(
            interleaved(candidates, repeats, min_time),
            f"jsonschema iter_errors ({model})",
            speedup=True,
        )
        ours = figures[f"{validator_name} ({model})"]
        ours.target, ours.target_min = ">= 30x faster", 30.0
        versus = Figure(
            SECTION, f"{validator_name} vs fastjsonschema ({model})", "us", ours.samples
        )
        pair(versus, figures[f"fastjsonschema ({model})"], speedup=True)
        versus.target, versus.target_min = ">= 1x faster (no slower)", 1.0
        out += [
            figures[f"jsonschema iter_errors ({model})"],
            figures[f"fastjsonschema ({model})"],
            ours,
            versus,
        ]
    return out


IMPORT_CODE = {
    "import ari_client.models; .StasisStart": (
        "import ari_client.models; ari_client.models.StasisStart"
    ),
    "import httpx": "import httpx",
}


def bench_import(repeats: int) -> list[Figure]:
    env = child_env(common.TREE.generated)
    samples: dict[str, list[float]] = {name: [] for name in IMPORT_CODE}
    for name, code in IMPORT_CODE.items():  # warm the bytecode caches first
        run_child([PYTHON, "-c", code], env=env)
    for _ in range(repeats):
        for name, code in IMPORT_CODE.items():
            timed = (
                "import time; _t = time.perf_counter()\n"
                f"{code}\n"
                "print(time.perf_counter() - _t)"
            )
            run = run_child([PYTHON, "-c", timed], env=env)
            if run.returncode:
                raise RuntimeError(f"{code!r} failed: {run.stderr}")
            samples[name].append(float(run.stdout.strip()) * 1000)
    log("  import")
    figures = _figures(samples, "import httpx", unit="ms")
    figures["import ari_client.models; .StasisStart"].note = (
        "in a fresh interpreter, start-up excluded"
    )
    return list(figures.values())


def run(quick: bool = False) -> list[Figure]:
    repeats, min_time = (5, 0.05) if quick else (9, 0.2)
    log("runtime:")
    return [
        *bench_decode(repeats, min_time),
        *bench_validate(repeats, min_time),
        *bench_import(7 if quick else 15),
    ]


if __name__ == "__main__":
    from common import main_for

    main_for(run)
