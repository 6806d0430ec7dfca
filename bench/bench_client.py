"""Overhead of the generated client (a script, not a test).

1. ``client.channels.get(id)``: validate, build the request, send it through httpx, decode the
   Channel, against a raw ``httpx.Client.get(url).json()`` on the same ``MockTransport`` (same
   headers, same recorded response). Target: at most 1.3x.
2. One StasisStart frame received and dispatched to a typed handler (the path of
   ``client.run``: decode and route the message, through the stream's queue, to the handler)
   against the decode alone (``decode_frame(frame, parse_message)``: the same parse, orjson's
   where it is installed). Target: at most 1.5x.

Prints a table and writes the figures as JSON (``--json``, default ``bench_client.json``).
Each figure is the median over interleaved repeats of the per-call time.

    python bench/bench_client.py [--repeats 15] [--number 2000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generated"))

import httpx  # noqa: E402

from ari_client import AriClient  # noqa: E402
from ari_client.events import Dispatcher, EventStream, decode_frame  # noqa: E402
from ari_client.models import StasisStart, parse_message  # noqa: E402

DATA = ROOT / "tests" / "data" / "traffic"


def per_call(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def measure(
    cases: Dict[str, Callable[[], Any]], repeats: int, number: int
) -> Dict[str, List[float]]:
    samples: Dict[str, List[float]] = {name: [] for name in cases}
    for fn in cases.values():  # warm up
        per_call(fn, max(1, number // 10))
    for _ in range(repeats):  # interleaved, so that drift hits every case alike
        for name, fn in cases.items():
            samples[name].append(per_call(fn, number))
    return samples


def client_cases() -> Dict[str, Callable[[], Any]]:
    exchange = next(
        json.loads(line)
        for line in (DATA / "http.jsonl").read_text().splitlines()
        if json.loads(line)["operation"] == "channels.get"
        and json.loads(line)["status"] == 200
    )
    content = json.dumps(exchange["json"]).encode()

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=content, headers={"Content-type": "application/json"}
        )

    mock = httpx.MockTransport(handle)
    ari = AriClient(
        "http://localhost:8088/ari", username="u", password="p", transport=mock
    )
    raw = httpx.Client(transport=mock)
    url = "http://localhost:8088/ari/channels/smoke-a1"
    headers = dict(ari._headers)
    channels = ari.channels
    assert channels.get("smoke-a1").to_dict() == raw.get(url, headers=headers).json()
    return {
        "raw httpx get + .json()": lambda: raw.get(url, headers=headers).json(),
        "client.channels.get": lambda: channels.get("smoke-a1"),
    }


def event_cases() -> Dict[str, Callable[[], Any]]:
    frame = (DATA / "events.jsonl").read_text().splitlines()[0]
    assert json.loads(frame)["type"] == "StasisStart"
    ari = AriClient("http://localhost:8088/ari", username="u", password="p")
    stream: EventStream[Any] = ari.events(
        app="demo"
    )  # never connected: its routing only
    dispatcher: Dispatcher = ari.dispatcher
    got: List[StasisStart] = []

    @ari.on(StasisStart)
    def handler(event: StasisStart) -> None:
        got.append(event)
        got.clear()

    q = stream._queue  # the stream's own: its reader puts, its consumer gets
    decode = stream._decode
    dispatch = dispatcher.dispatch

    def received() -> None:
        rid, item = decode(frame)  # the reader: decode and route
        q.put(item)
        dispatch(q.get())  # the consumer: hand it to its typed handler

    return {
        "decode_frame(frame, parse_message)": lambda: decode_frame(
            frame, parse_message
        ),
        "frame -> typed handler": received,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--json", default="bench_client.json")
    args = parser.parse_args()

    results: Dict[str, Any] = {
        "python": platform.python_version(),
        "httpx": httpx.__version__,
        "figures": {},
        "ratios": {},
    }
    rows = []
    for (base, subject), cases, target in [
        (("raw httpx get + .json()", "client.channels.get"), client_cases(), 1.3),
        (
            ("decode_frame(frame, parse_message)", "frame -> typed handler"),
            event_cases(),
            1.5,
        ),
    ]:
        samples = measure(cases, args.repeats, args.number)
        medians = {name: statistics.median(s) for name, s in samples.items()}
        ratio = medians[subject] / medians[base]
        for name, s in samples.items():
            results["figures"][name] = {
                "median_us": medians[name] * 1e6,
                "min_us": min(s) * 1e6,
                "max_us": max(s) * 1e6,
                "samples_us": [x * 1e6 for x in s],
            }
        results["ratios"][f"{subject} / {base}"] = {
            "ratio": ratio,
            "target_max": target,
            "ok": ratio <= target,
        }
        rows.append((base, medians[base] * 1e6, "", ""))
        rows.append((subject, medians[subject] * 1e6, f"{ratio:.2f}x", f"<= {target}x"))

    print(f"{'case':40} {'median us':>10} {'ratio':>8} {'target':>8}")
    for name, us, ratio_text, target_text in rows:
        print(f"{name:40} {us:10.2f} {ratio_text:>8} {target_text:>8}")
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
