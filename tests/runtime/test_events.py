"""``events``: backoff, the dispatcher, frames, and an event stream against the runtime's stub."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List

import pytest

from ari_codegen.runtime import _http as h
from ari_codegen.runtime import errors, events
from ari_codegen.runtime._runtime import Problem, ValidationError
from ari_codegen.runtime.events import Backoff, Connected, Disconnected, Dispatcher, InvalidMessage, decode_frame


# --- Backoff ---------------------------------------------------------------------------------


def test_backoff_without_jitter_is_exponential_up_to_the_maximum() -> None:
    b = Backoff(initial=0.5, factor=2.0, maximum=3.0, jitter=0.0)
    assert [b.delay(n) for n in (0, 1, 2, 3, 4, 10, 1000)] == [0.5, 0.5, 1.0, 2.0, 3.0, 3.0, 3.0]


def test_backoff_jitter_stays_in_its_band() -> None:
    b = Backoff(initial=1.0, factor=1.0, jitter=0.25)
    delays = [b.delay(1) for _ in range(500)]
    assert all(0.75 <= d <= 1.25 for d in delays) and len(set(delays)) > 1
    assert Backoff(initial=1.0, jitter=2.0).delay(1) >= 0.0  # never negative
    assert Backoff().max_attempts is None


# --- Dispatcher ------------------------------------------------------------------------------


class Event:
    pass


class ChannelEvent(Event):
    pass


class Dtmf(ChannelEvent):
    pass


def test_handlers_most_specific_class_first_in_registration_order() -> None:
    d = Dispatcher()
    seen: List[str] = []
    d.add(Event, lambda e: seen.append("event"))
    d.add(Dtmf, lambda e: seen.append("dtmf 1"))
    d.add(ChannelEvent, lambda e: seen.append("channel"))

    @d.on(Dtmf)
    def second(e: Dtmf) -> None:
        seen.append("dtmf 2")

    d.dispatch(Dtmf())
    assert seen == ["dtmf 1", "dtmf 2", "channel", "event"]
    seen.clear()
    d.dispatch(ChannelEvent())
    d.dispatch(object())  # nobody's
    assert seen == ["channel", "event"]
    d.remove(Dtmf, second)  # the cache forgets
    seen.clear()
    d.dispatch(Dtmf())
    assert seen == ["dtmf 1", "channel", "event"]
    assert len(d.handlers(Dtmf)) == 3 and d.handlers(int) == ()


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_a_failing_handler_is_logged_and_the_others_run(caplog: pytest.LogCaptureFixture) -> None:
    d = Dispatcher()
    seen: List[str] = []

    def broken(e: Event) -> None:
        raise RuntimeError("boom")

    async def coroutine(e: Event) -> None:
        seen.append("never")

    d.add(Event, broken)
    d.add(Event, coroutine)
    d.add(Event, lambda e: seen.append("ran"))
    with caplog.at_level(logging.ERROR, logger=events.log.name):
        d.dispatch(Event())
    assert seen == ["ran"]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2 and all("failed on Event" in m for m in messages)
    assert "register it on the AsyncAriClient" in str(caplog.records[1].exc_info[1])  # type: ignore[index]


def test_raise_errors() -> None:
    d = Dispatcher(raise_errors=True)
    d.add(Event, lambda e: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        d.dispatch(Event())


def test_dispatch_async_awaits_one_handler_after_the_other() -> None:
    d = Dispatcher()
    seen: List[str] = []

    async def slow(e: Event) -> None:
        await asyncio.sleep(0.01)
        seen.append("slow")

    d.add(Event, slow)
    d.add(Event, lambda e: seen.append("sync"))
    asyncio.run(d.dispatch_async(Event()))
    assert seen == ["slow", "sync"]


# --- frames ----------------------------------------------------------------------------------


def test_decode_frame() -> None:
    assert decode_frame('{"type": "Dial"}', lambda d: ("parsed", d["type"])) == ("parsed", "Dial")
    assert decode_frame(b'{"type": "Dial"}', lambda d: d) == {"type": "Dial"}
    with pytest.raises(ValueError):
        decode_frame("not json", lambda d: d)


def parse(data: Any) -> Dict[str, Any]:
    if data.get("type") == "Broken":
        raise ValidationError([Problem("", "no")], "Message")
    return dict(data)


EVENTS = h.Operation("events.eventWebsocket", "GET", "/events", ("12.0.0",), {})


def stream(connection: h.Connection | None = None, **options: Any) -> events.EventStream[Any]:
    connection = connection or h.SyncHttp("http://pbx:8088/ari", username="u", password="p")
    request = h.Request(EVENTS, "/events", [("app", "demo")], None, h.void)
    defaults: Dict[str, Any] = {"ping_interval": None, "open_timeout": 2.0, "rest_timeout": 2.0}
    return events.EventStream(connection, request, parse, Dispatcher(), Backoff(initial=0.01), **{**defaults, **options})


def test_messages_are_routed(caplog: pytest.LogCaptureFixture) -> None:
    s = stream()
    assert s.url == "ws://pbx:8088/ari/events?app=demo"
    assert s._decode('{"type": "RESTResponse", "request_id": "r1", "status_code": 200}') == (
        "r1",
        {"type": "RESTResponse", "request_id": "r1", "status_code": 200},
    )
    assert s._decode('{"type": "StasisStart", "x": 1}') == (None, {"type": "StasisStart", "x": 1})
    with caplog.at_level(logging.WARNING, logger=events.log.name):
        notices = [s._decode(f)[1] for f in ("not json", b"[1]", '{"type": 3}', '{"type": "Broken"}')]
    assert all(isinstance(n, InvalidMessage) for n in notices)
    assert [n.frame for n in notices] == ["not json", "[1]", '{"type": 3}', '{"type": "Broken"}']
    assert notices[0].error.startswith("not JSON") and notices[3].error == "Message: <root>: no"
    assert s.invalid_messages == 4 and len(caplog.records) == 4


def test_rest_requests_and_responses() -> None:
    s = stream()
    op = h.Operation("channels.setChannelVar", "POST", "/channels/{channelId}/variable", (), {404: "Channel not found"})
    r = h.Request(op, "/channels/a%2Fb/variable", [("variable", "X")], {"value": "1"}, h.json_value)
    assert json.loads(s._rest_message(r, "rid")) == {
        "type": "RESTRequest",
        "transaction_id": "rid",
        "request_id": "rid",
        "method": "POST",
        "uri": "channels/a%2Fb/variable",
        "query_strings": [{"name": "variable", "value": "X"}],
        "content_type": "application/json",
        "message_body": '{"value": "1"}',
    }
    assert s._rest_result(r, {"status_code": 200, "message_body": '{"ok": true}'}) == {"ok": True}
    with pytest.raises(errors.NotFound) as gone:
        s._rest_result(r, {"status_code": 404, "message_body": '{"message": "gone"}'})
    assert gone.value.reason == "Channel not found" and gone.value.url == "ws:/channels/a%2Fb/variable?variable=X"
    with pytest.raises(errors.InvalidResponse, match="without status_code"):
        s._rest_result(r, {})


def test_an_error_response_without_body_keeps_its_reason_phrase() -> None:
    s = stream()
    r = h.Request(h.Operation("recordings.getStoredFile", "GET", "/recordings/stored/{n}/file"), "/recordings/stored/x/file", [], None, h.binary)
    with pytest.raises(errors.HttpError) as refused:
        s._rest_result(r, {"status_code": 406, "reason_phrase": " Not Acceptable.  Use HTTP GET "})
    assert refused.value.status == 406 and refused.value.message == "Not Acceptable.  Use HTTP GET"
    with pytest.raises(errors.NotFound) as plain:
        s._rest_result(r, {"status_code": 404, "reason_phrase": "Not Found", "message_body": '{"message": "gone"}'})
    assert plain.value.message == "gone"


def test_reconnecting_gives_up_only_on_credentials() -> None:
    assert set(events._GIVE_UP) == {errors.Unauthorized, errors.Forbidden}


def test_websockets_log_masks_the_authorization_header(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="websockets.client"):
        events._WEBSOCKETS_LOG.debug("> %s: %s", "Authorization", "Basic c2VjcmV0")
        events._WEBSOCKETS_LOG.debug("> %s: %s", "Host", "pbx")
    assert [r.getMessage() for r in caplog.records] == ["> Authorization: ***", "> Host: pbx"]
    assert stream()._options()["logger"] is events._WEBSOCKETS_LOG


def test_connection_states() -> None:
    assert Connected("ws://x", reconnected=True).events_missed
    assert not Connected("ws://x").events_missed
    assert isinstance(Disconnected("ws://x", 1006, "", 0.5), events.ConnectionState)


def test_a_closed_stream_that_never_opened_ends_at_once() -> None:
    s = stream()
    s.close()
    assert list(s) == []


# --- against the runtime's own stub server (the stand-in _spec has the events websocket) ----------


def test_stream_against_the_stub() -> None:
    from ari_codegen.runtime.testing import StubAri

    with StubAri() as stub:
        with stub.client() as http:
            s = stream(http)
            with s:
                assert s.connected
                stub.push_event({"type": "StasisStart", "application": "demo"})
                stub.push_frame("garbage")
                notices: List[Any] = []
                s.dispatcher.add(InvalidMessage, notices.append)
                first = s.next(timeout=5)
                assert first["type"] == "StasisStart" and first["application"] == "demo"
                stub.push_event({"type": "ChannelDtmfReceived"}, app="demo")
                assert s.next(timeout=5)["type"] == "ChannelDtmfReceived"
                assert [n.frame for n in notices] == ["garbage"]
                # REST over the websocket
                info = h.Request(h.Operation("asterisk.getInfo", "GET", "/asterisk/info"), "/asterisk/info", [], None, h.json_value)
                assert s.send(info)["system"]["version"] == stub.asterisk_version
                # a drop: reconnect, report the gap
                states: List[Any] = []
                s.dispatcher.add(events.ConnectionState, states.append)
                stub.drop_websockets()
                stub_wait(lambda: stub.websocket_count == 2)
                stub_wait(lambda: stub.push_event({"type": "Dial"}, app="demo") == 1)
                assert s.next(timeout=5)["type"] == "Dial"
                assert [type(x).__name__ for x in states] == ["Disconnected", "Connected"]
                assert states[1].reconnected and s.reconnects == 1
                stub.close_websockets()
                with pytest.raises(errors.EventStreamClosed):
                    s.next(timeout=5)


def stub_wait(condition: Any, timeout: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_stub_may_refuse_the_upgrade() -> None:
    from ari_codegen.runtime.testing import StubAri, StubResponse

    with StubAri() as stub:
        stub.handle("events.eventWebsocket", lambda r: StubResponse(503, "still loading"))
        with stub.client() as http:
            s = stream(http)
            with pytest.raises(errors.ServiceUnavailable) as refused:
                s.connect()
            assert refused.value.message == "still loading"
            s.close()


# --- Match and waiting, on the stand-in _objects ------------------------------------------------


class Channel:
    def __init__(self, id: str) -> None:
        self.id = id


class ChannelDtmfReceived(Event):
    def __init__(self, channel: Channel, digit: str) -> None:
        self.channel, self.digit = channel, digit


class StasisEnd(Event):
    def __init__(self, channel: Channel) -> None:
        self.channel = channel


def test_match_by_class_object_and_predicate() -> None:
    match = events.Match(ChannelDtmfReceived, {"channel": Channel("c1")}, lambda e: e.digit != "#")
    assert match.objects == (("channel", "c1"),) and match.targets == {("Channel", "c1")}
    assert match.matches(ChannelDtmfReceived(Channel("c1"), "1"))
    assert not match.matches(ChannelDtmfReceived(Channel("c1"), "#"))
    assert not match.matches(ChannelDtmfReceived(Channel("c2"), "1"))
    assert not match.matches(StasisEnd(Channel("c1")))
    assert match.ended_by(StasisEnd(Channel("c1"))) and not match.ended_by(StasisEnd(Channel("c2")))
    with pytest.raises(TypeError, match="no property 'playback'"):
        events.Match(ChannelDtmfReceived, {"playback": "p"})


def test_watchers_are_fed_and_end_with_their_object_or_the_last_stream() -> None:
    dispatcher = Dispatcher()
    waiter: events.Waiter[Any] = events.Waiter(dispatcher, events.Match(ChannelDtmfReceived, {"channel": "c1"}))
    watch: events.Watch[Any] = events.Watch(dispatcher, events.Match(ChannelDtmfReceived, {"channel": "c1"}))
    other: events.Watch[Any] = events.Watch(dispatcher, events.Match(ChannelDtmfReceived, {"channel": "c2"}))
    dispatcher._stream_started()
    first = ChannelDtmfReceived(Channel("c1"), "1")
    for event in (first, ChannelDtmfReceived(Channel("c1"), "2"), StasisEnd(Channel("c1"))):
        dispatcher.feed(event)
    assert waiter.wait(timeout=0) is first
    assert [e.digit for e in watch] == ["1", "2"] and isinstance(watch.ended, events.WatchEnded)
    assert dispatcher._watchers == [other]  # the waiter took one, the watch ended
    dispatcher._stream_ended()
    with pytest.raises(events.WatchEnded) as info:
        other.next(timeout=0)
    assert info.value.event is None and dispatcher._watchers == []
