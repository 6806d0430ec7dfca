"""The conformance report: the same tests on the real Asterisk and on the stub, compared.

For every test of the suite, per backend (``asterisk``, ``stub``): its outcome, the requests it
made with the status each got (from httpx's and websockets' logs, matched to the operations of
the listing), and the type of every event each of its event streams received, in order. The
terminal summary compares the two backends test by test: where the real server passes and the
stub does not, the stub is wrong; where the event sequences differ, the stub sends events
Asterisk does not (or in another order). Statuses are compared per operation.

A run can save what it saw (``ARI_CONFORMANCE_SAVE=path.json``; an existing file is merged
into: the event sequences of every run are kept, since the real server does not always send
them in one order). A run without the real server compares the stub with the file named by
``ARI_CONFORMANCE_REFERENCE`` (default: ``conformance-asterisk.json`` beside this module, saved
from several runs against the real server). The stub's sequence of a test matches when it is
one of those the real server sent in that test.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List
from urllib.parse import urlsplit

from . import wire

REFERENCE = Path(__file__).with_name("conformance-asterisk.json")

_current: Dict[str, Any] | None = None
_results: Dict[str, Dict[str, Dict[str, Any]]] = defaultdict(
    dict
)  # backend -> key -> record
_stub_statuses: Dict[str, Dict[str, List[int]]] = defaultdict(
    dict
)  # pkg -> op -> statuses
_operations: List[wire.Operations] = []  # the listing's, once known


def _record(request: wire.Request) -> None:
    if _current is not None:
        _current["requests"].append(request)


def start() -> None:
    wire.listen(_record)


def listing(spec_dir: Path) -> None:
    """The operations of the listing, to name the requests."""
    if not _operations:
        _operations.append(wire.Operations(spec_dir))


def operation(method: str, url: str) -> str:
    name = _operations[0].name(method, url) if _operations else None
    return name or f"{method} {urlsplit(url).path}"


def begin(key: str, backend: str) -> None:
    global _current
    _current = {"key": key, "backend": backend, "requests": [], "events": []}


def event_log(log: Any) -> None:
    """An event log of the current test: its events are recorded when the test ends."""
    if _current is not None:
        _current["events"].append(log)


def end(outcome: str) -> None:
    global _current
    if _current is None:
        return
    record = _current
    _current = None
    record["requests"] = [
        [operation(r.method, r.url), r.status] for r in record["requests"]
    ]
    record["events"] = [
        [type(e).__name__ for e in log.seen] for log in record["events"]
    ]
    record["outcome"] = outcome
    _results[record["backend"]][record["key"]] = record


def stub_requests(label: str, requests: List[Any]) -> None:
    """What a stub answered (it knows every request, REST over the websocket too)."""
    table = _stub_statuses[label]
    for request in requests:
        if request.operation and request.status is not None:
            table.setdefault(request.operation, []).append(request.status)


def _statuses(records: Dict[str, Dict[str, Any]]) -> Dict[str, set[int]]:
    found: Dict[str, set[int]] = defaultdict(set)
    for record in records.values():
        for op, status in record["requests"]:
            if status is not None and "." in op:
                found[op].add(status)
    return found


def _variants(record: Dict[str, Any]) -> List[Any]:
    return list(record.get("variants") or [record["events"]])


def _pooled(records: Dict[str, Dict[str, Any]]) -> Dict[str, List[Any]]:
    """Every event sequence the real server sent in a test, whichever package drove it (the
    package does not change what the server sends)."""
    pooled: Dict[str, List[Any]] = defaultdict(list)
    for key, record in records.items():
        for variant in _variants(record):
            if variant not in pooled[_unpackaged(key)]:
                pooled[_unpackaged(key)].append(variant)
    return pooled


def _unpackaged(key: str) -> str:
    return re.sub(r"(?<=[\[-])(live|golden)(?=[\]-])", "*", key)


def _save(path: Path) -> None:
    saved: Dict[str, Dict[str, Any]] = {}
    if path.is_file():
        saved = json.loads(path.read_text())
    for backend, records in _results.items():
        table = saved.setdefault(backend, {})
        for key, record in records.items():
            old = table.get(key)
            variants = _variants(old) if old else []
            if record["events"] not in variants:
                variants.append(record["events"])
            table[key] = {
                "outcome": record["outcome"],
                "requests": record["requests"],
                "variants": variants,
            }
    path.write_text(_dump(saved))


def _dump(saved: Dict[str, Dict[str, Any]]) -> str:
    """One line per test: a re-saved file diffs test by test."""
    lines = ["{"]
    for i, (backend, table) in enumerate(sorted(saved.items())):
        lines.append(f"{json.dumps(backend)}: {{")
        rows = sorted(table.items())
        for j, (key, record) in enumerate(rows):
            comma = "," if j + 1 < len(rows) else ""
            lines.append(
                f"{json.dumps(key)}: {json.dumps(record, sort_keys=True)}{comma}"
            )
        lines.append("}" + ("," if i + 1 < len(saved) else ""))
    return "\n".join(lines + ["}"]) + "\n"


def terminal_summary(terminalreporter: Any) -> None:
    save = os.environ.get("ARI_CONFORMANCE_SAVE")
    if save:
        _save(Path(save))
    real = dict(_results.get("asterisk") or {})
    stub = _results.get("stub") or {}
    source = "this run"
    path = Path(os.environ.get("ARI_CONFORMANCE_REFERENCE", str(REFERENCE)))
    if stub and path.is_file():
        saved = json.loads(path.read_text()).get("asterisk", {})
        if not real:
            real, source = saved, f"{path.name}, recorded from the real server"
        else:  # this run's sequences and those saved before: the server's order varies
            source = f"this run and {path.name}"
            for key, record in saved.items():
                if key in real:
                    variants = _variants(real[key])
                    variants += [v for v in _variants(record) if v not in variants]
                    real[key] = {**real[key], "variants": variants}
    if not stub and not real:
        return
    write = terminalreporter.write_line
    write("")
    write(f"conformance: the stub against the real Asterisk ({source})")
    both = sorted(set(real) & set(stub))
    passed = lambda r: r["outcome"] == "passed"  # noqa: E731
    real_pass = [k for k in both if passed(real[k])]
    same = [k for k in real_pass if passed(stub[k])]
    wrong = [k for k in real_pass if not passed(stub[k])]
    write(
        f"  tests on both: {len(both)}; passing on Asterisk: {len(real_pass)}, "
        f"of which on the stub too: {len(same)}"
    )
    outcomes = defaultdict(int)
    for key in both:
        outcomes[(real[key]["outcome"], stub[key]["outcome"])] += 1
    for (a, s), count in sorted(outcomes.items()):
        write(f"    asterisk {a:8} stub {s:8} {count}")
    for key in wrong[:30]:
        write(f"  stub wrong: {key} ({stub[key]['outcome']})")
    pooled = _pooled(real)
    seen = lambda k: pooled[_unpackaged(k)]  # noqa: E731
    events = [k for k in same if any(seen(k)) or stub[k]["events"]]
    equal = [k for k in events if stub[k]["events"] in seen(k)]
    alike = [
        k
        for k in events
        if k not in equal
        and any(
            sorted(map(sorted, v)) == sorted(map(sorted, stub[k]["events"]))
            for v in seen(k)
        )
    ]
    write(
        f"  event sequences: the same as Asterisk sent in {len(equal)} of {len(events)} tests"
        f" that received events; the same events in another order in {len(alike)} more"
    )
    for key in [k for k in events if k not in equal and k not in alike][:20]:
        write(f"    differs: {key}")
        real_streams = _variants(real[key])[0]
        for a, s in zip(real_streams, stub[key]["events"]):
            if a != s:
                write(f"      asterisk: {' '.join(a)[:400]}")
                write(f"      stub:     {' '.join(s)[:400]}")
                break
    rs, ss = _statuses(real), _statuses(stub)
    ops = sorted(set(rs) | set(ss))
    agree = [o for o in ops if rs.get(o) == ss.get(o)]
    write(
        f"  statuses per operation: the same set on both in {len(agree)} of {len(ops)} operations"
    )
    for op in ops:
        if rs.get(op) != ss.get(op):
            write(
                f"    {op}: asterisk {sorted(rs.get(op, ()))} stub {sorted(ss.get(op, ()))}"
            )
    for label, table in sorted(_stub_statuses.items()):
        unimplemented = sorted(op for op, sts in table.items() if 501 in sts)
        real501 = {op for op, sts in rs.items() if 501 in sts}
        own = [op for op in unimplemented if op not in real501]
        write(
            f"  stub ({label}): {len(table)} operations called; answered 501 where Asterisk "
            f"does not: {len(own)} {' '.join(own)}"
        )
