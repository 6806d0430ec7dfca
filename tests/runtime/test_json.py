"""``_runtime.loads``: JSON parsed with orjson when it is installed, to exactly what ``json.loads``
gives (values, types, errors), on edge cases, random documents and every recorded message."""

from __future__ import annotations

import json
import math
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ari_codegen.runtime import _runtime as rt

from ..conftest import GENERATED, ROOT

SAMPLE = ROOT / "tests" / "data" / "traffic"
SHARED = ROOT.parent / "shared" / "traffic"


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types all the way down (``1`` is not ``1.0``; NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return bool(a == b)


def outcome(text: str | bytes) -> tuple[str, Any]:
    try:
        return "value", json.loads(text)
    except Exception as exc:  # the exception json.loads raises is the outcome to match
        return type(exc).__name__, str(exc)


def test_orjson_is_used_where_it_is_installed() -> None:
    if platform.python_implementation() != "CPython":
        pytest.skip("orjson is a dependency on CPython only")
    import orjson  # the test extra installs it, as the generated package's dependencies do

    assert rt._orjson_loads is orjson.loads


def test_orjson_parses_a_frame_and_json_a_long_number(monkeypatch: pytest.MonkeyPatch) -> None:
    if rt._orjson_loads is None:
        pytest.skip("orjson is not installed")
    parsed: list[bytes] = []
    orjson_loads = rt._orjson_loads
    monkeypatch.setattr(rt, "_orjson_loads", lambda data: parsed.append(data) or orjson_loads(data))
    frame = (SAMPLE / "events.jsonl").read_text("utf-8").splitlines()[0]
    assert same(rt.loads(frame), json.loads(frame)) and parsed == [frame.encode()]
    assert rt.loads('{"octets": 1180591620717411303425}') == {"octets": 2**70 + 1} and len(parsed) == 1


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"StasisStart","args":[],"priority":1,"x":1.5,"y":null,"z":true}',
        '{"a":1,"a":2}',  # the last of a duplicated key
        "-0",
        "-0.0",
        "1E2",
        "0.1",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        # beyond 64 bits, exact (orjson would read a float): json reads a run of 19 digits
        "18446744073709551616",
        "-9223372036854775809",
        '{"txoctetcount": 1180591620717411303425}',
        '"a string of 19 digits: 1234567890123456789"',
        '"\\u0000\\u00e9\\ud83d\\ude00"',
        '" é 😀 "',
        " \n\t[1 , 2]\r\n",
        # beyond RFC 8259, read by json (orjson refuses them)
        "NaN",
        "[Infinity, -Infinity]",
        "1e400",
        '"\\ud800"',  # a lone surrogate
        "[" * 1100 + "]" * 1100,  # deeper than orjson's 1024
        # not JSON: the same error as json's
        "",
        '{"a":',
        "[1,]",
        "{'a': 1}",
        "[" * 5000 + "]" * 5000,  # RecursionError, as json
    ],
)
def test_loads_reads_and_refuses_what_json_does(text: str) -> None:
    for document in (text, text.encode()):
        expected = outcome(document)
        try:
            got: tuple[str, Any] = "value", rt.loads(document)
        except Exception as exc:
            got = type(exc).__name__, str(exc)
        assert got[0] == expected[0] and (same(got[1], expected[1]) if got[0] == "value" else got[1] == expected[1])


@pytest.mark.parametrize(
    "document",
    [
        '{"a": "é"}'.encode("utf-16"),  # json detects UTF-16 and UTF-32 in bytes
        '{"a": "é"}'.encode("utf-32-le"),
        b'\xef\xbb\xbf{"a": 1}',  # a byte order mark
        b'{"a": "\xff"}',  # not UTF-8: json's UnicodeDecodeError
    ],
)
def test_loads_reads_bytes_as_json_does(document: bytes) -> None:
    expected = outcome(document)
    if expected[0] == "value":
        assert same(rt.loads(document), expected[1])
    else:
        with pytest.raises(ValueError) as raised:
            rt.loads(document)
        assert (type(raised.value).__name__, str(raised.value)) == expected


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**63) - 2, 2**64 + 1)  # about the bounds of 64 bits
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(JSON, st.booleans())
def test_loads_gives_what_json_gives(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert same(rt.loads(text), json.loads(text))
    assert same(rt.loads(text.encode()), json.loads(text))


def recorded(directory: Path) -> list[str]:
    """Every websocket message and every HTTP exchange recorded, one JSON text a line."""
    return [line for name in ("events.jsonl", "http.jsonl") for line in (directory / name).read_text("utf-8").splitlines() if line]


def test_every_recorded_message_parses_as_json_parses_it() -> None:
    lines = recorded(SAMPLE)
    if SHARED.is_dir():  # the whole recording (1770 exchanges, 4314 websocket messages)
        lines += recorded(SHARED)
    assert len(lines) > 100
    for line in lines:
        assert same(rt.loads(line), json.loads(line)), line[:200]


def test_without_orjson_the_package_decodes_alike() -> None:
    """Where orjson cannot be imported (PyPy, or not installed), ``json`` parses, and the
    recorded events decode to the same objects."""
    code = """
import json, sys
sys.modules["orjson"] = None  # import orjson raises ImportError
from ari_client import _runtime, events
from ari_client.models import parse_message
assert _runtime._orjson_loads is None
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines() if l]
for line in lines:
    assert events.decode_frame(line, parse_message).to_dict() == json.loads(line), line
    assert _runtime.loads(line.encode()) == json.loads(line)
print(len(lines))
"""
    events = (SHARED if SHARED.is_dir() else SAMPLE) / "events.jsonl"
    done = subprocess.run(
        [sys.executable, "-c", code, str(events)],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(events.read_text("utf-8").splitlines())
