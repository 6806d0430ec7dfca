"""The channels resource against a real Asterisk.

What this server cannot show: ``rtpstatistics`` never succeeds here (Local channels have no RTP glue: 403; UnicastRTP external media has no RTP
info: 404), ``hold``/``unhold``, ``startMoh``/``stopMoh``, ``startSilence``/``stopSilence`` and
``mute``/``unmute`` raise no event (``ChannelHold`` comes only from a channel driver such as
PJSIP), and there is no CALLERID() function (only the originate ``callerId`` sets one).
"""

from __future__ import annotations

import inspect
import socket
from typing import Any, Callable

import pytest

from .conftest import WAIT, Call, EventLog, Package, Pair, raises


def _ids(channels: Any) -> set[str]:
    return {c.id for c in channels}


# --- originate, get, list, hangup -----------------------------------------------------------------


def test_originate_get_list_hangup(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    cid, other = f"{app}-c", f"{app}-c-2"
    chan = ari.channels.originate(
        endpoint="Local/wait@default", app=app, app_args="one,two", caller_id='"Alice" <100>',
        variables={"IT_VAR": "from-originate"}, channel_id=cid, other_channel_id=other,
        formats="ulaw",
    )  # fmt: skip
    try:
        assert isinstance(chan, pkg.models.Channel)
        assert chan.id == cid and chan.name.startswith("Local/wait@default-")
        assert (chan.caller.name, chan.caller.number) == ("Alice", "100")
        # the far half gets the variables and the caller id of the originate
        varset = events.wait("ChannelVarset", channel=other, variable="IT_VAR")
        assert (
            isinstance(varset, pkg.models.ChannelVarset)
            and varset.value == "from-originate"
        )
        callerid = events.wait("ChannelCallerId", channel=other)
        assert isinstance(callerid, pkg.models.ChannelCallerId)
        assert callerid.channel.caller.number == "100"
        start = events.wait("StasisStart", channel=cid)
        assert isinstance(start, pkg.models.StasisStart) and start.args == [
            "one",
            "two",
        ]
        assert start.channel.state == "Up"

        got = ari.channels.get(channel_id=cid)
        assert isinstance(got, pkg.models.Channel) and got.id == cid
        assert got.state == "Up" and got.dialplan.app_name == "Stasis"
        assert got.caller.name == "Alice"
        listed = ari.channels.list()
        assert all(isinstance(c, pkg.models.Channel) for c in listed)
        assert {cid, other} <= _ids(listed)
        var = ari.channels.get_channel_var(channel_id=cid, variable="IT_VAR")
        assert isinstance(var, pkg.models.Variable) and var.value == "from-originate"

        with raises(
            pkg, "Conflict", 409, "Channel with given unique ID already exists"
        ):
            ari.channels.originate(
                endpoint="Local/wait@default", app=app, channel_id=cid
            )
        with raises(
            pkg, "BadRequest", 400, "The reason and reason_code can't both be specified"
        ):
            ari.channels.hangup(channel_id=cid, reason="busy", reason_code="17")
    finally:
        ari.channels.hangup(channel_id=cid, reason="busy")
    request = events.wait("ChannelHangupRequest", channel=cid)
    assert isinstance(request, pkg.models.ChannelHangupRequest) and request.soft
    end = events.wait("StasisEnd", channel=cid)
    assert isinstance(end, pkg.models.StasisEnd)
    destroyed = events.wait("ChannelDestroyed", channel=cid)
    assert isinstance(destroyed, pkg.models.ChannelDestroyed)
    assert (destroyed.cause, destroyed.cause_txt) == (17, "User busy")
    with raises(pkg, "NotFound", 404, "Channel not found"):
        ari.channels.get(channel_id=cid)
    with raises(pkg, "NotFound", 404, "Channel not found"):
        ari.channels.hangup(channel_id=cid)
    assert cid not in _ids(ari.channels.list())


def test_originate_with_id(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    cid = f"{app}-owid"
    chan = ari.channels.originate_with_id(
        channel_id=cid, endpoint="Local/wait@default", app=app, app_args="owid", formats="ulaw",
        timeout=5,
    )  # fmt: skip
    try:
        assert isinstance(chan, pkg.models.Channel) and chan.id == cid
        start = events.wait("StasisStart", channel=cid)
        assert start.args == ["owid"]
        with raises(
            pkg, "Conflict", 409, "Channel with given unique ID already exists"
        ):
            ari.channels.originate_with_id(
                channel_id=cid, endpoint="Local/wait@default", app=app
            )
    finally:
        ari.channels.hangup(channel_id=cid, reason_code="21")
    destroyed = events.wait("ChannelDestroyed", channel=cid)
    assert destroyed.cause == 21


@pytest.mark.parametrize(
    "kwargs, status, name, message",
    [
        ({"endpoint": "nonsense"}, 400, "BadRequest", "Invalid endpoint specified"),
        (
            {"endpoint": "Local/wait@default", "app": None},
            400, "BadRequest", "Application or extension must be specified",
        ),
        (
            {"endpoint": "Local/wait@default", "formats": "bogusfmt"},
            400, "BadRequest", "Provided format (bogusfmt) was not found",
        ),
        (
            {"endpoint": "Local/wait@default", "originator": "it-no-such-channel"},
            400, "BadRequest", "Provided originator channel was not found",
        ),
        (
            {"endpoint": "Local/wait@default", "app": None, "context": "default",
             "extension": "wait", "label": "it-no-such-label"},
            404, "NotFound", "Requested label can not be found",
        ),
    ],
    ids=["endpoint", "no-app-no-extension", "formats", "originator", "label"],
)  # fmt: skip
def test_originate_errors(
    ari: Any, pkg: Package, app: str, kwargs: dict[str, Any], status: int, name: str,
    message: str,
) -> None:  # fmt: skip
    kwargs = {"app": app, **kwargs}
    if kwargs["app"] is None:
        del kwargs["app"]
    with raises(pkg, name, status, message) as info:
        ari.channels.originate(**kwargs)
    assert info.value.operation == "channels.originate"


def test_create_dial_continue_in_dialplan(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    cid = f"{app}-created"
    chan = ari.channels.create(
        endpoint="Local/wait@default", app=app, app_args="created", channel_id=cid,
        formats="ulaw",
    )  # fmt: skip
    try:
        assert (
            isinstance(chan, pkg.models.Channel)
            and chan.id == cid
            and chan.state == "Down"
        )
        start = events.wait("StasisStart", channel=cid)
        assert start.args == ["created"] and start.channel.state == "Down"
        with raises(
            pkg, "Conflict", 409, "Channel with given unique ID already exists"
        ):
            ari.channels.create(endpoint="Local/wait@default", app=app, channel_id=cid)
        # created, not dialed: in Stasis, but nothing can be done with it yet
        with raises(pkg, "PreconditionFailed", 412, "Channel in invalid state"):
            ari.channels.answer(channel_id=cid)

        ari.channels.dial(channel_id=cid, timeout=5)
        dial = events.wait("Dial", peer=cid, dialstatus="ANSWER")
        assert isinstance(dial, pkg.models.Dial)
        up = events.wait("ChannelStateChange", channel=cid)
        assert (
            isinstance(up, pkg.models.ChannelStateChange) and up.channel.state == "Up"
        )
        with raises(pkg, "Conflict", 409, "Channel is not in the 'Down' state"):
            ari.channels.dial(channel_id=cid)

        ari.channels.continue_in_dialplan(
            channel_id=cid, context="default", extension="wait", priority=1
        )
        events.wait("StasisEnd", channel=cid)
        dialplan = events.wait("ChannelDialplan", channel=cid, dialplan_app="Wait")
        assert isinstance(dialplan, pkg.models.ChannelDialplan)
        with raises(pkg, "Conflict", 409, "Channel not in Stasis application"):
            ari.channels.answer(channel_id=cid)
    finally:
        ari.channels.hangup(channel_id=cid)


def test_not_in_stasis_is_conflict(ari: Any, pkg: Package, app: str) -> None:
    """A channel in the dialplan (originated to an extension) is not in any application: every
    channel operation that needs Stasis answers 409."""
    cid = f"{app}-dp"
    chan = ari.channels.originate(
        endpoint="Local/wait@default", context="default", extension="wait", priority=1,
        channel_id=cid, timeout=10,
    )  # fmt: skip
    c = ari.channels
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("answer", "answer", {}),
        ("ring", "ring", {}),
        ("ringStop", "ring_stop", {}),
        ("progress", "progress", {}),
        ("hold", "hold", {}),
        ("unhold", "unhold", {}),
        ("mute", "mute", {"direction": "in"}),
        ("unmute", "unmute", {"direction": "in"}),
        ("startMoh", "start_moh", {}),
        ("stopMoh", "stop_moh", {}),
        ("startSilence", "start_silence", {}),
        ("stopSilence", "stop_silence", {}),
        ("play", "play", {"media": "tone:ring"}),
        ("playWithId", "play_with_id", {"playback_id": cid, "media": "tone:ring"}),
        ("record", "record", {"name": cid, "format": "wav"}),
        ("setChannelVar", "set_channel_var", {"variable": "X", "value": "1"}),
        ("setChannelVars", "set_channel_vars", {"variables": {"X": "1"}}),
        ("sendDTMF", "send_dtmf", {"dtmf": "1"}),
        ("continueInDialplan", "continue_in_dialplan", {}),
        ("move", "move", {"app": app}),
        ("redirect", "redirect", {"endpoint": "Local/wait@default"}),
        ("dial", "dial", {}),
        ("transfer_progress", "transfer_progress", {"states": "channel_progress"}),
    ]
    try:
        assert isinstance(chan, pkg.models.Channel)
        for nickname, method, kwargs in calls:
            if not pkg.has(f"channels.{nickname}"):
                continue
            with raises(
                pkg, "Conflict", 409, "Channel not in Stasis application"
            ) as info:
                getattr(c, method)(channel_id=cid, **kwargs)
            assert info.value.operation == f"channels.{nickname}"
        # reading a variable does not need Stasis
        with raises(pkg, "NotFound", 404, "Provided variable was not found"):
            c.get_channel_var(channel_id=cid, variable="IT_UNSET")
    finally:
        c.hangup(channel_id=cid)


NOT_FOUND, PROVIDED = "Channel not found", "Provided channel was not found"
UNKNOWN_CHANNEL_CALLS: list[tuple[str, str, dict[str, Any], str]] = [
    ("get", "get", {}, NOT_FOUND),
    ("hangup", "hangup", {}, NOT_FOUND),
    ("continueInDialplan", "continue_in_dialplan", {}, NOT_FOUND),
    ("move", "move", {"app": "x"}, NOT_FOUND),
    ("redirect", "redirect", {"endpoint": "Local/x@default"}, NOT_FOUND),
    ("answer", "answer", {}, NOT_FOUND),
    ("ring", "ring", {}, NOT_FOUND),
    ("ringStop", "ring_stop", {}, NOT_FOUND),
    ("progress", "progress", {}, NOT_FOUND),
    ("sendDTMF", "send_dtmf", {"dtmf": "1"}, NOT_FOUND),
    ("mute", "mute", {"direction": "in"}, NOT_FOUND),
    ("unmute", "unmute", {"direction": "out"}, NOT_FOUND),
    ("hold", "hold", {}, NOT_FOUND),
    ("unhold", "unhold", {}, NOT_FOUND),
    ("startMoh", "start_moh", {}, NOT_FOUND),
    ("stopMoh", "stop_moh", {}, NOT_FOUND),
    ("startSilence", "start_silence", {}, NOT_FOUND),
    ("stopSilence", "stop_silence", {}, NOT_FOUND),
    ("play", "play", {"media": "tone:ring"}, NOT_FOUND),
    ("playWithId", "play_with_id", {"playback_id": "p", "media": "tone:ring"}, NOT_FOUND),
    ("record", "record", {"name": "r", "format": "wav"}, NOT_FOUND),
    ("getChannelVar", "get_channel_var", {"variable": "X"}, PROVIDED),
    ("setChannelVar", "set_channel_var", {"variable": "X", "value": "1"}, NOT_FOUND),
    ("getChannelVars", "get_channel_vars", {"variables": ["X"]}, PROVIDED),
    ("setChannelVars", "set_channel_vars", {"variables": {"X": "1"}}, PROVIDED),
    ("snoopChannel", "snoop_channel", {"app": "x", "spy": "in"}, PROVIDED),
    ("snoopChannelWithId", "snoop_channel_with_id", {"snoop_id": "s", "app": "x", "spy": "in"},
     PROVIDED),
    ("dial", "dial", {}, NOT_FOUND),
    ("rtpstatistics", "rtpstatistics", {}, NOT_FOUND),
    ("transfer_progress", "transfer_progress", {"states": "channel_progress"}, NOT_FOUND),
]  # fmt: skip


@pytest.mark.parametrize(
    "nickname, method, kwargs, message",
    UNKNOWN_CHANNEL_CALLS,
    ids=[c[0] for c in UNKNOWN_CHANNEL_CALLS],
)
def test_unknown_channel_is_not_found(
    ari: Any,
    pkg: Package,
    nickname: str,
    method: str,
    kwargs: dict[str, Any],
    message: str,
) -> None:
    pkg.require(f"channels.{nickname}")
    with raises(pkg, "NotFound", 404, message) as info:
        getattr(ari.channels, method)(channel_id="it-no-such-channel", **kwargs)
    assert info.value.operation == f"channels.{nickname}"
    assert info.value.documented


# --- answer, ring, progress, DTMF -----------------------------------------------------------------


def test_ring_progress_answer_dtmf(
    ari: Any, pkg: Package, events: EventLog, pair: Callable[..., Pair]
) -> None:
    call = pair(answer=False)
    assert call.start_b.channel.state == "Ring"

    ari.channels.ring(channel_id=call.b)  # the caller (;1) hears ringing
    ringing = events.wait("ChannelStateChange", channel=call.a)
    assert ringing.channel.state == "Ringing"
    ari.channels.ring_stop(channel_id=call.b)
    ari.channels.progress(channel_id=call.b)
    progress = events.wait("Dial", peer=call.a, dialstatus="PROGRESS")
    assert isinstance(progress, pkg.models.Dial)

    ari.channels.answer(channel_id=call.b)
    up = events.wait("ChannelStateChange", channel=call.b)
    assert isinstance(up, pkg.models.ChannelStateChange) and up.channel.state == "Up"
    events.wait("StasisStart", channel=call.a)  # the originate completes

    ari.channels.send_dtmf(
        channel_id=call.a, dtmf="1#", before=10, between=50, duration=250
    )
    for digit in "1#":
        dtmf = events.wait("ChannelDtmfReceived", channel=call.b)
        assert isinstance(dtmf, pkg.models.ChannelDtmfReceived)
        assert (dtmf.digit, dtmf.duration_ms) == (digit, 250)
    with raises(pkg, "BadRequest", 400, "DTMF is required"):
        ari.channels.send_dtmf(channel_id=call.a)


# --- media controls (no events on this server) ----------------------------------------------------


def test_hold_moh_silence_transfer_progress(
    ari: Any, pkg: Package, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    c = ari.channels
    assert c.hold(channel_id=cid) is None
    assert c.unhold(channel_id=cid) is None
    assert c.start_moh(channel_id=cid) is None
    assert c.start_moh(channel_id=cid, moh_class="default") is None
    assert c.stop_moh(channel_id=cid) is None
    assert c.start_silence(channel_id=cid) is None
    assert c.stop_silence(channel_id=cid) is None
    assert c.transfer_progress(channel_id=cid, states="channel_progress") is None
    with raises(pkg, "BadRequest", 400, "Invalid states value"):
        c.transfer_progress(channel_id=cid, states="bogus")
    # still up and in Stasis after all that
    assert c.get(channel_id=cid).state == "Up"


def test_mute_unmute_in_and_out(
    ari: Any, pkg: Package, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    for direction in ("in", "out"):
        assert ari.channels.mute(channel_id=cid, direction=direction) is None
        assert ari.channels.unmute(channel_id=cid, direction=direction) is None


def test_mute_unmute_both(
    ari: Any, pkg: Package, originate: Callable[..., Call]
) -> None:
    """The spec's default direction is ``both``: without it, and with it, the call succeeds."""
    cid = originate().id
    assert ari.channels.mute(channel_id=cid) is None
    assert ari.channels.unmute(channel_id=cid) is None
    assert ari.channels.mute(channel_id=cid, direction="both") is None
    assert ari.channels.unmute(channel_id=cid, direction="both") is None


# --- variables ------------------------------------------------------------------------------------


def test_channel_variables(
    ari: Any, pkg: Package, events: EventLog, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    ari.channels.set_channel_var(
        channel_id=cid, variable="IT_GREETING", value="hello world"
    )
    varset = events.wait("ChannelVarset", channel=cid, variable="IT_GREETING")
    assert (
        isinstance(varset, pkg.models.ChannelVarset) and varset.value == "hello world"
    )
    var = ari.channels.get_channel_var(channel_id=cid, variable="IT_GREETING")
    assert isinstance(var, pkg.models.Variable) and var.value == "hello world"

    # no value unsets it
    ari.channels.set_channel_var(channel_id=cid, variable="IT_GREETING")
    with raises(pkg, "NotFound", 404, "Provided variable was not found"):
        ari.channels.get_channel_var(channel_id=cid, variable="IT_GREETING")
    with raises(pkg, "BadRequest", 400, "Variable name is required"):
        ari.channels.get_channel_var(channel_id=cid, variable="")
    with raises(pkg, "BadRequest", 400, "Variable name is required"):
        ari.channels.set_channel_var(channel_id=cid, variable="", value="x")


def test_channel_variable_reported(
    ari: Any, pkg: Package, events: EventLog, originate: Callable[..., Call]
) -> None:
    """``report_events``: the variable is carried in the channel's ``channelvars`` from then on."""
    if (
        "report_events"
        not in inspect.signature(ari.channels.set_channel_var).parameters
    ):
        pytest.skip(
            f"{pkg.label} has no channels.setChannelVar report_events (older spec)"
        )
    cid = originate().id
    ari.channels.set_channel_var(
        channel_id=cid, variable="IT_REPORTED", value="yes", report_events=True
    )
    events.wait("ChannelVarset", channel=cid, variable="IT_REPORTED")
    assert ari.channels.get(channel_id=cid).channelvars == {"IT_REPORTED": "yes"}


def test_channel_variables_in_bulk(
    ari: Any, pkg: Package, events: EventLog, originate: Callable[..., Call]
) -> None:
    pkg.require("channels.setChannelVars", "channels.getChannelVars")
    cid = originate().id
    ari.channels.set_channel_vars(
        channel_id=cid,
        variables={"IT_B1": "one", "IT_B2": {"value": "two", "report_events": True}},
    )
    for name, value in (("IT_B1", "one"), ("IT_B2", "two")):
        assert events.wait("ChannelVarset", channel=cid, variable=name).value == value
    got = ari.channels.get_channel_vars(channel_id=cid, variables=["IT_B1", "IT_B2"])
    assert isinstance(got, pkg.models.Variables)
    assert got.variables == {"IT_B1": "one", "IT_B2": "two"}
    assert ari.channels.get(channel_id=cid).channelvars == {"IT_B2": "two"}
    with raises(pkg, "NotFound", 404, "Provided variable was not found"):
        ari.channels.get_channel_vars(channel_id=cid, variables=["IT_B1", "IT_UNSET"])
    with raises(pkg, "BadRequest", 400, "Each value in 'variables' must be a string or an "
                "object with 'value' and optional 'report_events'"):  # fmt: skip
        ari.channels.set_channel_vars(channel_id=cid, variables={"IT_B3": 3})


# --- move, redirect -------------------------------------------------------------------------------


def test_move_between_applications(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    nowhere = f"{app}-nobody"
    ari.channels.move(channel_id=cid, app=nowhere, app_args="x,y")
    failed = events.wait("ApplicationMoveFailed", channel=cid)
    assert isinstance(failed, pkg.models.ApplicationMoveFailed)
    assert (failed.destination, failed.args) == (nowhere, ["x", "y"])

    other = f"{app}-other"
    with ari.events(app=other) as stream:
        moved = EventLog(stream)
        ari.channels.move(channel_id=cid, app=other, app_args="moved")
        events.wait("StasisEnd", channel=cid)
        start = moved.wait("StasisStart", channel=cid)
        assert start.application == other and start.args == ["moved"]
        ari.channels.move(channel_id=cid, app=app)
        moved.wait("StasisEnd", channel=cid)
        back = events.wait("StasisStart", channel=cid)
        assert back.application == app and back.args == []


def test_redirect(ari: Any, pkg: Package, originate: Callable[..., Call]) -> None:
    cid = originate().id
    with raises(
        pkg, "UnprocessableEntity", 422,
        "Endpoint technology 'Bogus' does not match channel technology 'Local'",
    ):  # fmt: skip
        ari.channels.redirect(channel_id=cid, endpoint="Bogus/x")
    assert ari.channels.redirect(channel_id=cid, endpoint="Local/wait@default") is None


# --- snoop ----------------------------------------------------------------------------------------


def test_snoop(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    spy, whisper = f"{app}-spy", f"{app}-whisper"
    snoop = ari.channels.snoop_channel(
        channel_id=cid, app=app, spy="both", snoop_id=spy
    )
    try:
        assert isinstance(snoop, pkg.models.Channel) and snoop.id == spy
        assert snoop.name.startswith(f"Snoop/{cid}-")
        assert events.wait("StasisStart", channel=spy).args == []
        snoop2 = ari.channels.snoop_channel_with_id(
            channel_id=cid,
            snoop_id=whisper,
            app=app,
            spy="in",
            whisper="out",
            app_args="x,y",
        )
        assert isinstance(snoop2, pkg.models.Channel) and snoop2.id == whisper
        assert events.wait("StasisStart", channel=whisper).args == ["x", "y"]
        needs = "Direction must be specified for at least spy or whisper"
        with raises(pkg, "BadRequest", 400, needs):  # spy and whisper default to none
            ari.channels.snoop_channel(channel_id=cid, app=app)
    finally:
        for snoop_id in (spy, whisper):
            try:
                ari.channels.hangup(channel_id=snoop_id)
            except pkg.errors.NotFound:
                pass
    events.wait("StasisEnd", channel=spy)
    events.wait("StasisEnd", channel=whisper)


# --- external media, RTP statistics ---------------------------------------------------------------


def test_external_media(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(WAIT)
        host = "127.0.0.1:%d" % sock.getsockname()[1]
        eid = f"{app}-em"
        chan = ari.channels.external_media(
            app=app, external_host=host, format="ulaw", channel_id=eid,
            variables={"IT_EM": "1"},
        )  # fmt: skip
        try:
            assert isinstance(chan, pkg.models.Channel) and chan.id == eid
            assert chan.name.startswith(f"UnicastRTP/{host}")
            events.wait("StasisStart", channel=eid)
            assert (
                ari.channels.get_channel_var(channel_id=eid, variable="IT_EM").value
                == "1"
            )
            # media played to the channel arrives here as RTP (version 2, payload type 0: ulaw)
            ari.channels.play(channel_id=eid, media="tone:ring")
            packet = sock.recv(2048)
            assert packet[0] >> 6 == 2 and packet[1] & 0x7F == 0
            # no RTP info for a UnicastRTP channel on this server
            with raises(pkg, "NotFound", 404, "RTP info not found"):
                ari.channels.rtpstatistics(channel_id=eid)
        finally:
            ari.channels.hangup(channel_id=eid)
        events.wait("StasisEnd", channel=eid)
        needs = "external_host is required for all but websocket server connections"
        with raises(pkg, "BadRequest", 400, needs):
            ari.channels.external_media(app=app, format="ulaw")
        needs = "'server' connection_type can only be used with the websocket transport"
        with raises(pkg, "BadRequest", 400, needs):
            ari.channels.external_media(
                app=app, format="ulaw", external_host=host, connection_type="server"
            )


def test_rtpstatistics_of_a_local_channel(
    ari: Any, pkg: Package, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    with raises(pkg, "Forbidden", 403, "Unsupported channel type") as info:
        ari.channels.rtpstatistics(channel_id=cid)
    assert not info.value.documented  # 403 is not among the spec's errorResponses
