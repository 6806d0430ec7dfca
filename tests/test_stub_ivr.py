"""The example of docs/testing.md, run as it is written there: a small IVR tested on the stub."""

# --8<-- [start:example]
from __future__ import annotations

import threading
from typing import Any, Dict, Iterator

import pytest

from ari_client import AriClient
from ari_client.models import ChannelDtmfReceived, PlaybackFinished, StasisStart
from ari_client.testing import StubAri

pytest_plugins = ["ari_client.pytest_plugin"]  # or in the root conftest.py


class Ivr:
    """The application under test: answers, plays a greeting, then reads one digit.
    1: plays a beep and hangs up when it is done; 2: hangs up at once; anything else: the
    greeting again. The caller's choice is kept in the channel variable IVR_CHOICE."""

    def __init__(self, ari: AriClient, app: str) -> None:
        self.ari, self.app = ari, app
        self.bye: Dict[str, str] = {}  # playback id -> channel to hang up when it ends
        ari.on(StasisStart)(self.start)
        ari.on(ChannelDtmfReceived)(self.digit)
        ari.on(PlaybackFinished)(self.played)

    def run(self) -> None:
        self.ari.run(self.app)

    def start(self, event: StasisStart) -> None:
        channel = event.channel.id
        self.ari.channels.answer(channel_id=channel)
        self.ari.channels.play(channel_id=channel, media="sound:hello-world")

    def digit(self, event: ChannelDtmfReceived) -> None:
        channel = event.channel.id
        self.ari.channels.set_channel_var(
            channel_id=channel, variable="IVR_CHOICE", value=event.digit
        )
        if event.digit == "1":
            playback = self.ari.channels.play(channel_id=channel, media="sound:beep")
            self.bye[playback.id] = channel
        elif event.digit == "2":
            self.ari.channels.hangup(channel_id=channel)
        else:
            self.ari.channels.play(channel_id=channel, media="sound:hello-world")

    def played(self, event: PlaybackFinished) -> None:
        channel = self.bye.pop(event.playback.id, None)
        if channel is not None:
            self.ari.channels.hangup(channel_id=channel)


@pytest.fixture
def ari_stub_options() -> Dict[str, Any]:
    # media of known length ends ten times as fast as on a real Asterisk
    return {"time_scale": 0.1}


@pytest.fixture
def ivr(ari_stub: StubAri, ari: AriClient) -> Iterator[Ivr]:
    ari_stub.add_sound("hello-world", 1.5)
    app = Ivr(ari, "ivr")
    thread = threading.Thread(target=app.run, daemon=True)
    thread.start()
    ari_stub.wait_subscribed("ivr")  # the application's websocket is up: calls may come
    yield app
    ari.stop()
    thread.join(10)


def test_one_plays_a_beep_then_hangs_up(ari_stub: StubAri, ivr: Ivr) -> None:
    caller = ari_stub.call("PJSIP/alice", app="ivr", caller_id='"Alice" <100>')
    ari_stub.wait_channel(caller.id, state="Up")
    ari_stub.wait_event("PlaybackStarted", app="ivr")
    caller.send_dtmf("1")
    ari_stub.wait_event(
        "StasisEnd", channel=caller.id
    )  # (no ChannelDestroyed: as Asterisk,
    # the application stops watching a channel it did not originate when it leaves Stasis)
    assert caller.media_heard == ["sound:hello-world", "sound:beep"]
    varset = ari_stub.wait_event(
        "ChannelVarset", channel=caller.id, variable="IVR_CHOICE"
    )
    assert varset["value"] == "1"


def test_two_hangs_up_at_once(ari_stub: StubAri, ivr: Ivr) -> None:
    caller = ari_stub.call("PJSIP/bob", app="ivr")
    ari_stub.wait_channel(caller.id, state="Up")
    caller.send_dtmf("2")
    request = ari_stub.wait_event("ChannelHangupRequest", channel=caller.id)
    assert request["soft"] is True  # hung up through ARI
    ari_stub.wait_event("StasisEnd", channel=caller.id)
    assert caller.media_heard == ["sound:hello-world"]


def test_the_caller_hangs_up_during_the_greeting(ari_stub: StubAri, ivr: Ivr) -> None:
    caller = ari_stub.call("PJSIP/carol", app="ivr")
    ari_stub.wait_event("PlaybackStarted", app="ivr")
    caller.hangup()
    finished = ari_stub.wait_event("PlaybackFinished", app="ivr")
    assert (
        finished["playback"]["state"] == "failed"
    )  # as Asterisk says of a hung-up channel
    ari_stub.wait_event("StasisEnd", channel=caller.id)


@pytest.mark.anyio
async def test_async_flow(ari_stub: StubAri, ari_async: Any) -> None:
    """The same stub from an async test: an AsyncAriClient, awaited helpers."""
    async with ari_async.events(app="async-ivr") as stream:
        caller = ari_stub.call("PJSIP/dave", app="async-ivr")
        start = await stream.next(timeout=5)
        while not isinstance(
            start, StasisStart
        ):  # a ChannelVarset STASISSTATUS comes first
            start = await stream.next(timeout=5)
        assert start.channel.state == "Ring"  # an incoming call, not answered yet
        await ari_async.channels.answer(channel_id=caller.id)
        await ari_stub.async_wait_channel(caller.id, state="Up")
        await ari_async.channels.hangup(channel_id=caller.id)
        await ari_stub.async_wait_event("StasisEnd", channel=caller.id)


# --8<-- [end:example]


def test_the_docs_show_this_example() -> None:
    from pathlib import Path

    source = Path(__file__).read_text()
    example = source.split("# --8<-- [start:example]\n")[1].split(
        "# --8<-- [end:example]"
    )[0]
    docs = (Path(__file__).parents[1] / "docs" / "testing.md").read_text()
    assert example.strip() in docs
