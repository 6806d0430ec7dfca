"""examples/ivr: a whole application (answer, play, collect digits, record, hang up) run against
StubAri, several calls at once: the callers are the stub's (``stub.call``), media of known
length ends on the stub's clock."""

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

from .conftest import GENERATED, ROOT

IVR_PATH = ROOT / "examples" / "ivr" / "ivr.py"


def load_ivr() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ivr_example", IVR_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ivr_example"] = module
    spec.loader.exec_module(module)
    return module


def test_the_ivr_serves_calls_at_once() -> None:
    ivr = load_ivr()

    async def main() -> None:
        # the stub's clock runs 20 times as fast: the greeting lasts 75 ms, a recording at
        # most 1.5 s (its 30 s maximum)
        async with StubAri(time_scale=0.05) as stub, stub.async_client() as ari:
            stub.add_sound("hello-world", 1.5)
            stub.add_sound("vm-intro", 1.0)
            app = ivr.Ivr(ari, digit_timeout=0.5)
            # what the client still holds when serve() stops it, its three calls done (after
            # that, the stream's end clears every wait anyway)
            left: list[int] = []
            stop = ari.stop

            async def stop_and_count() -> None:
                left.extend([len(ari.dispatcher._watchers), len(ari.dispatcher._bound)])
                await stop()

            ari.stop = stop_and_count
            served = asyncio.create_task(ivr.serve(ari, app, "ivr", calls=3))
            await stub.async_wait_subscribed("ivr")
            alice, bob, carol = (
                stub.call(f"PJSIP/{who}", app="ivr")
                for who in ("alice", "bob", "carol")
            )
            for caller in (alice, bob, carol):
                await stub.async_wait_channel(caller.id, state="Up")
            # alice keys 1 2 # (the # ends the digits), 9 during the prompt (not a digit any more),
            # then # to end her message; bob hangs up; carol keys nothing, her message runs to its maximum
            alice.send_dtmf("12#9")
            bob.hangup()
            await stub.async_wait_event("RecordingStarted", recording=f"ivr-{alice.id}")
            alice.send_dtmf("#")
            calls = {c.channel_id: c for c in await asyncio.wait_for(served, 30)}
            assert left == [0, 0]  # no wait, watch or bound handler left behind
            assert calls[alice.id] == ivr.Call(
                alice.id, digits="12", recording=f"ivr-{alice.id}"
            )
            assert calls[bob.id].hung_up and calls[bob.id].recording is None
            assert calls[carol.id] == ivr.Call(
                carol.id, digits="", recording=f"ivr-{carol.id}"
            )  # a pause ended the digits
            assert stub.channels == {}  # every call hung up
            assert sorted(stub.recordings) == sorted(
                [f"ivr-{alice.id}", f"ivr-{carol.id}"]
            )
            assert (
                alice.media_heard
                == carol.media_heard
                == ["sound:hello-world", "sound:vm-intro"]
            )
            records = [
                r.params for r in stub.requests if r.operation == "channels.record"
            ]
            assert {r["terminateOn"] for r in records} == {"#"} and all(
                r["beep"] for r in records
            )

    asyncio.run(main())


def test_a_failed_recording_is_no_message() -> None:
    ivr = load_ivr()

    async def main() -> None:
        async with StubAri(time_scale=0.05) as stub, stub.async_client() as ari:
            stub.add_sound("hello-world", 1.5)
            stub.add_sound("vm-intro", 1.0)

            def failing(request: Any) -> Any:  # the disk is full
                recording = {
                    "name": request.params["name"],
                    "format": "wav",
                    "target_uri": "channel:x",
                    "state": "failed",
                }
                stub.push_event(
                    {
                        "type": "RecordingFailed",
                        "recording": recording,
                        "cause": "disk full",
                    },
                    app="ivr",
                )
                return (201, recording)

            stub.handle("channels.record", failing)
            served = asyncio.create_task(
                ivr.serve(ari, ivr.Ivr(ari, digit_timeout=0.05), "ivr", calls=1)
            )
            await stub.async_wait_subscribed("ivr")
            dave = stub.call("PJSIP/dave", app="ivr")
            (call,) = await asyncio.wait_for(served, 20)
            assert call == ivr.Call(dave.id, digits="", recording=None)

    asyncio.run(main())


def test_the_ivr_passes_mypy_strict(tmp_path: Path) -> None:
    env = {**os.environ, "MYPYPATH": str(GENERATED)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path),
            str(IVR_PATH),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_ivr_as_a_program(capsys: Any) -> None:
    """``python ivr.py --url ... --calls 1``, as written in its docstring, on a stub."""
    import threading

    ivr = load_ivr()
    with StubAri(time_scale=0.05) as stub:
        stub.add_sound("hello-world", 1.5)
        stub.add_sound("vm-intro", 1.0)
        ids: list[str] = []

        def caller() -> None:  # every wait is bounded
            stub.wait_subscribed("ivr", timeout=20)
            erin = stub.call("PJSIP/erin", app="ivr")
            ids.append(erin.id)
            stub.wait_channel(erin.id, state="Up", timeout=20)
            erin.send_dtmf("7#")
            stub.wait_event("RecordingStarted", recording=f"ivr-{erin.id}", timeout=20)
            erin.send_dtmf("#")

        thread = threading.Thread(target=caller, daemon=True)
        thread.start()
        # the bound: if the caller's side fails, the program's client is stopped by the stub
        watchdog = threading.Timer(30, stub.close_websockets)
        watchdog.start()
        try:
            assert ivr.main(["--url", stub.url, "--calls", "1"]) == 0
        finally:
            watchdog.cancel()
        thread.join(10)
    (erin,) = ids
    assert (
        capsys.readouterr().out
        == f"Call(channel_id='{erin}', digits='7', recording='ivr-{erin}', hung_up=False)\n"
    )
