"""examples/ivr: a whole application (answer, play, collect digits, record, hang up) run against
StubAri, several calls at once; the stub's missing behaviour (playbacks and recordings that
finish, the caller's keys) is driven from here."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from ari_client.testing import StubAri

from . import docblocks
from .conftest import GENERATED, ROOT

IVR_PATH = ROOT / "examples" / "ivr" / "ivr.py"


def load_ivr() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ivr_example", IVR_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ivr_example"] = module
    spec.loader.exec_module(module)
    return module


async def until(condition: Any, what: str) -> None:
    for _ in range(1000):  # a bound, not a timing assertion
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never: {what}")


def dtmf(stub: StubAri, channel_id: str, digit: str) -> None:
    event = {"type": "ChannelDtmfReceived", "channel": stub.channels[channel_id], "digit": digit, "duration_ms": 80}
    stub.push_event(event, app="ivr")


def test_the_ivr_serves_calls_at_once() -> None:
    ivr = load_ivr()

    async def main() -> None:
        async with StubAri() as stub, stub.async_client() as ari, stub.async_client() as caller:
            docblocks.complete_media(stub)  # playbacks and recordings finish at once
            app = ivr.Ivr(ari, digit_timeout=0.5)
            served = asyncio.create_task(ivr.serve(ari, app, "ivr", calls=3))
            await until(lambda: stub.subscribed("ivr"), "the IVR listens")
            for cid in ("alice", "bob", "carol"):  # three calls come in
                stub.add_channel(cid, app="ivr")
            await until(lambda: all(stub.channels[c]["state"] == "Up" for c in ("alice", "bob", "carol")), "all answered")
            # alice keys 1 2 # (the # ends the digits), bob hangs up, carol keys nothing
            for digit in "12#9":
                dtmf(stub, "alice", digit)
            await caller.channels.hangup(channel_id="bob")
            calls = {c.channel_id: c for c in await asyncio.wait_for(served, 20)}
            assert calls["alice"] == ivr.Call("alice", digits="12", recording="ivr-alice")
            assert calls["bob"].hung_up and calls["bob"].recording is None
            assert calls["carol"] == ivr.Call("carol", digits="", recording="ivr-carol")  # a pause ended the digits
            assert stub.channels == {}  # every call hung up
            assert sorted(stub.recordings) == ["ivr-alice", "ivr-carol"]
            plays = [r.params["media"] for r in stub.requests if r.operation == "channels.play"]
            assert plays.count(["sound:hello-world"]) == 3 and plays.count(["sound:vm-intro"]) == 2
            records = [r.params for r in stub.requests if r.operation == "channels.record"]
            assert {r["terminateOn"] for r in records} == {"#"} and all(r["beep"] for r in records)
            assert ari.dispatcher._watchers == [] and ari.dispatcher._bound == []  # nothing left behind

    asyncio.run(main())


def test_a_failed_recording_is_no_message() -> None:
    ivr = load_ivr()

    async def main() -> None:
        async with StubAri() as stub, stub.async_client() as ari:
            docblocks.complete_media(stub)

            def failing(request: Any) -> Any:
                recording = {"name": request.params["name"], "format": "wav", "target_uri": "channel:x", "state": "failed"}
                stub.push_event({"type": "RecordingFailed", "recording": recording, "cause": "disk full"}, app="ivr")
                return (201, recording)

            stub.handle("channels.record", failing)
            served = asyncio.create_task(ivr.serve(ari, ivr.Ivr(ari, digit_timeout=0.05), "ivr", calls=1))
            await until(lambda: stub.subscribed("ivr"), "the IVR listens")
            stub.add_channel("dave", app="ivr")
            (call,) = await asyncio.wait_for(served, 20)
            assert call == ivr.Call("dave", digits="", recording=None)

    asyncio.run(main())


def test_the_ivr_passes_mypy_strict(tmp_path: Path) -> None:
    env = {**os.environ, "MYPYPATH": str(GENERATED)}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(tmp_path), str(IVR_PATH)],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_ivr_as_a_program(capsys: Any) -> None:
    """``python ivr.py --url ... --calls 1``, as written in its docstring, on a stub."""
    import threading
    import time

    ivr = load_ivr()
    with StubAri() as stub:
        docblocks.complete_media(stub)

        def caller() -> None:
            for _ in range(1000):  # bounded waits
                if stub.subscribed("ivr"):
                    break
                time.sleep(0.01)
            stub.add_channel("erin", app="ivr")
            for _ in range(1000):
                if stub.channels.get("erin", {}).get("state") == "Up":
                    break
                time.sleep(0.01)
            for digit in "7#":
                dtmf(stub, "erin", digit)

        thread = threading.Thread(target=caller)
        thread.start()
        assert ivr.main(["--url", stub.url, "--calls", "1"]) == 0
        thread.join(10)
    assert capsys.readouterr().out == "Call(channel_id='erin', digits='7', recording='ivr-erin', hung_up=False)\n"
