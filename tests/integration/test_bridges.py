"""The bridges resource against a real Asterisk.

Not shown here: the 409 "Bridge not in Stasis application" of addChannel, removeChannel,
startMoh, stopMoh, play and record needs a bridge made outside ARI (ConfBridge, Bridge() in the
dialplan), which this server's build cannot make.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from .conftest import Call, EventLog, Package, Pair, raises


@pytest.fixture()
def bridges(ari: Any, app: str, events: EventLog) -> Iterator[Callable[..., Any]]:
    """``bridges(bridge_id=..., **kwargs)``: a bridge the test's application is subscribed to
    (so it sees BridgeDestroyed), destroyed at the end if the test did not."""
    made: list[str] = []

    def make(**kwargs: Any) -> Any:
        kwargs.setdefault("bridge_id", f"{app}-br{len(made)}")
        bridge = ari.bridges.create(**kwargs)
        made.append(bridge.id)
        ari.applications.subscribe(
            application_name=app, event_source=f"bridge:{bridge.id}"
        )
        return bridge

    yield make
    for bridge_id in made:
        try:
            ari.bridges.destroy(bridge_id=bridge_id)
        except Exception:
            pass  # already gone


def test_bridge_lifecycle(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call],
    bridges: Callable[..., Any],
) -> None:  # fmt: skip
    a, b = originate().id, originate().id
    bid = f"{app}-mix"
    bridge = bridges(type="mixing", name="it mixing", bridge_id=bid)
    assert isinstance(bridge, pkg.models.Bridge)
    assert (bridge.id, bridge.bridge_type, bridge.name) == (bid, "mixing", "it mixing")
    assert bridge.bridge_class == "stasis" and bridge.channels == []
    with raises(pkg, "Conflict", 409, f"Bridge with id '{bid}' already exists"):
        ari.bridges.create(type="mixing", bridge_id=bid)

    ari.bridges.add_channel(bridge_id=bid, channel=[a, b])
    for channel_id in (a, b):
        entered = events.wait("ChannelEnteredBridge", channel=channel_id)
        assert isinstance(entered, pkg.models.ChannelEnteredBridge)
        assert entered.bridge.id == bid
    got = ari.bridges.get(bridge_id=bid)
    assert isinstance(got, pkg.models.Bridge) and sorted(got.channels) == sorted([a, b])
    listed = ari.bridges.list()
    assert all(isinstance(x, pkg.models.Bridge) for x in listed)
    assert bid in {x.id for x in listed}
    # a bridged channel cannot be recorded (the bridge can)
    name = f"{app}-bridged"
    ari.channels.record(channel_id=a, name=name, format="wav")
    failed = events.wait("RecordingFailed", recording=name)
    assert isinstance(failed, pkg.models.RecordingFailed)
    assert failed.recording.cause == "Cannot record channel while in bridge"

    ari.bridges.remove_channel(bridge_id=bid, channel=a)
    left = events.wait("ChannelLeftBridge", channel=a)
    assert isinstance(left, pkg.models.ChannelLeftBridge)
    assert left.bridge.id == bid and left.bridge.channels == [b]
    with raises(pkg, "UnprocessableEntity", 422, "Channel not in this bridge"):
        ari.bridges.remove_channel(bridge_id=bid, channel=a)
    with raises(pkg, "BadRequest", 400, "Channel not found"):
        ari.bridges.remove_channel(bridge_id=bid, channel="it-no-such-channel")
    with raises(pkg, "BadRequest", 400, "Channel not found"):
        ari.bridges.add_channel(bridge_id=bid, channel="it-no-such-channel")

    ari.bridges.destroy(bridge_id=bid)
    events.wait("ChannelLeftBridge", channel=b)
    destroyed = events.wait("BridgeDestroyed", bridge=bid)
    assert isinstance(destroyed, pkg.models.BridgeDestroyed)
    with raises(pkg, "NotFound", 404, "Bridge not found"):
        ari.bridges.get(bridge_id=bid)
    with raises(pkg, "NotFound", 404, "Bridge not found"):
        ari.bridges.destroy(bridge_id=bid)
    # the channels live on, in Stasis
    assert ari.channels.get(channel_id=b).state == "Up"


def test_holding_bridge_with_id(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    a = originate().id
    bid = f"{app}-hold"
    bridge = ari.bridges.create_with_id(
        bridge_id=bid, type="holding", name="it holding"
    )
    try:
        assert isinstance(bridge, pkg.models.Bridge)
        assert (bridge.id, bridge.bridge_type, bridge.technology) == (
            bid, "holding", "holding_bridge",
        )  # fmt: skip
        with raises(pkg, "Conflict", 409, f"Bridge with id '{bid}' already exists"):
            ari.bridges.create_with_id(bridge_id=bid, type="holding")
        ari.bridges.add_channel(
            bridge_id=bid, channel=a, role="participant", absorb_dtmf=True, mute=True,
            inhibit_connected_line_updates=True,
        )  # fmt: skip
        assert events.wait("ChannelEnteredBridge", channel=a).bridge.id == bid
        assert ari.bridges.start_moh(bridge_id=bid, moh_class="default") is None
        assert ari.bridges.stop_moh(bridge_id=bid) is None
        with raises(pkg, "Conflict", 409, "Bridge isn't playing music"):
            ari.bridges.stop_moh(bridge_id=bid)
    finally:
        ari.bridges.destroy(bridge_id=bid)
    events.wait("ChannelLeftBridge", channel=a)


def test_add_channel_not_in_stasis(
    ari: Any, pkg: Package, app: str, bridges: Callable[..., Any]
) -> None:
    bid = bridges(type="mixing").id
    cid = f"{app}-dp"
    ari.channels.originate(
        endpoint="Local/wait@default",
        context="default",
        extension="wait",
        channel_id=cid,
    )
    try:
        with raises(
            pkg, "UnprocessableEntity", 422, "Channel not in Stasis application"
        ):
            ari.bridges.add_channel(bridge_id=bid, channel=cid)
    finally:
        ari.channels.hangup(channel_id=cid)


def test_add_channel_while_recording(
    ari: Any, pkg: Package, app: str, events: EventLog, pair: Callable[..., Pair],
    bridges: Callable[..., Any],
) -> None:  # fmt: skip
    call = pair()
    bid = bridges().id
    ari.channels.play(channel_id=call.b, media="tone:ring")
    name = f"{app}-busy"
    ari.channels.record(channel_id=call.a, name=name, format="wav")
    events.wait("RecordingStarted", recording=name)
    try:
        with raises(pkg, "Conflict", 409, f"Channel {call.a} currently recording"):
            ari.bridges.add_channel(bridge_id=bid, channel=call.a)
    finally:
        ari.recordings.cancel(recording_name=name)


def test_video_source(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call],
    bridges: Callable[..., Any],
) -> None:  # fmt: skip
    a, outside = originate().id, originate().id
    bid = bridges(type="mixing").id
    ari.bridges.add_channel(bridge_id=bid, channel=a)
    events.wait("ChannelEnteredBridge", channel=a)

    ari.bridges.set_video_source(bridge_id=bid, channel_id=a)
    changed = events.wait("BridgeVideoSourceChanged", bridge=bid)
    assert isinstance(changed, pkg.models.BridgeVideoSourceChanged)
    assert changed.bridge.video_mode == "single" and changed.bridge.video_source_id == a
    got = ari.bridges.get(bridge_id=bid)
    assert (got.video_mode, got.video_source_id) == ("single", a)
    with raises(pkg, "UnprocessableEntity", 422, "Channel not in this bridge"):
        ari.bridges.set_video_source(bridge_id=bid, channel_id=outside)
    with raises(pkg, "BadRequest", 400, "Channel not found"):
        ari.bridges.set_video_source(bridge_id=bid, channel_id="it-no-such-channel")

    # clearing publishes nothing by itself on this server (ast_bridge_set_talker_src_video_mode
    # does not publish the bridge's state); the next change of the bridge carries it
    ari.bridges.clear_video_source(bridge_id=bid)
    ari.bridges.add_channel(bridge_id=bid, channel=outside)
    events.wait("ChannelEnteredBridge", channel=outside)
    cleared = events.wait("BridgeVideoSourceChanged", bridge=bid)
    assert cleared.old_video_source_id == a
    assert (cleared.bridge.video_mode, cleared.bridge.video_source_id) == (
        "talker",
        None,
    )


def test_bridge_moh_play_record(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call],
    bridges: Callable[..., Any],
) -> None:  # fmt: skip
    a = originate().id
    bid = bridges(type="mixing").id
    ari.bridges.add_channel(bridge_id=bid, channel=a)
    events.wait("ChannelEnteredBridge", channel=a)

    assert ari.bridges.start_moh(bridge_id=bid) is None
    assert ari.bridges.stop_moh(bridge_id=bid) is None

    pid = f"{app}-ring"
    playback = ari.bridges.play(bridge_id=bid, media="tone:ring", playback_id=pid)
    assert isinstance(playback, pkg.models.Playback)
    assert (playback.id, playback.target_uri) == (pid, f"bridge:{bid}")
    started = events.wait("PlaybackStarted", playback=pid)
    assert started.playback.target_uri == f"bridge:{bid}"
    ari.playbacks.stop(playback_id=pid)
    assert events.wait("PlaybackFinished", playback=pid).playback.state == "done"

    pid2 = f"{app}-beeps"
    playback = ari.bridges.play_with_id(
        bridge_id=bid, playback_id=pid2, media=["sound:beep", "sound:beep"], lang="en"
    )
    assert isinstance(playback, pkg.models.Playback) and playback.id == pid2
    assert playback.next_media_uri == "sound:beep"
    events.wait("PlaybackContinuing", playback=pid2)
    finished = events.wait("PlaybackFinished", playback=pid2)
    assert (finished.playback.media_uri, finished.playback.state) == (
        "sound:beep",
        "done",
    )

    name = f"{app}-brec"
    recording = ari.bridges.record(
        bridge_id=bid, name=name, format="wav", if_exists="overwrite"
    )
    try:
        assert isinstance(recording, pkg.models.LiveRecording)
        assert (recording.name, recording.target_uri) == (name, f"bridge:{bid}")
        events.wait("RecordingStarted", recording=name)
        with raises(
            pkg,
            "UnprocessableEntity",
            422,
            "specified format is unknown on this system",
        ):
            ari.bridges.record(bridge_id=bid, name=f"{name}-x", format="bogusfmt")
        ari.recordings.stop(recording_name=name)
        done = events.wait("RecordingFinished", recording=name)
        assert done.recording.state == "done"
        assert ari.recordings.get_stored(recording_name=name).format == "wav"
    finally:
        try:
            ari.recordings.delete_stored(recording_name=name)
        except pkg.errors.NotFound:
            pass


def test_bridge_variables(ari: Any, pkg: Package, bridges: Callable[..., Any]) -> None:
    pkg.require(
        "bridges.setBridgeVar", "bridges.getBridgeVar", "bridges.setBridgeVars",
        "bridges.getBridgeVars",
    )  # fmt: skip
    bid = bridges(type="mixing").id
    assert (
        ari.bridges.set_bridge_var(bridge_id=bid, variable="IT_BV", value="b1") is None
    )
    var = ari.bridges.get_bridge_var(bridge_id=bid, variable="IT_BV")
    assert isinstance(var, pkg.models.Variable) and var.value == "b1"
    with raises(pkg, "NotFound", 404, "Provided variable was not found"):
        ari.bridges.get_bridge_var(bridge_id=bid, variable="IT_UNSET")
    with raises(pkg, "BadRequest", 400, "Variable name is required"):
        ari.bridges.get_bridge_var(bridge_id=bid, variable="")

    ari.bridges.set_bridge_vars(
        bridge_id=bid, variables={"IT_B2": "two", "IT_B3": {"value": "three"}}
    )
    got = ari.bridges.get_bridge_vars(
        bridge_id=bid, variables=["IT_BV", "IT_B2", "IT_B3"]
    )
    assert isinstance(got, pkg.models.Variables)
    assert got.variables == {"IT_BV": "b1", "IT_B2": "two", "IT_B3": "three"}
    with raises(pkg, "NotFound", 404, "Provided variable was not found"):
        ari.bridges.get_bridge_vars(bridge_id=bid, variables=["IT_BV", "IT_UNSET"])


NOT_FOUND, PROVIDED = "Bridge not found", "Provided bridge was not found"
UNKNOWN_BRIDGE_CALLS: list[tuple[str, str, dict[str, Any], str]] = [
    ("get", "get", {}, NOT_FOUND),
    ("destroy", "destroy", {}, NOT_FOUND),
    ("addChannel", "add_channel", {"channel": "c"}, NOT_FOUND),
    ("removeChannel", "remove_channel", {"channel": "c"}, NOT_FOUND),
    ("setVideoSource", "set_video_source", {"channel_id": "c"}, NOT_FOUND),
    ("clearVideoSource", "clear_video_source", {}, NOT_FOUND),
    ("startMoh", "start_moh", {}, NOT_FOUND),
    ("stopMoh", "stop_moh", {}, NOT_FOUND),
    ("play", "play", {"media": "tone:ring"}, NOT_FOUND),
    (
        "playWithId",
        "play_with_id",
        {"playback_id": "p", "media": "tone:ring"},
        NOT_FOUND,
    ),
    ("record", "record", {"name": "r", "format": "wav"}, NOT_FOUND),
    ("getBridgeVar", "get_bridge_var", {"variable": "X"}, NOT_FOUND),
    ("setBridgeVar", "set_bridge_var", {"variable": "X", "value": "1"}, NOT_FOUND),
    ("getBridgeVars", "get_bridge_vars", {"variables": ["X"]}, PROVIDED),
    ("setBridgeVars", "set_bridge_vars", {"variables": {"X": "1"}}, PROVIDED),
]


@pytest.mark.parametrize(
    "nickname, method, kwargs, message",
    UNKNOWN_BRIDGE_CALLS,
    ids=[c[0] for c in UNKNOWN_BRIDGE_CALLS],
)
def test_unknown_bridge_is_not_found(
    ari: Any,
    pkg: Package,
    nickname: str,
    method: str,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    pkg.require(f"bridges.{nickname}")
    with raises(pkg, "NotFound", 404, message) as info:
        getattr(ari.bridges, method)(bridge_id="it-no-such-bridge", **kwargs)
    assert info.value.operation == f"bridges.{nickname}"
    assert info.value.documented
