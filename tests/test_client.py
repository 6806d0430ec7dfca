"""The generated sync client against the generated stub server, over real sockets on 127.0.0.1."""

from __future__ import annotations

import base64

import socket
import threading
from typing import Iterator

import pytest

from ari_client import AriClient
from ari_client import errors
from ari_client.errors import (
    AriVersionWarning,
    BadRequest,
    Conflict,
    ConnectionFailed,
    HttpError,
    InternalServerError,
    NotFound,
    ServiceUnavailable,
    Timeout,
    Unauthorized,
    Unimplemented,
    UnexpectedStatus,
    ValidationError,
)
from ari_client.models import (
    Bridge,
    Channel,
    ChannelsMuteDirection,
    Playback,
    validate_bridge,
    validate_channel,
    validate_playback,
)
from ari_client.testing import StubAri, StubResponse


@pytest.fixture(scope="module")
def stub() -> Iterator[StubAri]:
    with StubAri() as server:
        yield server


@pytest.fixture()
def ari(stub: StubAri) -> Iterator[AriClient]:
    with stub.client() as client:
        yield client


@pytest.fixture()
def ivr(ari: AriClient) -> Iterator[None]:
    """The application ``ivr`` is registered (its events websocket open), as on Asterisk a
    channel needs one to stay in Stasis."""
    with ari.events(app="ivr"):
        yield


def test_originate_with_variables_get_list(
    stub: StubAri, ari: AriClient, ivr: None
) -> None:
    chan = ari.channels.originate(
        endpoint="PJSIP/alice",
        app="ivr",
        variables={
            "CALLERID(name)": "IVR",
            "REPORTED": {"value": "x", "report_events": True},
        },
    )
    assert isinstance(chan, Channel)
    sent = stub.requests[-1]
    assert sent.operation == "channels.originate"
    assert sent.body == {
        "variables": {
            "CALLERID(name)": "IVR",
            "REPORTED": {"value": "x", "report_events": True},
        }
    }
    assert ("endpoint", "PJSIP/alice") in sent.query and ("app", "ivr") in sent.query
    # a spec default is sent: Asterisk does not apply every default its spec documents
    assert dict(sent.query)["timeout"] == "30"
    assert validate_channel(stub.channels[chan.id]) == []
    assert ari.channels.get(chan.id).id == chan.id
    stub.wait_channel(chan.id, state="Up", app="ivr")  # PJSIP/alice answered
    assert chan.id in [c.id for c in ari.channels.list()]
    assert all(isinstance(c, Channel) for c in ari.channels.list())


def test_answer_and_variables(stub: StubAri, ari: AriClient, ivr: None) -> None:
    chan = stub.call("PJSIP/bob", app="ivr", variables={"A": "1"})  # ringing, in Stasis
    assert ari.channels.answer(chan.id) is None
    assert ari.channels.get(channel_id=chan.id).state == "Up"
    assert ari.channels.get_channel_var(chan.id, variable="A").value == "1"
    ari.channels.set_channel_var(channel_id=chan.id, variable="LANG", value="en")
    assert ari.channels.get_channel_var(chan.id, "LANG").value == "en"
    with pytest.raises(NotFound) as info:
        ari.channels.get_channel_var(chan.id, variable="UNSET")
    error = info.value
    assert error.status == 404
    assert error.reason == "Channel or variable not found"  # the spec's reason
    assert error.message == "Provided variable was not found"  # the server's
    assert error.operation == "channels.getChannelVar" and error.documented
    ari.channels.hangup(chan.id, reason="normal")
    with pytest.raises(NotFound) as gone:
        ari.channels.get(chan.id)
    assert gone.value.reason == "Channel not found" and isinstance(
        gone.value, errors.ClientError
    )


def test_bridge_add_channel_and_play(stub: StubAri, ari: AriClient, ivr: None) -> None:
    stub.add_sound("hello-world", 1.5)
    a = stub.call("PJSIP/a", app="ivr")
    b = stub.call("PJSIP/b", app="ivr")
    bridge = ari.bridges.create(type="mixing", name="b1")
    assert isinstance(bridge, Bridge) and validate_bridge(bridge.to_dict()) == []
    ari.bridges.add_channel(bridge.id, channel=[a.id, b.id], mute=True)
    sent = stub.requests[-1]
    # every parameter with a spec default is sent, at its default when not given
    assert dict(sent.query) == {
        "channel": f"{a.id},{b.id}",
        "mute": "true",
        "absorbDTMF": "false",
        "inhibitConnectedLineUpdates": "false",
    }
    assert ari.bridges.get(bridge.id).channels == [a.id, b.id]
    assert bridge.id in [x.id for x in ari.bridges.list()]
    playback = ari.channels.play(
        a.id, media=["sound:hello-world", "sound:beep"], lang="en"
    )
    assert isinstance(playback, Playback) and playback.media_uri == "sound:hello-world"
    assert validate_playback(playback.to_dict()) == []
    assert ari.playbacks.get(playback.id).target_uri == f"channel:{a.id}"
    single = ari.bridges.play(
        bridge.id, media="sound:one"
    )  # one value for allowMultiple
    assert single.target_uri == f"bridge:{bridge.id}"


def test_binary_download(stub: StubAri, ari: AriClient) -> None:
    content = bytes(range(256)) * 40
    stub.add_recording("msg", content)
    assert ari.recordings.get_stored_file("msg") == content
    assert ari.recordings.get_stored("msg").format == "wav"
    with pytest.raises(NotFound):
        ari.recordings.get_stored_file("nope")


def test_asterisk_info(ari: AriClient) -> None:
    info = ari.asterisk.get_info()
    assert info.system is not None and info.build is not None
    only = ari.asterisk.get_info(only=["system"])
    assert only.build is None and only.system is not None


def test_typed_http_errors(stub: StubAri, ari: AriClient) -> None:
    with pytest.raises(BadRequest) as bad:
        ari.channels.originate(
            endpoint="no-slash"
        )  # the stub, like Asterisk, refuses it
    assert bad.value.reason == "Invalid parameters for originating a channel."
    assert bad.value.message == "Invalid endpoint specified"  # Asterisk's words
    ari.channels.originate(endpoint="PJSIP/x", extension="wait", channel_id="dup")
    with pytest.raises(Conflict) as conflict:
        ari.channels.originate(endpoint="PJSIP/x", extension="wait", channel_id="dup")
    assert conflict.value.status == 409
    assert conflict.value.reason == "Channel with given unique ID already exists."
    stub.fail("channels.snoopChannel", 501, "Not Implemented")
    with pytest.raises(Unimplemented) as unimplemented:  # 501, not in the spec
        ari.channels.snoop_channel("dup", app="spy", spy="in")
    assert unimplemented.value.status == 501 and not unimplemented.value.documented
    assert isinstance(unimplemented.value, errors.ServerError)


def test_wrong_password_is_unauthorized(stub: StubAri) -> None:
    with stub.client(password="wrong") as client:
        with pytest.raises(Unauthorized) as info:
            client.channels.list()
    assert info.value.status == 401 and info.value.reason == "Unauthorized"
    assert info.value.message == "Authentication required"


def test_api_key_credentials(stub: StubAri) -> None:
    with AriClient(stub.url, api_key=f"{stub.username}:{stub.password}") as client:
        assert isinstance(client.channels.list(), list)
    # the key travels as basic credentials (Asterisk checks both against the same users),
    # so it is in no URL, exception or log line
    sent = stub.requests[-1]
    assert all(k != "api_key" for k, _ in sent.query)
    token = base64.b64encode(f"{stub.username}:{stub.password}".encode()).decode()
    assert sent.headers["authorization"] == f"Basic {token}"
    with pytest.raises(ValueError):
        AriClient(stub.url, api_key="a:b", username="a", password="b")
    with pytest.raises(ValueError) as info:
        AriClient(stub.url, api_key="no-colon-secret")
    assert "no-colon-secret" not in str(info.value)


def test_credentials_in_the_base_url_are_taken_out(stub: StubAri) -> None:
    url = stub.url.replace("http://", f"http://{stub.username}:{stub.password}@")
    with AriClient(url) as client:
        assert isinstance(client.channels.list(), list)
        assert stub.password not in client.base_url and stub.password not in repr(
            client
        )
        with pytest.raises(NotFound) as info:
            client.channels.get("nope")
    assert stub.password not in str(info.value) and stub.password not in info.value.url


@pytest.mark.parametrize(
    "response, cls, message",
    [
        (
            StubResponse(500, {"message": "Internal error"}),
            InternalServerError,
            "Internal error",
        ),
        (
            StubResponse(500, {"error": "Allocation failed"}),
            InternalServerError,
            "Allocation failed",
        ),
        (StubResponse(500, b""), InternalServerError, ""),
        (
            StubResponse(
                503,
                b"<html><head><title>503 Service Unavailable</title></head>"
                b"<body><h1>Service Unavailable</h1><p>try later</p></body></html>",
                "text/html",
            ),
            ServiceUnavailable,
            "Service Unavailable",
        ),
        (StubResponse(418, b"teapot", "text/plain"), UnexpectedStatus, "teapot"),
    ],
)
def test_odd_error_bodies(
    stub: StubAri, ari: AriClient, response: StubResponse, cls: type, message: str
) -> None:
    stub.handle("asterisk.ping", lambda request: response)
    with pytest.raises(cls) as info:
        ari.asterisk.ping()
    assert isinstance(info.value, HttpError)
    assert info.value.status == response.status
    assert info.value.message == message
    assert not info.value.documented


def test_invalid_response_body(stub: StubAri, ari: AriClient) -> None:
    stub.handle(
        "playbacks.get", lambda request: StubResponse(200, b"not json", "text/plain")
    )
    with pytest.raises(errors.InvalidResponse):
        ari.playbacks.get("x")
    stub.handle("playbacks.get", lambda request: {"id": "x"})  # required fields missing
    with pytest.raises(errors.InvalidResponse) as info:
        ari.playbacks.get("x")
    assert {p.path for p in info.value.problems} >= {"media_uri", "state", "target_uri"}


def test_validation_before_sending(stub: StubAri, ari: AriClient) -> None:
    before = len(stub.requests)
    with pytest.raises(ValidationError) as info:
        ari.channels.record(
            "c1",
            name="msg",
            format="wav",
            if_exists="bogus",  # type: ignore[arg-type]
            max_silence_seconds=-1,
            beep="yes",  # type: ignore[arg-type]
        )
    paths = {p.path: p.message for p in info.value.problems}
    assert set(paths) == {"ifExists", "maxSilenceSeconds", "beep"}
    assert paths["ifExists"].startswith("must be one of")
    with pytest.raises(ValidationError) as missing:
        ari.channels.move("c1", app=None)  # type: ignore[arg-type]
    assert [(p.path, p.message) for p in missing.value.problems] == [
        ("app", "missing required parameter")
    ]
    with pytest.raises(ValidationError) as multi:
        ari.bridges.add_channel("b", channel=[])
    assert multi.value.problems[0].path == "channel"
    with pytest.raises(ValidationError) as comma:
        ari.channels.play("c1", media=["sound:a,b", 3])  # type: ignore[list-item]
    assert [p.path for p in comma.value.problems] == ["media[0]", "media[1]"]
    with pytest.raises(ValidationError):
        ari.channels.get("")
    with pytest.raises(ValidationError):
        ari.channels.originate(endpoint="PJSIP/a", timeout="30")  # type: ignore[arg-type]
    assert len(stub.requests) == before  # nothing was sent
    # the StrEnum and the literal string are both accepted; a default is sent as well
    # (Asterisk answers 400 "Direction is required" to a mute without direction)
    with ari.events(app="ivr"):
        chan = stub.call("PJSIP/r", app="ivr")
        _mute_directions(stub, ari, chan.id)


def _mute_directions(stub: StubAri, ari: AriClient, channel_id: str) -> None:
    ari.channels.mute(channel_id, direction=ChannelsMuteDirection.IN)
    assert dict(stub.requests[-1].query) == {"direction": "in"}
    ari.channels.mute(channel_id, direction="out")
    assert dict(stub.requests[-1].query) == {"direction": "out"}
    ari.channels.mute(channel_id, direction="both")
    assert dict(stub.requests[-1].query) == {"direction": "both"}
    ari.channels.unmute(channel_id)
    assert dict(stub.requests[-1].query) == {"direction": "both"}


@pytest.mark.parametrize(
    "evil", ["../../asterisk/info", "a/b?c#d", "..", ".", "%2F", "x y"]
)
def test_path_injection_stays_one_segment(
    stub: StubAri, ari: AriClient, evil: str
) -> None:
    with pytest.raises(NotFound):
        ari.channels.get(evil)
    seen = stub.requests[-1]
    assert seen.operation == "channels.get"
    assert seen.path_params == {"channelId": evil}
    assert seen.path.count("/") == 3  # /ari/channels/<one segment>
    assert seen.query == []


def test_connection_failed_and_timeout() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with AriClient(
        f"http://127.0.0.1:{port}/ari", username="u", password="p"
    ) as client:
        with pytest.raises(ConnectionFailed):
            client.asterisk.ping()
    # a server that accepts and never answers
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(
        target=lambda: accepted.append(server.accept()[0]), daemon=True
    )
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/ari"
        with AriClient(url, username="u", password="p", timeout=0.3) as client:
            with pytest.raises(Timeout) as info:
                client.asterisk.ping()
        assert isinstance(info.value, errors.TransportError)
    finally:
        thread.join(5)
        for s in accepted:
            s.close()
        server.close()


def test_version_warning() -> None:
    with StubAri(asterisk_version="13.0.0") as old:
        with old.client() as client:
            assert client.server_version is None
            assert client.detect_server_version() == "13.0.0"
            with (
                client.events(app="x"),
                pytest.warns(AriVersionWarning, match="14.0.0"),
            ):
                client.channels.create(endpoint="PJSIP/a", app="x")
                old.wait_event("StasisStart", app="x")
                with pytest.warns(AriVersionWarning, match="13.26.0"):
                    client.channels.move(client.channels.list()[0].id, app="y")
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("error")
                client.channels.list()  # since 12.0.0: no warning
    with StubAri(asterisk_version="GIT-master-abc") as git:
        with git.client() as client:
            assert client.detect_server_version() == "GIT-master-abc"
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("error")
                client.channels.create(endpoint="PJSIP/a", app="x")  # unknown: newest


def test_since_rules() -> None:
    from ari_client._http import available, parse_version

    assert parse_version("certified/18.9-cert5") == (18, 9, 0)
    assert parse_version("GIT-master-f0c1c1a7b7") is None
    move = ("13.26.0", "16.3.0")
    assert not available(move, (16, 2, 0))
    assert available(move, (16, 3, 0)) and available(move, (17, 0, 0))
    assert available(move, (13, 27, 1)) and not available(move, (14, 7, 0))
    progress = ("22.6.0", "21.11.0", "20.16.0")
    assert not available(progress, (21, 5, 0)) and available(progress, (20, 16, 1))
    assert available(progress, (23, 0, 0)) and not available(progress, (19, 0, 0))


def test_injected_http_client_is_reused_and_not_closed(stub: StubAri) -> None:
    import httpx

    http = httpx.Client(timeout=5)
    with AriClient(
        stub.url, username=stub.username, password=stub.password, http_client=http
    ) as c:
        c.channels.list()
        c.channels.list()
    assert not http.is_closed
    http.close()
