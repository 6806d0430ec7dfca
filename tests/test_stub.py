"""The generated stub server checks every request against the spec, as raw HTTP shows."""

from __future__ import annotations

from typing import Any, Iterator

import httpx
import pytest

from ari_client.models import validate_asterisk_info, validate_channel
from ari_client.errors import NotFound
from ari_client.testing import ROUTES, StubAri, StubResponse


@pytest.fixture(scope="module")
def stub() -> Iterator[StubAri]:
    with StubAri(username="u", password="p") as server:
        yield server


@pytest.fixture()
def http(stub: StubAri) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stub.url + "/", auth=("u", "p")) as client:
        yield client


@pytest.mark.parametrize(
    "method, url, status, message",
    [
        ("GET", "nothing/here", 404, "Resource not found"),
        ("PATCH", "channels", 405, "Invalid method"),
        ("POST", "channels?app=x", 400, "Missing required parameter: endpoint"),
        ("POST", "channels?endpoint=PJSIP/a&bogus=1", 400, "Unknown parameter: bogus"),
        (
            "POST",
            "channels?endpoint=PJSIP/a&timeout=abc",
            400,
            "timeout: expected an integer",
        ),
        (
            "POST",
            "channels/c/mute?direction=sideways",
            400,
            "direction: 'sideways' is not one of",
        ),
        (
            "POST",
            "channels/c/record?name=n&format=wav&maxDurationSeconds=-1",
            400,
            "below the minimum",
        ),
        (
            "POST",
            "bridges/b/addChannel?channel=a&mute=maybe",
            400,
            "mute: expected true or false",
        ),
        ("GET", "channels/missing", 404, "Channel not found"),
    ],
)
def test_requests_are_checked(
    http: httpx.Client, method: str, url: str, status: int, message: str
) -> None:
    response = http.request(method, url)
    assert response.status_code == status
    assert message in response.json()["message"]
    assert response.headers["content-type"] == "application/json"


def test_body_parameters_and_unknown_body_keys(
    http: httpx.Client, stub: StubAri
) -> None:
    ok = http.post(
        "channels",
        params={"endpoint": "PJSIP/z", "extension": "wait"},
        json={"variables": {"A": "1"}},
    )
    assert ok.status_code == 200 and validate_channel(ok.json()) == []
    assert stub.channel_vars[ok.json()["id"]] == {"A": "1"}
    bad = http.post("channels", params={"endpoint": "PJSIP/z"}, json={"nope": 1})
    assert bad.status_code == 400 and "nope" in bad.json()["message"]
    not_object = http.post(
        "channels", params={"endpoint": "PJSIP/z"}, json={"variables": 3}
    )
    assert not_object.status_code == 400


def test_authentication(stub: StubAri) -> None:
    assert httpx.get(stub.url + "/channels").status_code == 401
    assert httpx.get(stub.url + "/channels", auth=("u", "x")).status_code == 401
    assert (
        httpx.get(stub.url + "/channels", params={"api_key": "u:p"}).status_code == 200
    )


def test_literal_segments_win_over_parameters(
    http: httpx.Client, stub: StubAri
) -> None:
    created = http.post("channels/create", params={"endpoint": "PJSIP/q", "app": "a"})
    assert created.status_code == 200  # channels.create, not originateWithId("create")
    assert stub.requests[-1].operation == "channels.create"


def test_info_and_overrides(http: httpx.Client, stub: StubAri) -> None:
    info = http.get("asterisk/info")
    assert validate_asterisk_info(info.json()) == []
    stub.handle("asterisk.ping", lambda request: StubResponse(200, {"ping": "custom"}))
    assert http.get("asterisk/ping").json() == {"ping": "custom"}
    with pytest.raises(KeyError):
        stub.handle("channels.fly", lambda request: None)


def test_every_operation_is_routable() -> None:
    seen = set()
    for route in ROUTES:
        path = "/ari" + route.path.replace("{", "x").replace("}", "")
        found, _, status = StubAri._route(route.method, path)
        assert found is not None, route
        seen.add(found.operation)
    assert len(seen) == len(ROUTES)


# --- the in-memory Asterisk, as the new user met it -----------------------------------

from ari_client import AriClient  # noqa: E402
from ari_client.errors import BadRequest, Conflict, UnprocessableEntity  # noqa: E402
from ari_client.testing import Dialplan  # noqa: E402


def _kinds(stub: StubAri, app: str) -> list[str]:
    return [e["type"] for e in stub.sent if e["application"] == app]


def test_every_operation_has_a_model() -> None:
    """Nothing the spec has answers 501 "not implemented" (unless Asterisk itself does)."""
    with StubAri() as stub:
        served = {
            r.operation for r in ROUTES if not r.websocket
        }  # the upgrade: the server
        assert served <= set(stub.pbx.handlers())


def test_local_channel_halves_dtmf_and_playback_finished() -> None:
    with StubAri(time_scale=None) as stub, stub.client() as ari:
        stub.dialplan.add("it", "_[a-z].", 1, "Stasis", "${EXTEN}")
        with ari.events(app="demo"):  # registered when entered: no polling
            ari.channels.originate(
                endpoint="Local/demo@it",
                app="demo",
                channel_id="a",
                other_channel_id="b",
            )
            start_b = stub.wait_event("StasisStart", channel="b")
            assert start_b["channel"]["state"] == "Ring"
            ari.channels.answer(channel_id="b")
            start_a = stub.wait_event("StasisStart", channel="a")
            assert start_a["channel"]["state"] == "Up"
            assert start_a["channel"]["name"].endswith(";1")
            ari.channels.send_dtmf(channel_id="a", dtmf="7", duration=120)
            stub.advance(1)
            dtmf = stub.wait_event("ChannelDtmfReceived", channel="b")
            assert (dtmf["digit"], dtmf["duration_ms"]) == ("7", 120)
            playback = ari.channels.play(channel_id="b", media="sound:beep")
            stub.wait_event("PlaybackStarted", playback=playback.id)
            assert ari.playbacks.get(playback_id=playback.id).state == "playing"
            stub.advance(0.25)  # sound:beep is 0.25 s
            done = stub.wait_event("PlaybackFinished", playback=playback.id)
            assert done["playback"]["state"] == "done"
            ari.channels.hangup(channel_id="a")
            stub.wait_event("ChannelDestroyed", channel="b")
        kinds = _kinds(stub, "demo")
        assert kinds.index("ChannelHangupRequest") < kinds.index("StasisEnd")
        assert stub.channels == {}


def test_originate_to_a_remote_party_starts_up_and_playbacks_end_with_the_channel() -> (
    None
):
    with StubAri(time_scale=None) as stub, stub.client() as ari:
        with ari.events(app="ivr"):
            chan = ari.channels.originate(endpoint="PJSIP/alice", app="ivr")
            start = stub.wait_event("StasisStart", channel=chan.id)
            assert start["channel"]["state"] == "Up"
            pb = ari.channels.play(channel_id=chan.id, media="tone:ring")
            stub.wait_event("PlaybackStarted", playback=pb.id)
            stub.caller(chan.id).hangup(17)
            assert (
                stub.wait_event("PlaybackFinished", playback=pb.id)["playback"]["state"]
                == "failed"
            )
            destroyed = stub.wait_event("ChannelDestroyed", channel=chan.id)
            assert destroyed["cause_txt"] == "User busy"
        with pytest.raises(NotFound):
            ari.playbacks.get(playback_id=pb.id)


def test_statuses_as_asterisk_answers(http: httpx.Client, stub: StubAri) -> None:
    with stub.client() as ari:
        with ari.events(app="st"):
            chan = ari.channels.originate(endpoint="Local/wait@default", app="st")
            stub.wait_event("StasisStart", channel=chan.id)
            mute = http.post(f"channels/{chan.id}/mute")  # no direction: Asterisk's 400
            assert (mute.status_code, mute.json()) == (
                400,
                {"message": "Direction is required"},
            )
            with pytest.raises(UnprocessableEntity) as redirect:
                ari.channels.redirect(channel_id=chan.id, endpoint="PJSIP/bob")
            assert "does not match channel technology 'Local'" in redirect.value.message
            with pytest.raises(BadRequest):
                ari.channels.send_dtmf(channel_id=chan.id)
            ari.channels.hangup(channel_id=chan.id)
        dp = ari.channels.originate(
            endpoint="Local/wait@default", context="default", extension="wait"
        )
        with pytest.raises(Conflict) as conflict:
            ari.channels.answer(channel_id=dp.id)
        assert conflict.value.message == "Channel not in Stasis application"
        ari.channels.hangup(channel_id=dp.id)


def test_recording_snoop_and_manual_clock() -> None:
    with StubAri(time_scale=None) as stub, stub.client() as ari:
        with ari.events(app="rec"):
            chan = ari.channels.originate(endpoint="Local/wait@default", app="rec")
            stub.wait_event("StasisStart", channel=chan.id)
            live = ari.channels.record(
                channel_id=chan.id, name="msg", format="wav", max_duration_seconds=2
            )
            assert live.state == "queued"
            stub.wait_event("RecordingStarted", recording="msg")
            ari.recordings.pause(recording_name="msg")
            stub.advance(5)  # paused: the maximum does not run out
            assert ari.recordings.get_live(recording_name="msg").state == "paused"
            ari.recordings.unpause(recording_name="msg")
            stub.advance(2)
            finished = stub.wait_event("RecordingFinished", recording="msg")
            assert finished["recording"]["duration"] == 2
            data = ari.recordings.get_stored_file(recording_name="msg")
            assert data[:4] == b"RIFF" and len(data) == 44 + 2 * 8000 * 2
            snoop = ari.channels.snoop_channel(channel_id=chan.id, app="rec", spy="in")
            assert snoop.name.startswith(f"Snoop/{chan.id}-")
            stub.wait_event("StasisStart", channel=snoop.id)
            ari.channels.hangup(channel_id=chan.id)  # takes its snoop along
            stub.wait_event("StasisEnd", channel=snoop.id)
            stub.wait_event(
                "ChannelDestroyed", channel=chan.id
            )  # (it originated that one)
        assert stub.channels == {}


def test_caller_incoming_call_through_the_dialplan() -> None:
    plan = Dialplan.default().extend("default", "100", "Answer()", "Stasis(ivr,menu)")
    with StubAri(dialplan=plan, time_scale=0) as stub, stub.client() as ari:
        with ari.events(app="ivr") as stream:
            caller = stub.call("PJSIP/alice", extension="100", caller_id='"Al" <1>')
            start = stub.wait_event("StasisStart", channel=caller.id)
            assert start["args"] == ["menu"] and start["channel"]["state"] == "Up"
            assert start["channel"]["caller"] == {"name": "Al", "number": "1"}
            ari.channels.send_dtmf(channel_id=caller.id, dtmf="42")
            caller.send_dtmf("9")
            stub.wait_event("ChannelDtmfReceived", channel=caller.id, digit="9")
            assert caller.dtmf_heard == ["4", "2"]
            ari.channels.play(channel_id=caller.id, media="sound:beep")
            stub.wait_event("PlaybackFinished")
            assert caller.media_heard == ["sound:beep"]
            caller.hangup()
            stub.wait_event("StasisEnd", channel=caller.id)
            kinds = [type(stream.next(timeout=5)).__name__ for _ in range(3)]
            assert kinds == ["ChannelVarset", "StasisStart", "ChannelDtmfReceived"]


def test_faults_and_waits() -> None:
    with StubAri() as stub, stub.client() as ari:
        stub.fail("asterisk.ping", 503, "busy")
        with pytest.raises(errors_module().ServiceUnavailable):
            ari.asterisk.ping()
        assert ari.asterisk.ping().ping == "pong"  # once only
        assert [r.status for r in stub.requests[-2:]] == [503, 200]
        stub.fail("events.eventWebsocket", 500, times=1)
        with pytest.raises(errors_module().InternalServerError):
            ari.events(app="x").connect()
        with pytest.raises(TimeoutError):
            stub.wait_subscribed("nobody", timeout=0.05)
        with ari.events(app="x"):
            stub.wait_subscribed("x", timeout=1)
            assert stub.subscribed("x")
            assert ari.applications.get(application_name="x").name == "x"
        with pytest.raises(NotFound):
            ari.applications.get(application_name="x")  # closed: unregistered


def errors_module() -> Any:
    from ari_client import errors

    return errors


def test_async_waits() -> None:
    import asyncio

    async def main() -> None:
        async with StubAri(time_scale=0) as stub:
            async with stub.async_client() as ari:
                async with ari.events(app="a"):
                    chan = await ari.channels.originate(endpoint="PJSIP/x", app="a")
                    found = await stub.async_wait_channel(chan.id, state="Up", app="a")
                    assert found["state"] == "Up"
                    await ari.channels.hangup(channel_id=chan.id)
                    await stub.async_wait_event("ChannelDestroyed", channel=chan.id)

    asyncio.run(main())


def test_a_reconnected_application_keeps_its_channels() -> None:
    from ari_client.events import Backoff

    with StubAri(time_scale=0) as stub:
        fast = Backoff(initial=0.05, factor=1.0, maximum=0.05, jitter=0.0)
        with stub.client(backoff=fast) as ari, ari.events(app="re") as stream:
            chan = ari.channels.originate(endpoint="PJSIP/x", app="re")
            stub.wait_event("StasisStart", channel=chan.id)
            count = stub.websocket_count
            stub.drop_websockets()  # a network cut: the client reconnects on its own
            stub._wait(lambda: stub.websocket_count > count, 5, "no reconnection")
            stub.wait_subscribed("re")
            since = stub.mark()
            ari.channels.set_channel_var(channel_id=chan.id, variable="X", value="1")
            stub.wait_event("ChannelVarset", since=since, channel=chan.id)
            event = stream.next(timeout=5)
            while getattr(event, "variable", None) != "X":  # the stream gets it too
                event = stream.next(timeout=5)
            assert event.channel.id == chan.id


# --- found in review: the stub's own robustness ----------------------------------------------------


def test_add_channel_without_an_application_makes_a_ringing_channel() -> None:
    with StubAri() as stub:
        snapshot = stub.add_channel("c1", language="fr")
        assert (snapshot["id"], snapshot["state"], snapshot["language"]) == (
            "c1",
            "Ring",
            "fr",
        )
        assert "c1" in stub.channels
        caller = stub.caller("c1")
        caller.hangup()
        caller.hangup()  # already gone: nothing more happens
        hangups = [e for e in stub.sent if e["type"] == "ChannelHangupRequest"]
        assert len(hangups) <= 1


def test_a_request_repr_shows_no_credentials() -> None:
    with StubAri(password="s3cret") as stub:
        with stub.client() as ari:
            ari.asterisk.get_info()
        with httpx.Client() as raw:
            raw.get(f"{stub.url}/asterisk/info", params={"api_key": "asterisk:s3cret"})
        text = repr(stub.requests)
        assert "s3cret" not in text and "Basic " not in text and "YXN0" not in text


def test_a_delayed_request_keeps_its_deferred_work_while_another_fails() -> None:
    """The originate's StasisStart is deferred until its answer is written; a 404 answered
    meanwhile to another request must not discard it."""
    import threading

    with StubAri() as stub, stub.client() as a, stub.client() as b, a.events(app="x"):
        stub.delay("channels.originate", 1.0, times=1)
        thread = threading.Thread(
            target=lambda: a.channels.originate(
                endpoint="PJSIP/x", app="x", channel_id="c1"
            )
        )
        thread.start()
        stub._wait(
            lambda: any(r.operation == "channels.originate" for r in stub.requests),
            5,
            "no originate",
        )
        with pytest.raises(NotFound):
            b.channels.get(channel_id="nope")
        thread.join(10)
        assert stub.wait_channel("c1", app="x", timeout=5)["id"] == "c1"


def test_a_port_in_use_is_an_error_at_once() -> None:
    import socket
    import time

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        started = time.monotonic()
        with pytest.raises(OSError):
            with StubAri(port=busy.getsockname()[1]):
                pass
        assert (
            time.monotonic() - started < 5
        )  # a bound, not a timing assertion: it was 10 s


def test_stopping_closes_keep_alive_connections() -> None:
    stub = StubAri().__enter__()
    with httpx.Client(auth=("asterisk", "asterisk")) as raw:
        assert raw.get(f"{stub.url}/asterisk/ping").status_code == 200
        stub.__exit__(None, None, None)  # with the connection still open
        assert stub._thread is None  # the stub's thread ended (join did not time out)
        with pytest.raises(httpx.TransportError):
            raw.get(f"{stub.url}/asterisk/ping")
