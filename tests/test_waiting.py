"""Waiting for events: ``expect``/``wait_for``, ``watch`` and handlers bound to objects, over
real sockets with ``StubAri``; the object tables come from the spec (``ari_codegen.objects``).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, Iterator, List

import pytest

from ari_client import _objects
from ari_client.errors import EventStreamClosed, Timeout
from ari_client.events import Backoff, Match, WatchEnded
from ari_client.models import (
    ChannelDestroyed,
    ChannelDtmfReceived,
    ChannelStateChange,
    ChannelVarset,
    Dial,
    Event,
    PlaybackFinished,
    PlaybackStarted,
    StasisEnd,
    StasisStart,
)
from ari_client.testing import StubAri
from ari_codegen import build_ir
from ari_codegen.objects import event_objects

from .conftest import GENERATED, SPECS

FAST = Backoff(initial=0.01, maximum=0.05)


@pytest.fixture()
def stub() -> Iterator[StubAri]:
    with StubAri() as server:
        yield server


def dtmf(channel: dict[str, Any], digit: str) -> dict[str, Any]:
    return {
        "type": "ChannelDtmfReceived",
        "channel": channel,
        "digit": digit,
        "duration_ms": 100,
    }


def playback_finished(pid: str, target: str = "channel:x") -> dict[str, Any]:
    playback = {
        "id": pid,
        "media_uri": "sound:x",
        "target_uri": target,
        "language": "en",
        "state": "done",
    }
    return {"type": "PlaybackFinished", "playback": playback}


def originated(ari: Any, *channel_ids: str) -> list[Any]:
    """Originate these channels into ``ivr`` and return them once they are in Stasis: as on
    Asterisk, originate answers before its channel has entered the application."""
    started = [ari.expect(StasisStart, channel=cid) for cid in channel_ids]
    channels = [
        ari.channels.originate(endpoint="PJSIP/x", app="ivr", channel_id=cid)
        for cid in channel_ids
    ]
    for start in started:
        start.wait(timeout=5)
    return channels


# --- the tables, from the spec --------------------------------------------------------------------


def test_the_tables_come_from_the_spec() -> None:
    spec, _ = build_ir(SPECS)
    assert spec is not None
    ends = {e.model.py_name: e.ends for e in event_objects(spec) if e.ends}
    assert ends == {
        "PlaybackFinished": ("playback",),
        "RecordingFinished": ("recording",),
        "RecordingFailed": ("recording",),
        "BridgeDestroyed": ("bridge",),
        "ChannelDestroyed": ("channel",),
        "StasisEnd": ("channel",),
    }
    assert _objects.ENDS == ends
    assert _objects.IDENTITY == {
        "Channel": "id",
        "Bridge": "id",
        "LiveRecording": "name",
        "Playback": "id",
        "DeviceState": "name",
    }
    assert _objects.OBJECTS["Dial"] == {
        "caller": ("Channel",),
        "peer": ("Channel",),
        "forwarded": ("Channel",),
    }
    assert _objects.OBJECTS["StasisStart"] == {
        "channel": ("Channel",),
        "replace_channel": ("Channel",),
    }
    # a base class accepts what any descendant has; classes without objects are left out
    assert {"channel", "playback", "bridge", "recording", "peer"} <= set(
        _objects.OBJECTS["Event"]
    )
    assert "ApplicationRegistered" not in _objects.OBJECTS
    assert (
        "EndpointStateChange" not in _objects.OBJECTS
    )  # an Endpoint has no id: where=


def test_ends_follow_a_renamed_spec(tmp_path: Path) -> None:
    """The rules read names, not a list: a spec's own lifecycle events end its own objects."""
    import json
    import shutil

    shutil.copytree(SPECS, tmp_path / "specs")
    path = tmp_path / "specs" / "api-docs" / "events.json"
    doc = json.loads(path.read_text())
    models = doc["models"]
    models["WidgetDestroyed"] = {
        "id": "WidgetDestroyed",
        "description": "A widget is gone.",
        "properties": {"widget": {"type": "Bridge", "required": True}},
    }
    models["Event"]["subTypes"].append("WidgetDestroyed")
    path.write_text(json.dumps(doc))
    spec, diagnostics = build_ir(tmp_path / "specs")
    assert spec is not None, [d.format() for d in diagnostics]
    ends = {e.model.py_name: e.ends for e in event_objects(spec)}
    assert ends["WidgetDestroyed"] == ("widget",)


def test_match_checks_its_keywords() -> None:
    with pytest.raises(
        TypeError, match=r"PlaybackFinished has no property 'channel'.*playback"
    ):
        Match(PlaybackFinished, {"channel": "c1"})
    with pytest.raises(TypeError, match=r"playback= takes a Playback or its id"):
        Match(PlaybackFinished, {"playback": 42})
    with pytest.raises(TypeError, match="expected an event class"):
        Match("StasisStart", {})  # type: ignore[arg-type]
    assert repr(Match(Dial, {"peer": "p1"})) == "Dial(peer='p1')"


# --- sync -------------------------------------------------------------------------------------------


def test_expect_then_act_then_wait(stub: StubAri) -> None:
    with stub.client() as ari, ari.events(app="ivr"):
        started = ari.expect(StasisStart, channel="call-1")
        stub.call(
            "PJSIP/alice", app="ivr", channel_id="call-1"
        )  # an incoming call, ringing
        event = started.wait(timeout=5)
        assert isinstance(event, StasisStart) and event.channel.id == "call-1"
        assert event.channel.state == "Ring"
        assert started.wait(timeout=0) is event  # the result stays
        # an object instead of its id
        up = ari.expect(ChannelStateChange, channel=event.channel)
        ari.channels.answer(channel_id="call-1")
        assert up.wait(timeout=5).channel.state == "Up"


def test_waiters_do_not_take_events_from_each_other_or_from_the_stream(
    stub: StubAri,
) -> None:
    with stub.client() as ari, ari.events(app="ivr") as stream:
        # (Asterisk sets variables of its own too: STASISSTATUS ...; these waits want V)
        def v(e: ChannelVarset) -> bool:
            return e.variable == "V"

        a = ari.expect(ChannelVarset, channel="a", where=v)
        b = ari.expect(ChannelVarset, channel="b", where=v)
        anyone = ari.expect(ChannelVarset, where=v)
        b_second = ari.expect(
            ChannelVarset, channel="b", where=lambda e: v(e) and e.value == "2"
        )
        originated(ari, "a", "b")
        ari.channels.set_channel_var("b", variable="V", value="1")
        ari.channels.set_channel_var("a", variable="V", value="1")
        ari.channels.set_channel_var("b", variable="V", value="2")
        assert b_second.wait(timeout=5).value == "2"
        assert a.wait(timeout=5).channel.id == "a"
        assert b.wait(timeout=5).value == "1"
        assert (
            anyone.wait(timeout=5).channel is not None
            and anyone.wait().channel.id == "b"
        )
        # the stream still yields every event, in order
        seen: list[str] = []
        while seen.count("V") < 3:
            event = stream.next(timeout=5)
            if isinstance(event, StasisStart):
                seen.append(f"StasisStart {event.channel.id}")
            elif isinstance(event, ChannelVarset) and v(event):
                seen.append("V")
        assert seen == ["StasisStart a", "StasisStart b", "V", "V", "V"]


def test_wait_for_times_out_and_says_why(stub: StubAri) -> None:
    with stub.client() as ari:
        with pytest.raises(
            Timeout,
            match=r"no PlaybackFinished\(playback='p1'\) within 0.05 s \(no event stream",
        ):
            ari.wait_for(PlaybackFinished, playback="p1", timeout=0.05)
        with ari.events(app="ivr"):
            with pytest.raises(Timeout) as info:
                ari.wait_for(PlaybackFinished, playback="p1", timeout=0.05)
            assert "no event stream" not in str(info.value)
        assert ari.dispatcher._watchers == []  # nothing left registered


def test_a_waiter_gets_an_event_pushed_from_another_thread(stub: StubAri) -> None:
    with stub.client() as ari, ari.events(app="ivr"):
        waiter = ari.expect(
            PlaybackFinished, playback="p1"
        )  # registered before the push
        pusher = threading.Thread(
            target=lambda: stub.push_event(playback_finished("p1"), app="ivr")
        )
        pusher.start()
        event = waiter.wait(timeout=5)
        pusher.join(5)
        assert event.playback.state == "done"


def test_a_failing_predicate_is_raised_by_the_waiter(stub: StubAri) -> None:
    def broken(event: ChannelVarset) -> bool:
        raise ValueError("no")

    with stub.client() as ari, ari.events(app="ivr"):
        waiter = ari.expect(ChannelVarset, where=broken)
        originated(ari, "c")
        ari.channels.set_channel_var("c", variable="V", value="1")
        with pytest.raises(ValueError, match="no"):
            waiter.wait(timeout=5)


def test_closing_the_last_stream_ends_waiters_and_watches(stub: StubAri) -> None:
    with stub.client(backoff=FAST) as ari:
        stream = ari.events(app="ivr")
        stream.connect()
        waiter = ari.expect(StasisStart)
        watch = ari.watch(ChannelDtmfReceived, channel="c")
        stub.close_websockets(1000)
        with pytest.raises(EventStreamClosed):
            waiter.wait(timeout=5)
        with pytest.raises(WatchEnded) as info:
            watch.next(timeout=5)
        assert info.value.event is None
        assert list(watch) == []


def test_watch_sees_its_object_until_it_ends(stub: StubAri) -> None:
    with stub.client() as ari, ari.events(app="ivr"):
        one, two = originated(ari, "one", "two")
        with (
            ari.watch(ChannelDtmfReceived, channel="one") as digits,
            ari.watch(Event, channel=one) as everything,
        ):
            for cid, digit in [("one", "1"), ("two", "9"), ("one", "2")]:
                stub.push_event(
                    dtmf(one.to_dict() if cid == "one" else two.to_dict(), digit),
                    app="ivr",
                )
            ari.channels.hangup(
                "one"
            )  # ChannelHangupRequest, StasisEnd, then ChannelDestroyed
            stub.push_event(
                dtmf(one.to_dict(), "3"), app="ivr"
            )  # after the end: not seen
            assert [e.digit for e in digits] == ["1", "2"]
            assert isinstance(digits.ended, WatchEnded) and isinstance(
                digits.ended.event, StasisEnd
            )
            seen = [type(e).__name__ for e in everything]
            # the end is yielded
            assert seen == [
                "ChannelDtmfReceived",
                "ChannelDtmfReceived",
                "ChannelHangupRequest",
                "StasisEnd",
            ]
        with pytest.raises(WatchEnded):
            digits.next(timeout=0)


def test_watch_next_times_out_and_goes_on(stub: StubAri) -> None:
    with stub.client() as ari, ari.events(app="ivr"):
        (chan,) = originated(ari, "c")
        with ari.watch(ChannelDtmfReceived, channel=chan) as digits:
            with pytest.raises(Timeout):
                digits.next(timeout=0.05)
            stub.push_event(dtmf(chan.to_dict(), "5"), app="ivr")
            assert digits.next(timeout=5).digit == "5"
        with pytest.raises(WatchEnded):
            digits.next()  # closed


def test_a_playback_watch_ends_with_playback_finished(stub: StubAri) -> None:
    with stub.client() as ari, ari.events(app="ivr"):
        (chan,) = originated(ari, "c")
        with ari.watch(Event, playback="pb-1") as watch:
            ari.channels.play(chan.id, media=["sound:hello"], playback_id="pb-1")
            stub.push_event(playback_finished("pb-1", "channel:c"), app="ivr")
            assert [type(e) for e in watch] == [PlaybackStarted, PlaybackFinished]


def test_handlers_bound_to_an_object_end_with_it(stub: StubAri) -> None:
    got: List[str] = []
    with stub.client() as ari:

        @ari.on(StasisStart)
        def start(event: StasisStart) -> None:
            cid = event.channel.id
            ari.on(ChannelDtmfReceived, channel=cid)(
                lambda e: got.append(f"{cid}:{e.digit}")
            )
            ari.on(ChannelDestroyed, channel=cid)(
                lambda e: got.append(f"{cid}:destroyed")
            )

        @ari.on(ChannelDestroyed)
        def done(event: ChannelDestroyed) -> None:
            if event.channel.id == "b":
                ari.stop()

        with ari.events(app="ivr") as stream:
            a, b = originated(ari, "a", "b")
            stub.push_event(dtmf(a.to_dict(), "1"), app="ivr")
            stub.push_event(dtmf(b.to_dict(), "2"), app="ivr")
            ari.channels.hangup("a")
            stub.push_event(
                dtmf(a.to_dict(), "3"), app="ivr"
            )  # after StasisEnd: no handler left
            ari.channels.hangup("b")
            for event in stream:
                ari.dispatcher.dispatch(event)
                if isinstance(event, ChannelDestroyed) and event.channel.id == "b":
                    break
    # a's ChannelDestroyed comes after its StasisEnd, which ended a's bound handlers
    assert got == ["a:1", "b:2"]
    assert ari.dispatcher._bound == []


def test_spawned_handlers_wait_without_holding_up_the_others(stub: StubAri) -> None:
    finished: List[str] = []
    waiting = {"a": threading.Event(), "b": threading.Event()}
    with stub.client() as ari:

        @ari.on(StasisStart, spawn=True)
        def call(event: StasisStart) -> None:
            cid = event.channel.id
            played = ari.expect(PlaybackFinished, playback=f"pb-{cid}")
            waiting[cid].set()
            played.wait(timeout=5)
            finished.append(cid)
            if len(finished) == 2:
                ari.stop()

        def calls() -> None:
            stub.wait_subscribed("ivr", timeout=5)
            ari.channels.originate(endpoint="PJSIP/x", app="ivr", channel_id="a")
            ari.channels.originate(endpoint="PJSIP/x", app="ivr", channel_id="b")
            for ready in waiting.values():  # both calls wait at once
                assert ready.wait(5)
            stub.push_event(playback_finished("pb-b"), app="ivr")  # the opposite order
            stub.push_event(playback_finished("pb-a"), app="ivr")

        caller = threading.Thread(target=calls, daemon=True)
        caller.start()
        watchdog = threading.Timer(20, ari.stop)  # the bound: run() ends either way
        watchdog.start()
        try:
            ari.run(app="ivr")
        finally:
            watchdog.cancel()
        caller.join(5)
    assert sorted(finished) == ["a", "b"]


# --- asyncio ------------------------------------------------------------------------------------------


def test_async_expect_wait_for_watch_and_spawn() -> None:
    async def main() -> None:
        async with StubAri() as stub, stub.async_client() as ari:
            results: List[str] = []
            ready = {"a": asyncio.Event(), "b": asyncio.Event()}

            @ari.on(StasisStart, spawn=True)
            async def call(event: StasisStart) -> None:
                cid = event.channel.id
                up = ari.expect(ChannelStateChange, channel=event.channel)
                await ari.channels.answer(channel_id=cid)
                await up.wait(timeout=5)
                async with ari.watch(ChannelDtmfReceived, channel=cid) as digits:
                    ready[cid].set()
                    got = "".join([e.digit async for e in digits])
                results.append(f"{cid}:{got}")
                if len(results) == 2:
                    await ari.stop()

            runner = asyncio.create_task(ari.run(app="ivr"))
            await stub.async_wait_subscribed("ivr")
            a = stub.call(
                "PJSIP/x", app="ivr", channel_id="a"
            ).channel  # incoming calls, ringing
            b = stub.call("PJSIP/x", app="ivr", channel_id="b").channel
            # both calls run at once, each waiting for its own events
            await asyncio.wait_for(
                asyncio.gather(*(e.wait() for e in ready.values())), 5
            )
            for chan, digit in [(b, "7"), (a, "1"), (b, "8"), (a, "2")]:
                stub.push_event(dtmf(chan, digit), app="ivr")
            await ari.channels.hangup(channel_id="b")
            await ari.channels.hangup(channel_id="a")
            await asyncio.wait_for(runner, 10)
            assert sorted(results) == ["a:12", "b:78"]
            with pytest.raises(Timeout):
                await ari.wait_for(StasisStart, channel="zzz", timeout=0.01)

    asyncio.run(main())


def test_async_waiter_ends_with_the_stream() -> None:
    async def main() -> None:
        async with StubAri() as stub, stub.async_client(backoff=FAST) as ari:
            stream = ari.events(app="ivr")
            await stream.connect()
            waiter = ari.expect(StasisStart)
            watch = ari.watch(Event, channel="c")
            stub.close_websockets(1000)
            with pytest.raises(EventStreamClosed):
                await waiter.wait(timeout=5)
            assert [e async for e in watch] == []
            assert watch.ended is not None and watch.ended.event is None

    asyncio.run(main())


# --- typing -------------------------------------------------------------------------------------------

TYPED = """
from ari_client import AriClient, AsyncAriClient
from ari_client.models import ChannelDtmfReceived, PlaybackFinished, StasisStart

def sync(ari: AriClient) -> None:
    reveal_type(ari.wait_for(PlaybackFinished, playback="p", timeout=5))
    reveal_type(ari.expect(StasisStart, channel="c").wait(timeout=5))
    for event in ari.watch(ChannelDtmfReceived, channel="c"):
        reveal_type(event)
    ari.wait_for(StasisStart, where=lambda e: e.channel.id == "c")
    ari.wait_for(StasisStart, where=lambda e: e.playback.id == "c")

async def asynchronous(ari: AsyncAriClient) -> None:
    reveal_type(await ari.wait_for(PlaybackFinished, playback="p", timeout=5))
    async with ari.watch(ChannelDtmfReceived, channel="c") as digits:
        async for event in digits:
            reveal_type(event)
"""


def test_mypy_infers_the_event_class(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mypy import api

    monkeypatch.setenv("MYPYPATH", str(GENERATED))
    (tmp_path / "typed.py").write_text(TYPED)
    out, err, status = api.run(
        [
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(tmp_path / "typed.py"),
        ]
    )
    revealed = [
        line.split("Revealed type is ")[1]
        for line in out.splitlines()
        if "Revealed type" in line
    ]
    assert revealed == [
        '"ari_client.models.events.PlaybackFinished"',
        '"ari_client.models.events.StasisStart"',
        '"ari_client.models.events.ChannelDtmfReceived"',
        '"ari_client.models.events.PlaybackFinished"',
        '"ari_client.models.events.ChannelDtmfReceived"',
    ], out
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert (
        len(errors) == 1 and '"StasisStart" has no attribute "playback"' in errors[0]
    ), out


def test_run_takes_model_typed_websocket_parameters(tmp_path: Path) -> None:
    """client.py imports the models its run() signature names (found by the mypy property test:
    a websocket operation with a model-typed body parameter)."""
    import json
    import shutil
    import subprocess
    import sys

    from ari_codegen import generate

    shutil.copytree(SPECS, tmp_path / "specs")
    path = tmp_path / "specs" / "api-docs" / "events.json"
    doc = json.loads(path.read_text())
    (websocket,) = [
        op
        for api in doc["apis"]
        for op in api["operations"]
        if op.get("upgrade") == "websocket"
    ]
    websocket["parameters"].append(
        {
            "name": "filter",
            "paramType": "body",
            "dataType": "Channel",
            "required": False,
        }
    )
    path.write_text(json.dumps(doc))
    assert generate(tmp_path / "specs", tmp_path / "out", format=False).ok
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "cache"),
            "ari_client/client.py",
        ],
        cwd=tmp_path / "out",
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
