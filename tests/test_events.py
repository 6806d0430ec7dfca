"""The events websocket over real sockets: typed events, handlers, reconnection, REST over it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Iterator, List

import pytest

from ari_client import AriClient
from ari_client.errors import EventStreamClosed, NotFound, Unauthorized
from ari_client.events import Backoff, Connected, Disconnected, Dispatcher, decode_frame
from ari_client.models import (
    ChannelDtmfReceived,
    ChannelVarset,
    Event,
    Message,
    StasisStart,
    parse_message,
)
from ari_client.testing import StubAri

from .conftest import DATA

FAST = Backoff(initial=0.01, maximum=0.05)


def first(stream: Any, cls: type, timeout: float = 5) -> Any:
    """The next event of class ``cls`` (a real Asterisk sends Dial, ChannelStateChange, ...
    before a StasisStart)."""
    event = stream.next(timeout=timeout)
    while not isinstance(event, cls):
        event = stream.next(timeout=timeout)
    return event


async def first_async(stream: Any, cls: type, timeout: float = 5) -> Any:
    event = await stream.next(timeout=timeout)
    while not isinstance(event, cls):
        event = await stream.next(timeout=timeout)
    return event


@pytest.fixture()
def stub() -> Iterator[StubAri]:
    with StubAri() as server:
        yield server


def test_events_are_typed(stub: StubAri) -> None:
    with stub.client() as ari:
        with ari.events(app="demo") as stream:
            assert stub.subscribed("demo")
            chan = ari.channels.originate(
                endpoint="PJSIP/a", app="demo", app_args="x,y"
            )
            start = first(stream, StasisStart)
            assert start.channel.id == chan.id and start.args == ["x", "y"]
            assert start.application == "demo" and start.channel.state == "Up"
            ari.channels.set_channel_var(chan.id, variable="V", value="1")
            varset = first(stream, ChannelVarset)
            assert varset.variable == "V" and varset.value == "1"
    seen = [r for r in stub.requests if r.operation == "events.eventWebsocket"]
    assert seen and dict(seen[0].query)["app"] == "demo"


def test_traffic_sample_frames_reach_typed_handlers(stub: StubAri) -> None:
    frames = (DATA / "traffic" / "events.jsonl").read_text().splitlines()
    got: List[Message] = []
    dtmf: List[str] = []
    with stub.client() as ari:

        @ari.on(ChannelDtmfReceived)
        def on_dtmf(event: ChannelDtmfReceived) -> None:
            dtmf.append(event.digit)

        ari.on(Event)(got.append)
        with ari.events(app=["demo", "corpus-all"]) as stream:
            for frame in frames:
                assert stub.push_event(json.loads(frame)) == 1
            for _ in frames:
                ari.dispatcher.dispatch(stream.next(timeout=5))
    assert dtmf == ["1"]
    assert [type(e).__name__ for e in got] == [json.loads(f)["type"] for f in frames]
    assert [e.to_dict() for e in got] == [json.loads(f) for f in frames]  # lossless


def test_run_loop_with_handlers(stub: StubAri) -> None:
    with stub.client(backoff=FAST) as ari:
        answered: List[str] = []

        @ari.on(Connected)
        def connected(state: Connected) -> None:
            stub.add_channel("call-1", app="ivr")  # an incoming call

        @ari.on(StasisStart)
        def start(event: StasisStart) -> None:
            ari.channels.answer(event.channel.id)
            answered.append(event.channel.id)
            ari.stop()

        ari.run(app="ivr")
    assert answered == ["call-1"]
    assert stub.channels["call-1"]["state"] == "Up"


def test_clean_close_ends_iteration(stub: StubAri) -> None:
    with stub.client(backoff=FAST) as ari:
        stream = ari.events(app="demo")
        stream.connect()
        stub.push_event({"type": "ApplicationRegistered"}, app="demo")
        stub.close_websockets(1000)
        events = list(stream)
        assert [type(e).__name__ for e in events] == ["ApplicationRegistered"]
        assert stub.websocket_count == 1  # no reconnection
        with pytest.raises(EventStreamClosed):
            stream.next(timeout=1)


def test_dropped_socket_reconnects_and_reports_the_gap(stub: StubAri) -> None:
    states: List[Any] = []
    with stub.client(backoff=FAST) as ari:
        ari.on(Connected)(states.append)
        ari.on(Disconnected)(states.append)
        with ari.events(app=["demo", "other"]) as stream:
            stub.drop_websockets()
            # the stream reconnects on its own; an event pushed afterwards arrives
            for _ in range(1000):  # a bound, not a timing assertion
                if stub.websocket_count >= 2 and stub.subscribed("demo"):
                    break
                time.sleep(0.01)
            stub.push_event({"type": "ApplicationRegistered"}, app="other")
            event = stream.next(timeout=5)
            assert type(event).__name__ == "ApplicationRegistered"
            assert stream.reconnects == 1
    assert [type(s).__name__ for s in states] == [
        "Connected",
        "Disconnected",
        "Connected",
    ]
    assert states[0].reconnected is False and states[0].events_missed is False
    assert states[1].code == 1006
    assert states[2].reconnected is True and states[2].events_missed is True
    sockets = [r for r in stub.requests if r.operation == "events.eventWebsocket"]
    assert [dict(r.query)["app"] for r in sockets] == ["demo,other", "demo,other"]


def test_rest_over_websocket(stub: StubAri) -> None:
    with stub.client() as ari:
        with ari.events(app="demo"):
            chan = stub.call("PJSIP/a", app="demo", variables={"A": "1"})
            ws = ari.over_websocket()
            before = len(stub.requests)
            assert ws.channels.get(chan.id) == ari.channels.get(chan.id)
            assert stub.requests[before].over_websocket
            assert ws.channels.get_channel_var(chan.id, variable="A").value == "1"
            assert stub.requests[before + 2].query == [("variable", "A")]
            ws.channels.answer(chan.id)
            with pytest.raises(NotFound) as info:
                ws.channels.get_channel_var(chan.id, variable="NOPE")
            assert info.value.reason == "Channel or variable not found"
            bridge = ws.bridges.create(name="over-ws")
            ws.bridges.add_channel(bridge.id, channel=chan.id)
            assert stub.bridges[bridge.id]["channels"] == [chan.id]


def test_wrong_password_on_the_websocket(stub: StubAri) -> None:
    with stub.client(password="nope") as ari:
        with pytest.raises(Unauthorized) as info:
            ari.events(app="demo").connect()
        assert info.value.message == "Authentication required"


def test_dispatcher_by_class() -> None:
    dispatcher = Dispatcher()
    calls: List[str] = []
    dispatcher.on(Message)(lambda e: calls.append("message"))
    dispatcher.on(StasisStart)(lambda e: calls.append("start"))
    frame = (DATA / "traffic" / "events.jsonl").read_text().splitlines()[0]
    event = decode_frame(frame, parse_message)
    dispatcher.dispatch(event)
    assert calls == ["start", "message"]


def test_async_events_reconnect_and_rest() -> None:
    async def main() -> None:
        async with StubAri() as stub:
            async with stub.async_client(backoff=FAST) as ari:
                states: List[Any] = []
                ari.on(Connected)(states.append)
                stream = ari.events(app="demo")
                await stream.connect()
                chan = await ari.channels.originate(endpoint="PJSIP/a", app="demo")
                start = await first_async(stream, StasisStart)
                assert start.channel.id == chan.id
                ws = ari.over_websocket()
                assert (await ws.channels.get(chan.id)).id == chan.id
                stub.drop_websockets()
                for _ in range(1000):
                    if stub.websocket_count >= 2:
                        break
                    await asyncio.sleep(0.01)
                stub.push_event({"type": "ApplicationRegistered"}, app="demo")
                event = await stream.next(timeout=5)
                assert type(event).__name__ == "ApplicationRegistered"
                assert [s.reconnected for s in states] == [False, True]
                stub.close_websockets()
                assert [e async for e in stream] == []

    asyncio.run(main())


def test_async_run_loop_with_async_handler() -> None:
    async def main() -> None:
        async with StubAri() as stub:
            async with stub.async_client() as ari:

                @ari.on(Connected)
                async def connected(state: Connected) -> None:
                    await ari.channels.originate(
                        endpoint="PJSIP/x", app="ivr", channel_id="c9"
                    )

                @ari.on(StasisStart)
                async def start(event: StasisStart) -> None:
                    await ari.channels.answer(channel_id=event.channel.id)
                    await ari.channels.play(
                        channel_id=event.channel.id, media=["sound:beep"]
                    )
                    await ari.stop()

                await ari.run(app="ivr")
                assert stub.channels["c9"]["state"] == "Up"
                assert [p["media_uri"] for p in stub.playbacks.values()] == [
                    "sound:beep"
                ]  # 0.25 s long: still playing

    asyncio.run(main())
