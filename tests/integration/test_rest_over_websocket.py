"""REST over the events websocket (``client.over_websocket()``), sync and async."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

import httpx
import pytest

from .conftest import WAIT, Call, EventLog, Package, Server, raises


@pytest.fixture()
def counted(pkg: Package, server: Server) -> Iterator[tuple[Any, list[str]]]:
    """A sync client whose HTTP requests are counted (REST over websocket must not use HTTP)."""
    sent: list[str] = []
    http = httpx.Client(event_hooks={"request": [lambda r: sent.append(r.url.path)]})
    with pkg.AriClient(
        server.url, username=server.user, password=server.password, http_client=http
    ) as client:
        yield client, sent
    http.close()


@pytest.fixture()
def recording(
    ari: Any, pkg: Package, events: EventLog, originate: Callable[..., Call]
) -> Any:
    """A stored recording (a short wav) made on a channel of the test's app; deleted at the end."""
    name = f"it-rec-{uuid.uuid4().hex[:8]}"
    call = originate()
    ari.channels.record(
        channel_id=call.id, name=name, format="wav", if_exists="overwrite"
    )
    events.wait("RecordingStarted", recording=name)
    ari.recordings.stop(recording_name=name)
    events.wait("RecordingFinished", recording=name)
    yield name
    try:
        ari.recordings.delete_stored(recording_name=name)
    except pkg.errors.NotFound:
        pass


def test_get_over_websocket(counted: Any, pkg: Package, app: str) -> None:
    client, sent = counted
    with client.events(app=app):
        before = len(sent)
        ws = client.over_websocket()
        pong = ws.asterisk.ping()
        assert isinstance(pong, pkg.models.AsteriskPing) and pong.ping == "pong"
        info = ws.asterisk.get_info(only="system")  # a query string
        assert isinstance(info, pkg.models.AsteriskInfo)
        assert info.system is not None and info.build is None
        assert len(sent) == before  # nothing went over HTTP


def test_not_found_over_websocket(ari: Any, pkg: Package, events: EventLog) -> None:
    ws = ari.over_websocket()
    with raises(pkg, "NotFound", 404, "Channel not found") as info:
        ws.channels.get(channel_id="does-not-exist")
    assert info.value.operation == "channels.get"
    assert info.value.reason == "Channel not found"
    with raises(pkg, "BadRequest", 400, "Variable name is required"):
        ws.asterisk.get_global_var(variable="")


def test_post_with_body_over_websocket(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    ws = ari.over_websocket()
    variables = {"k": "v", "text": "über & <ws>"}
    assert (
        ws.events.user_event(event_name="it-ws", application=app, variables=variables)
        is None
    )
    event = events.wait("ChannelUserevent", eventname="it-ws")
    assert event.userevent == {**variables, "eventname": "it-ws"}
    # RESTResponse messages answer requests; they are never yielded as events
    assert "RESTResponse" not in events.types()


def test_put_with_body_over_websocket(ari: Any, pkg: Package, events: EventLog) -> None:
    ws = ari.over_websocket()
    name = f"it-wscfg-{uuid.uuid4().hex[:8]}"
    try:
        tuples = ws.asterisk.update_object(
            config_class="res_mwi_external",
            object_type="mailboxes",
            id=name,
            fields=[pkg.models.ConfigTuple(attribute="msgs_new", value="9")],
        )
        assert {t.attribute: t.value for t in tuples}["msgs_new"] == "9"
        mailbox = ws.mailboxes.get(mailbox_name=name)
        assert isinstance(mailbox, pkg.models.Mailbox) and mailbox.new_messages == 9
    finally:
        ari.mailboxes.delete(mailbox_name=name)


def test_query_parameters_over_websocket(
    ari: Any, pkg: Package, events: EventLog
) -> None:
    ws = ari.over_websocket()
    name = f"IT_WS_{uuid.uuid4().hex[:8].upper()}"
    assert ws.asterisk.set_global_var(variable=name, value="via ws & more") is None
    assert ari.asterisk.get_global_var(variable=name).value == "via ws & more"
    got = ws.asterisk.get_global_var(variable=name)
    assert isinstance(got, pkg.models.Variable) and got.value == "via ws & more"


def test_concurrent_requests_over_websocket(
    ari: Any, pkg: Package, events: EventLog
) -> None:
    ws = ari.over_websocket()
    prefix = f"IT_WSC_{uuid.uuid4().hex[:6].upper()}"
    for i in range(8):
        ari.asterisk.set_global_var(variable=f"{prefix}_{i}", value=str(i))
    with ThreadPoolExecutor(8) as pool:
        values = list(
            pool.map(
                lambda i: ws.asterisk.get_global_var(variable=f"{prefix}_{i}").value,
                range(8),
            )
        )
    assert values == [str(i) for i in range(8)]  # each answer reached its own request


def test_binary_response_over_websocket(
    ari: Any, pkg: Package, events: EventLog, recording: str
) -> None:
    over_http = ari.recordings.get_stored_file(recording_name=recording)
    assert isinstance(over_http, bytes) and over_http[:4] == b"RIFF"
    over_ws = ari.over_websocket().recordings.get_stored_file(recording_name=recording)
    assert isinstance(over_ws, bytes)
    assert over_ws == over_http
    stored = ari.over_websocket().recordings.get_stored(recording_name=recording)
    assert isinstance(stored, pkg.models.StoredRecording) and stored.name == recording


def test_over_websocket_needs_a_stream(ari: Any, pkg: Package) -> None:
    with pytest.raises(pkg.errors.EventStreamClosed):
        ari.over_websocket()


def test_async_rest_over_websocket(
    pkg: Package, server: Server, ari: Any, events: EventLog, recording: str
) -> None:
    over_http = ari.recordings.get_stored_file(recording_name=recording)

    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            app = f"it-async-ws-{uuid.uuid4().hex[:8]}"
            async with client.events(app=app) as stream:
                ws = client.over_websocket()
                pong, info = await asyncio.gather(
                    ws.asterisk.ping(), ws.asterisk.get_info(only=["build"])
                )
                assert isinstance(pong, pkg.models.AsteriskPing) and pong.ping == "pong"
                assert info.build is not None and info.system is None
                with raises(pkg, "NotFound", 404, "Channel not found"):
                    await ws.channels.get(channel_id="does-not-exist")

                await ws.events.user_event(
                    event_name="it-async-ws", application=app, variables={"k": "v"}
                )
                event = await stream.next(timeout=WAIT)
                while getattr(event, "eventname", None) != "it-async-ws":
                    event = await stream.next(timeout=WAIT)
                assert event.userevent == {"k": "v", "eventname": "it-async-ws"}

                data = await ws.recordings.get_stored_file(recording_name=recording)
                assert data == over_http

    asyncio.run(flow())
