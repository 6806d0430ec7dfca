"""What the real Asterisk showed the client got wrong, pinned down over real sockets on the stub.

Each test failed before its fix; tests/integration checks the same against the real server.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections import OrderedDict
from typing import Any, Iterator, List

import pytest

from ari_client import AriClient, AsyncAriClient
from ari_client.errors import ConnectionFailed, NotFound, Unauthorized, ValidationError
from ari_client.events import Backoff, Connected, InvalidMessage
from ari_client.models import (
    Application,
    ConfigTuple,
    Event,
    StasisStart,
    parse_message,
    validate_channel,
    validate_stasis_start,
)
from ari_client.testing import StubAri, StubResponse

from .conftest import DATA

SECRET = "s3cr3t-Pa55"


@pytest.fixture()
def stub() -> Iterator[StubAri]:
    with StubAri() as server:
        yield server


@pytest.fixture()
def ari(stub: StubAri) -> Iterator[AriClient]:
    with stub.client() as client:
        yield client


def payload(name: str) -> Any:
    return json.loads((DATA / "payloads" / f"{name}.json").read_text())[0]


# --- parameters with a spec default are sent --------------------------------------------------


def test_mute_without_direction_sends_the_spec_default(
    stub: StubAri, ari: AriClient
) -> None:
    with ari.events(app="wire"):
        chan = stub.call("PJSIP/a", app="wire")
        ari.channels.mute(chan.id)  # without the default: Asterisk's 400
        assert dict(stub.requests[-1].query) == {"direction": "both"}
        ari.channels.unmute(chan.id, direction="both")
        assert dict(stub.requests[-1].query) == {"direction": "both"}


# --- bodies as Asterisk reads them --------------------------------------------------------------


def test_update_object_sends_a_list_of_config_tuples(
    stub: StubAri, ari: AriClient
) -> None:
    stub.handle("asterisk.updateObject", lambda request: [])
    fields = [ConfigTuple(attribute="max_contacts", value="2")]
    assert ari.asterisk.update_object("res_pjsip", "aor", "a1", fields=fields) == []
    assert stub.requests[-1].body == {
        "fields": [{"attribute": "max_contacts", "value": "2"}]
    }
    before = len(stub.requests)
    with pytest.raises(ValidationError) as info:
        ari.asterisk.update_object(
            "res_pjsip", "aor", "a1", fields={"max_contacts": "2"}  # type: ignore[arg-type]
        )
    assert "expected a list of ConfigTuple" in str(info.value)
    assert len(stub.requests) == before


def test_application_filter_is_the_whole_body(stub: StubAri, ari: AriClient) -> None:
    seen: List[Any] = []

    def answer(request: Any) -> Any:
        seen.append(request.params["filter"])
        return {
            "name": "demo", "channel_ids": [], "bridge_ids": [], "endpoint_ids": [],
            "device_names": [], "events_allowed": request.body["allowed"],
            "events_disallowed": [],
        }  # fmt: skip

    stub.handle("applications.filter", answer)
    wanted = {"allowed": [{"type": "StasisStart"}], "disallowed": []}
    app = ari.applications.filter("demo", filter=wanted)
    assert stub.requests[-1].body == wanted  # not {"filter": {...}}
    assert seen == [wanted]
    assert isinstance(app, Application) and app.events_allowed == [
        {"type": "StasisStart"}
    ]


# --- REST over the websocket ------------------------------------------------------------------


def test_binary_response_over_the_websocket_is_exact(stub: StubAri) -> None:
    content = bytes(range(256)) * 8  # not UTF-8: a text frame would mangle it
    stub.add_recording("msg", content)
    with stub.client() as ari:
        with ari.events(app="demo"):
            over = ari.over_websocket()
            assert over.recordings.get_stored_file("msg") == content
            assert (
                over.asterisk.ping().ping == "pong"
            )  # JSON still goes over the websocket
            with pytest.raises(NotFound):
                over.recordings.get_stored_file("nope")
    kinds = [(r.operation, r.over_websocket) for r in stub.requests]
    assert ("recordings.getStoredFile", False) in kinds
    assert ("asterisk.ping", True) in kinds


def test_binary_response_over_the_async_websocket_is_exact(stub: StubAri) -> None:
    content = b"RIFF\xff\xfe\x00\x80" * 100
    stub.add_recording("msg", content)

    async def main() -> bytes:
        async with stub.async_client() as ari:
            async with ari.events(app="demo"):
                return await ari.over_websocket().recordings.get_stored_file("msg")

    assert asyncio.run(main()) == content


def test_the_stub_answers_binary_over_the_websocket_as_asterisk_does(
    stub: StubAri,
) -> None:
    """Asterisk: 406 "Not Acceptable.  Use HTTP GET" (tests/integration checks it for real)."""
    from websockets.sync.client import connect

    stub.add_recording("msg", b"\x00\xff")
    url = stub.url.replace("http", "ws") + "/events?app=demo"
    token = base64.b64encode(f"{stub.username}:{stub.password}".encode()).decode()
    auth = {"Authorization": f"Basic {token}"}
    with connect(url, additional_headers=auth) as ws:
        ws.send(json.dumps({"type": "RESTRequest", "request_id": "1", "method": "GET",
                            "uri": "recordings/stored/msg/file"}))  # fmt: skip
        reply = json.loads(ws.recv(timeout=5))
    assert reply["status_code"] == 406 and "message_body" not in reply


# --- events are never dropped -----------------------------------------------------------------


def test_an_event_that_does_not_fit_its_class_arrives_as_its_base(
    stub: StubAri,
) -> None:
    broken = payload("StasisStart")
    del broken["channel"]["caller"]  # a required field Asterisk might drop one day
    assert validate_stasis_start(broken) != []
    with pytest.raises(ValidationError):
        parse_message(broken)  # strict by default
    with stub.client() as ari:
        with ari.events(app=broken["application"]) as stream:
            assert stub.push_event(broken) == 1
            event = stream.next(timeout=5)
    assert type(event) is Event and not isinstance(event, StasisStart)
    assert event.type == "StasisStart" and event.to_dict() == broken  # every field kept
    assert type(parse_message(broken, strict=False)) is Event


def test_a_message_that_is_no_event_reaches_its_handler(
    stub: StubAri, caplog: pytest.LogCaptureFixture
) -> None:
    invalid: List[InvalidMessage] = []
    start = payload("StasisStart")
    with stub.client() as ari:
        ari.on(InvalidMessage)(invalid.append)
        with ari.events(app=start["application"]) as stream:
            assert stub.push_frame("{not json", app=start["application"]) == 1
            assert stub.push_frame('["no", "type"]', app=start["application"]) == 1
            stub.push_event(start)
            assert isinstance(stream.next(timeout=5), StasisStart)
            assert stream.invalid_messages == 2
    assert [m.frame for m in invalid] == ["{not json", '["no", "type"]']
    assert all(m.error for m in invalid)


# --- validators take what decoders take ---------------------------------------------------------


def test_validators_accept_any_mapping() -> None:
    text = json.dumps(payload("StasisStart"))
    ordered = json.loads(text, object_pairs_hook=OrderedDict)
    assert validate_stasis_start(ordered) == []
    assert validate_channel(ordered["channel"]) == []
    assert parse_message(ordered).to_dict() == json.loads(text)


# --- no secret in an exception, a log record or a repr ------------------------------------------


def _assert_secret_free(texts: List[str]) -> None:
    for text in texts:
        assert SECRET not in text, text


def test_no_secret_in_errors_logs_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: List[str] = []
    with StubAri(username="app", password=SECRET) as stub:
        for options in (
            {"api_key": f"app:{SECRET}"},
            {"username": "app", "password": SECRET},
        ):
            with AriClient(stub.url, **options) as ari:  # type: ignore[arg-type]
                seen.append(repr(ari))
                with pytest.raises(NotFound) as missing:
                    ari.channels.get("nope")
                seen += [str(missing.value), repr(missing.value), missing.value.url]
                with ari.events(app="demo") as stream:
                    seen += [repr(stream), stream.url]
        with AriClient(stub.url, api_key=f"app:wrong-{SECRET}") as ari:
            with pytest.raises(Unauthorized) as denied:
                ari.channels.list()
            seen += [str(denied.value), repr(denied.value)]
            with pytest.raises(Unauthorized) as ws_denied:
                ari.events(app="demo").connect()
            seen += [str(ws_denied.value), repr(ws_denied.value)]
        url = stub.url
    # the server is gone: connection errors
    with AriClient(url, api_key=f"app:{SECRET}", timeout=2) as ari:
        with pytest.raises(ConnectionFailed) as down:
            ari.channels.list()
        seen += [str(down.value), repr(down.value)]
        with pytest.raises(ConnectionFailed) as ws_down:
            ari.events(app="demo").connect()
        seen += [str(ws_down.value)]
    with AriClient(url.replace("http://", f"http://app:{SECRET}@"), timeout=2) as ari:
        seen += [repr(ari), ari.base_url]
        with pytest.raises(ConnectionFailed) as down:
            ari.channels.list()
        seen += [str(down.value)]
    seen += [r.getMessage() for r in caplog.records] + [caplog.text]
    assert any("channels" in text for text in seen)  # the texts are real
    _assert_secret_free(seen)


def test_no_secret_when_the_async_client_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)

    async def main() -> List[str]:
        texts: List[str] = []
        with StubAri(username="app", password=SECRET) as stub:
            stub.handle(
                "asterisk.ping", lambda request: StubResponse(500, {"message": "boom"})
            )
            async with AsyncAriClient(
                stub.url, api_key=f"app:{SECRET}", backoff=Backoff(initial=0.01)
            ) as ari:
                try:
                    await ari.asterisk.ping()
                except Exception as exc:  # InternalServerError
                    texts += [str(exc), repr(exc)]
        return texts

    texts = asyncio.run(main())
    assert texts and "500" in texts[0]
    _assert_secret_free(texts + [caplog.text])


# --- what the integration suite showed next ---------------------------------------------------


def test_an_error_rest_response_without_body_keeps_the_reason_phrase(
    stub: StubAri,
) -> None:
    stub.handle("asterisk.ping", lambda request: StubResponse(503, None))
    with stub.client() as ari:
        with ari.events(app="demo"):
            with pytest.raises(Exception) as info:
                ari.over_websocket().asterisk.ping()
    assert getattr(info.value, "status", None) == 503
    assert info.value.message == "Service Unavailable"  # type: ignore[attr-defined]


def test_reconnecting_survives_an_asterisk_that_is_still_starting(
    stub: StubAri,
) -> None:
    """A restarted Asterisk may answer the upgrade 404 or 503 before res_ari is loaded."""
    refusals = iter([StubResponse(404, "Not found"), StubResponse(503, "Starting")])
    states: List[Any] = []
    start = payload("StasisStart")
    with stub.client(backoff=Backoff(initial=0.01, maximum=0.02)) as ari:

        @ari.on(Connected)
        def connected(state: Connected) -> None:
            states.append(state)
            if state.reconnected:  # subscribed again: what is sent now arrives
                stub.push_event(start)

        with ari.events(app=start["application"]) as stream:
            stub.handle("events.eventWebsocket", lambda request: next(refusals, None))
            assert stub.drop_websockets() == 1
            assert isinstance(stream.next(timeout=5), StasisStart)
            assert stream.reconnects == 1
    assert [(s.reconnected, s.attempts) for s in states] == [(False, 0), (True, 2)]
