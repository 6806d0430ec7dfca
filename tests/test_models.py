"""The generated models (issue 3): decoding, encoding, typed access, forward compatibility, enums,
inheritance, slots. The data are hand-written payloads (data/payloads/) and a recorded traffic
sample (data/traffic/); the expected values are written out here, not computed by the code under test.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

import ari_client
from ari_client import models as M
from ari_client.models import Problem, ValidationError

HERE = Path(__file__).resolve().parent
PAYLOADS = HERE / "data" / "payloads"
TRAFFIC = HERE / "data" / "traffic"
SPECS = HERE.parent / "specs" / "api-docs"
GENERATED = HERE.parent / "generated"
EXAMPLE_APP = HERE / "example_app"

UTC = timezone.utc


# --------------------------------------------------------------------------------------------
# data


def load_payloads() -> list[tuple[str, int, Any]]:
    cases = []
    for path in sorted(PAYLOADS.glob("*.json")):
        value = json.loads(path.read_text(encoding="utf-8"))
        for i, item in enumerate(value if isinstance(value, list) else [value]):
            cases.append((path.stem, i, item))
    return cases


PAYLOAD_CASES = load_payloads()
PAYLOAD_IDS = [f"{name}[{i}]" for name, i, _ in PAYLOAD_CASES]


def payload(name: str, index: int = 0) -> Any:
    """A deep copy of one hand-written payload."""
    value = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(value[index] if isinstance(value, list) else value)


def traffic_events() -> list[dict[str, Any]]:
    lines = (TRAFFIC / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def traffic_http() -> list[dict[str, Any]]:
    lines = (TRAFFIC / "http.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def spec(name: str) -> dict[str, Any]:
    return json.loads((SPECS / f"{name}.json").read_text(encoding="utf-8"))


def all_specs() -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SPECS.glob("*.json"))}


def model_class(name: str) -> type[M.Model]:
    cls = getattr(M, name)
    assert isinstance(cls, type) and issubclass(cls, M.Model)
    return cls


def decode(name: str, data: Any) -> M.Model:
    """Decode as the brief says: parse_message for messages, Model.from_dict otherwise."""
    cls = model_class(name)
    if issubclass(cls, M.Message):
        return M.parse_message(data)
    return cls.from_dict(data)


def dig(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


# --------------------------------------------------------------------------------------------
# the payload set covers the spec

EVENT_TYPES = tuple(spec("events")["models"]["Event"]["subTypes"])


def response_models() -> set[str]:
    found = set()
    for doc in all_specs().values():
        for api in doc.get("apis", []):
            for op in api["operations"]:
                rc = op["responseClass"]
                m = re.fullmatch(r"List\[(.+)\]", rc)
                found.add(m.group(1) if m else rc)
    return found - {"void", "binary"}


def test_payloads_cover_every_event_and_every_response_class() -> None:
    names = {name for name, _, _ in PAYLOAD_CASES}
    assert len(EVENT_TYPES) == 43
    assert set(EVENT_TYPES) <= names
    assert {"Message", "MissingParams", "Event"} <= names
    assert response_models() == {
        "AsteriskInfo", "AsteriskPing", "Module", "LogChannel", "ConfigTuple", "Variable",
        "Endpoint", "Channel", "RTPstat", "Bridge", "LiveRecording", "StoredRecording", "Sound",
        "Playback", "DeviceState", "Mailbox", "Message", "Application",
    }  # fmt: skip
    assert response_models() <= names


# --------------------------------------------------------------------------------------------
# decoding and lossless round trips


@pytest.mark.parametrize(("name", "index", "data"), PAYLOAD_CASES, ids=PAYLOAD_IDS)
def test_payload_decodes_to_its_class(name: str, index: int, data: Any) -> None:
    obj = decode(name, data)
    assert type(obj) is model_class(name)


@pytest.mark.parametrize(("name", "index", "data"), PAYLOAD_CASES, ids=PAYLOAD_IDS)
def test_payload_round_trips_exactly(name: str, index: int, data: Any) -> None:
    original = copy.deepcopy(data)
    obj = decode(name, data)
    assert obj.to_dict() == original
    assert data == original  # decoding does not touch its input
    # through JSON text, both ways
    assert json.loads(obj.to_json()) == original
    cls = model_class(name)
    text = json.dumps(original)
    again = cls.from_json(text)
    assert type(again) is cls
    assert again.to_dict() == original
    assert cls.from_json(text.encode("utf-8")).to_dict() == original
    assert again == obj


@pytest.mark.parametrize("line", range(8))
def test_traffic_event_decodes_and_round_trips(line: int) -> None:
    data = traffic_events()[line]
    original = copy.deepcopy(data)
    obj = M.parse_message(data)
    assert type(obj).__name__ == original["type"]
    assert type(obj) is model_class(original["type"])
    assert obj.to_dict() == original
    assert json.loads(obj.to_json()) == original
    assert obj.extras == {}


def test_traffic_event_types() -> None:
    assert [e["type"] for e in traffic_events()] == [
        "StasisStart", "ChannelStateChange", "ChannelVarset", "Dial", "PlaybackFinished",
        "ChannelDtmfReceived", "StasisEnd", "ChannelDestroyed",
    ]  # fmt: skip


# operation -> responseClass, as written in specs/api-docs (checked against the spec below)
HTTP_RESPONSES = {
    "asterisk.getInfo": "AsteriskInfo",
    "channels.list": "List[Channel]",
    "channels.originate": "Channel",
    "channels.get": "Channel",
    "channels.getChannelVar": "Variable",
    "channels.play": "Playback",
    "bridges.create": "Bridge",
}


def test_http_response_classes_match_the_spec() -> None:
    docs = all_specs()
    for operation, expected in HTTP_RESPONSES.items():
        resource, nickname = operation.split(".")
        ops = [op for api in docs[resource]["apis"] for op in api["operations"] if op["nickname"] == nickname]
        assert [op["responseClass"] for op in ops] == [expected], operation


def test_traffic_http_operations() -> None:
    assert [(e["operation"], e["status"]) for e in traffic_http()] == [
        ("asterisk.getInfo", 200), ("channels.list", 200), ("channels.originate", 200), ("channels.get", 200),
        ("channels.getChannelVar", 404), ("channels.get", 404), ("channels.play", 201), ("bridges.create", 200),
    ]  # fmt: skip


@pytest.mark.parametrize("line", range(8))
def test_traffic_http_body_decodes_and_round_trips(line: int) -> None:
    exchange = traffic_http()[line]
    body = exchange["json"]
    response = HTTP_RESPONSES[exchange["operation"]]
    item = response[5:-1] if response.startswith("List[") else response
    cls = model_class(item)
    if exchange["status"] >= 400:
        # an error body {"message": "..."} is not the operation's model
        assert set(body) == {"message"}
        with pytest.raises(ValidationError) as info:
            cls.from_dict(body)
        required = [k for k, p in _spec_model(item)["properties"].items() if p.get("required")]
        assert info.value.model == item
        assert info.value.problems == [Problem(k, "missing required field") for k in required]
        return
    values = body if response.startswith("List[") else [body]
    for value in values:
        original = copy.deepcopy(value)
        obj = cls.from_dict(value)
        assert type(obj) is cls
        assert obj.to_dict() == original
        assert cls.from_json(json.dumps(original)).to_dict() == original


def _spec_model(name: str) -> dict[str, Any]:
    for doc in all_specs().values():
        if name in doc.get("models", {}):
            return doc["models"][name]
    raise KeyError(name)


# --------------------------------------------------------------------------------------------
# typed access


def test_typed_access_on_a_stasis_start() -> None:
    event = M.parse_message(payload("StasisStart", 0))
    assert isinstance(event, M.StasisStart)
    assert event.type == "StasisStart"
    assert event.application == "demo"
    assert event.asterisk_id == "02:fc:00:00:00:01"
    assert event.args == ["inbound"]
    channel = event.channel
    assert isinstance(channel, M.Channel)
    assert channel.id == "1764127000.42"
    assert channel.name == "PJSIP/1000-0000002a"
    assert channel.caller.name == "Alice Example"
    assert channel.caller.number == "1000"
    assert isinstance(channel.caller, M.CallerID)
    assert channel.connected.number == ""
    assert channel.state is M.ChannelState.UP
    assert channel.dialplan.context == "default"
    assert channel.dialplan.exten == "2000"
    assert channel.dialplan.priority == 3
    assert channel.dialplan.app_data == "demo,inbound"
    assert channel.channelvars is None
    assert channel.caller_rdnis is None
    assert event.replace_channel is None
    assert event.timestamp == datetime(2026, 11, 26, 3, 16, 18, 160000, tzinfo=UTC)
    assert channel.creationtime == datetime(2026, 11, 26, 3, 16, 18, 152000, tzinfo=UTC)


def test_typed_access_on_the_traffic_sample() -> None:
    events = [M.parse_message(e) for e in traffic_events()]
    start, change, varset, dial, finished, dtmf, end, destroyed = events
    assert isinstance(start, M.StasisStart)
    assert start.args == []
    assert start.channel.name == "Local/stasis@default-00000000;2"
    assert start.channel.state is M.ChannelState.RING
    assert start.channel.caller.number == ""
    assert start.application == "demo"
    assert isinstance(change, M.ChannelStateChange)
    assert change.application == "corpus-all"
    assert change.channel.state == "Up"
    assert isinstance(varset, M.ChannelVarset)
    assert (varset.variable, varset.value) == ("REPORTED_VAR", "reported")
    assert varset.channel is not None and varset.channel.dialplan.app_name == ""
    assert isinstance(dial, M.Dial)
    assert dial.caller is None
    assert dial.peer.id == "smoke-a1"
    assert dial.peer.state is M.ChannelState.DOWN
    assert (dial.forward, dial.dialstring, dial.dialstatus) == ("", "stasis@default/n", "")
    assert isinstance(finished, M.PlaybackFinished)
    assert finished.playback.state is M.PlaybackState.DONE
    assert finished.playback.media_uri == "sound:beep"
    assert finished.playback.next_media_uri is None
    assert isinstance(dtmf, M.ChannelDtmfReceived)
    assert dtmf.digit == "1"
    assert dtmf.duration_ms == 100
    assert dtmf.channel.caller.name == "Corpus Connected"
    assert dtmf.channel.caller.number == "5559876"
    assert dtmf.channel.connected.name == "Indicated Name"
    assert dtmf.timestamp == datetime(2026, 11, 26, 3, 16, 26, 854000, tzinfo=UTC)
    assert isinstance(end, M.StasisEnd)
    assert end.channel.id == "bad/id"
    assert isinstance(destroyed, M.ChannelDestroyed)
    assert (destroyed.cause, destroyed.cause_txt, destroyed.tech_cause) == (16, "Normal Clearing", None)


def test_typed_access_on_responses() -> None:
    info = M.AsteriskInfo.from_dict(payload("AsteriskInfo", 0))
    assert info.build is not None and info.build.kernel == "6.8.0-49-generic"
    assert info.system is not None and info.system.entity_id == "02:fc:00:00:00:01"
    assert info.config is not None
    assert info.config.max_channels == 500
    assert info.config.max_load == 4.5
    assert info.config.setid.user == "asterisk"
    assert info.status is not None
    assert info.status.startup_time == datetime(2026, 11, 26, 3, 16, 18, 152000, tzinfo=UTC)
    assert info.status.last_reload_time == datetime(2026, 11, 26, 3, 20, 2, 407000, tzinfo=UTC)
    only_status = M.AsteriskInfo.from_dict(payload("AsteriskInfo", 1))
    assert (only_status.build, only_status.system, only_status.config) == (None, None, None)

    sound = M.Sound.from_dict(payload("Sound", 0))
    assert [(f.language, f.format) for f in sound.formats] == [("en", "gsm"), ("fr", "gsm"), ("en", "ulaw")]
    assert all(isinstance(f, M.FormatLangPair) for f in sound.formats)

    bridge = M.Bridge.from_dict(payload("Bridge", 0))
    assert bridge.bridge_type is M.BridgeBridgeType.MIXING
    assert bridge.channels == ["1764127000.42", "1764127000.45"]
    assert bridge.creationtime == datetime(2026, 11, 26, 3, 16, 19, 220000, tzinfo=UTC)
    assert bridge.video_source_id is None

    transfer = M.parse_message(payload("ChannelTransfer", 0))
    assert isinstance(transfer, M.ChannelTransfer)
    params = transfer.refer_to.requested_destination.additional_protocol_params
    assert params is not None
    assert [(p.parameter_name, p.parameter_value) for p in params] == [
        ("Referred-By", "<sip:2000@192.0.2.1>"),
        ("X-Reason", "transfer"),
    ]
    assert transfer.referred_by.source_channel.caller.number == "2000"
    assert transfer.referred_by.bridge is not None and transfer.referred_by.bridge.name == "conference-1"

    contact = M.parse_message(payload("ContactStatusChange", 0))
    assert isinstance(contact, M.ContactStatusChange)
    assert contact.contact_info.contact_status is M.ContactInfoContactStatus.REACHABLE
    assert contact.endpoint.state is M.EndpointState.ONLINE

    received = M.parse_message(payload("TextMessageReceived", 0))
    assert isinstance(received, M.TextMessageReceived)
    assert received.message.to_dict()["from"] == '"Alice" <sip:1000@192.0.2.20>'
    assert received.message.body == "hello ARI"


def test_json_keys_that_are_python_keywords() -> None:
    text = M.TextMessage.from_dict({"from": "sip:a@b", "to": "sip:c@d", "body": "hi"})
    names = [f.name for f in dataclasses.fields(text)]
    from_field = [n for n in names if n not in ("extras", "to", "body", "variables")]
    assert len(from_field) == 1 and from_field[0] != "from"
    assert getattr(text, from_field[0]) == "sip:a@b"
    assert text.to_dict() == {"from": "sip:a@b", "to": "sip:c@d", "body": "hi"}


# --------------------------------------------------------------------------------------------
# dates


def test_timestamps_are_aware_and_exact() -> None:
    event = M.parse_message(traffic_events()[0])
    assert isinstance(event, M.Event)
    ts = event.timestamp
    assert isinstance(ts, datetime)
    assert ts.tzinfo is not None
    assert ts.utcoffset() == timedelta(0)
    assert ts == datetime(2026, 11, 26, 3, 16, 20, 959000, tzinfo=UTC)
    assert ts - datetime(1970, 1, 1, tzinfo=UTC) == timedelta(days=20783, seconds=11780, milliseconds=959)
    assert event.to_dict()["timestamp"] == "2026-11-26T03:16:20.959+0000"


@pytest.mark.parametrize(
    ("text", "instant", "offset"),
    [
        ("2013-12-05T10:46:40.213-0600", datetime(2013, 12, 5, 16, 46, 40, 213000, tzinfo=UTC), -360),
        ("2026-11-26T08:46:18.152+0530", datetime(2026, 11, 26, 3, 16, 18, 152000, tzinfo=UTC), 330),
        ("2026-11-25T23:46:18.000-0330", datetime(2026, 11, 26, 3, 16, 18, 0, tzinfo=UTC), -210),
        ("2026-11-26T03:16:18.999+0000", datetime(2026, 11, 26, 3, 16, 18, 999000, tzinfo=UTC), 0),
        ("2026-11-26T17:16:18.001+1400", datetime(2026, 11, 26, 3, 16, 18, 1000, tzinfo=UTC), 840),
    ],
)
def test_date_offsets_are_kept(text: str, instant: datetime, offset: int) -> None:
    data = payload("ChannelCreated", 0)
    data["timestamp"] = text
    data["channel"]["creationtime"] = text
    event = M.parse_message(data)
    assert isinstance(event, M.ChannelCreated)
    for value in (event.timestamp, event.channel.creationtime):
        assert value == instant
        assert value.utcoffset() == timedelta(minutes=offset)
    out = event.to_dict()
    assert out["timestamp"] == text
    assert out["channel"]["creationtime"] == text
    assert out == data


def test_constructed_dates_are_encoded_the_asterisk_way() -> None:
    status = M.StatusInfo(
        startup_time=datetime(2026, 11, 26, 3, 16, 18, 152999, tzinfo=UTC),
        last_reload_time=datetime(2013, 12, 5, 10, 46, 40, 213000, tzinfo=timezone(timedelta(hours=-6))),
    )
    assert status.to_dict() == {
        "startup_time": "2026-11-26T03:16:18.152+0000",
        "last_reload_time": "2013-12-05T10:46:40.213-0600",
    }


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-11-26T03:16:18Z", datetime(2026, 11, 26, 3, 16, 18, tzinfo=UTC)),
        ("2026-11-26T03:16:18.152+00:00", datetime(2026, 11, 26, 3, 16, 18, 152000, tzinfo=UTC)),
        ("2026-11-26T03:16:18.152345+0000", datetime(2026, 11, 26, 3, 16, 18, 152345, tzinfo=UTC)),
        ("2026-11-26T03:16:18+0000", datetime(2026, 11, 26, 3, 16, 18, tzinfo=UTC)),
        ("2026-11-26", datetime(2026, 11, 26, tzinfo=UTC)),
        ("2026-11-26 03:16:18.152+0000", datetime(2026, 11, 26, 3, 16, 18, 152000, tzinfo=UTC)),
        ("20261126T031618", datetime(2026, 11, 26, 3, 16, 18, tzinfo=UTC)),
    ],
)
def test_other_date_forms_are_invalid_but_decode_leniently(text: str, instant: datetime) -> None:
    """Strict validator (Asterisk's exact format), lenient decoder (any ISO 8601 form)."""
    data = payload("StasisEnd")
    data["timestamp"] = text
    assert M.validate_stasis_end(data) == [Problem("timestamp", "expected a date-time string")]
    event = M.parse_message(data)
    assert event.timestamp == instant
    assert event.timestamp.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-26T03:16:18.152+0000",
        "2026-11-26T25:16:18.152+0000",
        "2026-11-26T03:16:18.152+2400",
        "2026-11-26T03:16:18.152+0000\n",
        "2026-02-30T03:16:18.152+0000",
    ],
)
def test_impossible_dates_are_reported_at_their_path(text: str) -> None:
    data = payload("StasisEnd")
    data["timestamp"] = text
    assert M.validate_stasis_end(data) == [Problem("timestamp", "expected a date-time string")]
    with pytest.raises(ValidationError) as info:
        M.parse_message(data)
    assert [p.path for p in info.value.problems] == ["timestamp"]


@pytest.mark.parametrize("text", ["0999-01-01T00:00:00.000+0000", "0001-01-01T00:00:00.000+0000"])
def test_early_years_round_trip(text: str) -> None:
    data = payload("StasisEnd")
    data["channel"]["creationtime"] = text
    assert M.validate_stasis_end(data) == []
    out = M.parse_message(data).to_dict()
    assert out["channel"]["creationtime"] == text
    assert M.validate_stasis_end(out) == []


# --------------------------------------------------------------------------------------------
# forward compatibility


def test_unknown_fields_are_kept_at_every_level() -> None:
    data = payload("StasisStart", 0)
    data["x_new_field"] = {"nested": [1, 2.5, None, True]}
    data["channel"]["x_sip_codec"] = "opus"
    data["channel"]["caller"]["x_presentation"] = 0
    original = copy.deepcopy(data)
    event = M.parse_message(data)
    assert isinstance(event, M.StasisStart)
    assert event.extras == {"x_new_field": {"nested": [1, 2.5, None, True]}}
    assert event.channel.extras == {"x_sip_codec": "opus"}
    assert event.channel.caller.extras == {"x_presentation": 0}
    assert event.channel.dialplan.extras == {}
    assert event.to_dict() == original
    assert json.loads(event.to_json()) == original


def test_unknown_enum_value_is_kept_as_a_plain_str() -> None:
    data = payload("Playback", 1)
    data["state"] = "paused"
    playback = M.Playback.from_dict(data)
    assert playback.state == "paused"
    assert type(playback.state) is str
    assert not isinstance(playback.state, M.PlaybackState)
    assert playback.to_dict() == data
    # a known value becomes the enum member
    known = M.Playback.from_dict(payload("Playback", 1))
    assert known.state is M.PlaybackState.PLAYING
    # inside an event too
    event_data = payload("PlaybackFinished", 0)
    event_data["playback"]["state"] = "paused"
    event = M.parse_message(event_data)
    assert isinstance(event, M.PlaybackFinished)
    assert type(event.playback.state) is str and event.playback.state == "paused"
    assert event.to_dict() == event_data


def test_unknown_channel_state_is_kept() -> None:
    data = payload("Channel", 0)
    data["state"] = "Mute"
    channel = M.Channel.from_dict(data)
    assert type(channel.state) is str and channel.state == "Mute"
    assert channel.to_dict() == data


def test_unknown_event_type_decodes_as_event() -> None:
    channel = payload("Channel", 0)
    data = {
        "type": "ChannelFooBar",
        "application": "demo",
        "timestamp": "2026-11-26T03:16:30.004+0000",
        "channel": channel,
        "asterisk_id": "02:fc:00:00:00:01",
    }
    original = copy.deepcopy(data)
    event = M.parse_message(data)
    assert type(event) is M.Event
    assert event.type == "ChannelFooBar"
    assert event.application == "demo"
    assert event.asterisk_id == "02:fc:00:00:00:01"
    assert event.timestamp == datetime(2026, 11, 26, 3, 16, 30, 4000, tzinfo=UTC)
    assert event.extras == {"channel": channel}
    assert event.to_dict() == original
    assert json.loads(event.to_json()) == original


@pytest.mark.parametrize(
    "data",
    [
        {"type": "ConnectionNotice", "asterisk_id": "02:fc:00:00:00:01"},
        {"type": "ServerShutdown"},
        {"type": "ChannelFooBar", "application": "demo"},  # no timestamp: not an Event
        {"type": "ChannelFooBar", "timestamp": "2026-11-26T03:16:30.004+0000", "detail": {"a": 1}},  # no application
        {"type": "Message"},
    ],
)
def test_unknown_message_type_decodes_as_message(data: dict[str, Any]) -> None:
    original = copy.deepcopy(data)
    message = M.parse_message(data)
    assert type(message) is M.Message
    assert message.type == original["type"]
    assert message.extras == {k: v for k, v in original.items() if k not in ("type", "asterisk_id")}
    assert message.to_dict() == original


def test_known_base_types_by_name() -> None:
    event = M.parse_message({"type": "Event", "application": "demo", "timestamp": "2026-11-26T03:16:30.004+0000"})
    assert type(event) is M.Event
    missing = M.parse_message({"type": "MissingParams", "params": ["app"]})
    assert type(missing) is M.MissingParams
    assert isinstance(missing, M.MissingParams) and missing.params == ["app"]


def test_parse_message_with_a_wrongly_shaped_type_raises_validation_error() -> None:
    for bad in (7, None, 1.5, True):
        with pytest.raises(ValidationError) as info:
            M.parse_message({"type": bad, "application": "demo"})
        assert info.value.problems == [Problem("type", "expected a string")], bad


@pytest.mark.parametrize("bad", [["StasisStart"], {"name": "StasisStart"}])
def test_parse_message_with_an_unhashable_type(bad: Any) -> None:
    with pytest.raises(ValidationError) as info:
        M.parse_message({"type": bad})
    assert info.value.problems == [Problem("type", "expected a string")]


# --------------------------------------------------------------------------------------------
# numbers


def test_big_ints_stay_exact() -> None:
    data = payload("RTPstat", 0)
    stat = M.RTPstat.from_dict(data)
    assert stat.local_ssrc == 5000000000 and type(stat.local_ssrc) is int
    assert stat.remote_ssrc == 4294967296
    assert stat.txoctetcount == 245120
    assert stat.rxjitter == 0.00025
    assert stat.to_dict() == data
    assert '"local_ssrc": 5000000000' in stat.to_json()
    big = M.RTPstat.from_dict(payload("RTPstat", 1))
    assert big.local_ssrc == 18446744073709551615
    assert '"local_ssrc": 18446744073709551615' in big.to_json()
    huge = payload("RTPstat", 1)
    huge["txoctetcount"] = 2**70 + 1
    assert M.RTPstat.from_json(json.dumps(huge)).txoctetcount == 1180591620717411303425


def test_integer_valued_floats_are_integers() -> None:
    data = payload("Mailbox", 0)
    data["new_messages"] = 3.0
    mailbox = M.Mailbox.from_dict(data)
    assert mailbox.new_messages == 3
    assert mailbox.to_dict() == data


# --------------------------------------------------------------------------------------------
# optional and required fields


def test_missing_optional_fields_stay_absent() -> None:
    data = payload("Playback", 0)
    del data["language"]
    playback = M.Playback.from_dict(data)
    assert playback.language is None and playback.next_media_uri is None
    assert playback.to_dict() == data
    assert "language" not in playback.to_dict() and "next_media_uri" not in playback.to_dict()

    event = payload("StasisEnd")
    del event["asterisk_id"]
    decoded = M.parse_message(event)
    assert decoded.asterisk_id is None
    assert "asterisk_id" not in decoded.to_dict()
    assert decoded.to_dict() == event

    assert M.AsteriskInfo.from_dict({}).to_dict() == {}


@pytest.mark.parametrize(
    ("name", "index", "mutate", "model", "problems"),
    [
        ("StasisStart", 0, lambda d: d["channel"]["caller"].pop("number"), "StasisStart",
         [Problem("channel.caller.number", "missing required field")]),
        ("StasisStart", 0, lambda d: d["channel"]["caller"].update(number=1000), "StasisStart",
         [Problem("channel.caller.number", "expected a string")]),
        ("StasisStart", 0, lambda d: d.pop("args"), "StasisStart", [Problem("args", "missing required field")]),
        ("StasisStart", 0, lambda d: d.update(args="inbound"), "StasisStart", [Problem("args", "expected an array")]),
        ("StasisStart", 0, lambda d: d.update(args=["a", 2]), "StasisStart", [Problem("args[1]", "expected a string")]),
        ("StasisStart", 0, lambda d: d.update(timestamp=None), "StasisStart",
         [Problem("timestamp", "expected a date-time string")]),
        ("StasisStart", 1, lambda d: d["replace_channel"]["dialplan"].update(priority="1"), "StasisStart",
         [Problem("replace_channel.dialplan.priority", "expected an integer")]),
        ("Dial", 0, lambda d: d.pop("peer"), "Dial", [Problem("peer", "missing required field")]),
        ("ChannelDestroyed", 0, lambda d: d.update(cause="16"), "ChannelDestroyed", [Problem("cause", "expected an integer")]),
        ("BridgeBlindTransfer", 0, lambda d: d.update(is_external="false"), "BridgeBlindTransfer",
         [Problem("is_external", "expected a boolean")]),
        ("ChannelTransfer", 0,
         lambda d: d["refer_to"]["requested_destination"]["additional_protocol_params"][1].pop("parameter_value"),
         "ChannelTransfer",
         [Problem("refer_to.requested_destination.additional_protocol_params[1].parameter_value", "missing required field")]),
        ("Channel", 0, lambda d: d.pop("caller"), "Channel", [Problem("caller", "missing required field")]),
        ("Channel", 0, lambda d: d.update(channelvars=["A=1"]), "Channel", [Problem("channelvars", "expected an object")]),
        ("Sound", 0, lambda d: d["formats"][2].pop("format"), "Sound", [Problem("formats[2].format", "missing required field")]),
        ("RTPstat", 0, lambda d: d.update(local_ssrc="5000000000"), "RTPstat", [Problem("local_ssrc", "expected an integer")]),
        ("RTPstat", 0, lambda d: d.update(rtt="0.01"), "RTPstat", [Problem("rtt", "expected a number")]),
        ("AsteriskInfo", 0, lambda d: d["config"]["setid"].pop("group"), "AsteriskInfo",
         [Problem("config.setid.group", "missing required field")]),
        ("Bridge", 0, lambda d: d.update(channels=None), "Bridge", [Problem("channels", "expected an array")]),
        ("MissingParams", 0, lambda d: d.pop("params"), "MissingParams", [Problem("params", "missing required field")]),
    ],
)
def test_missing_or_wrong_required_field_raises(name: str, index: int, mutate: Any, model: str, problems: list[Problem]) -> None:
    data = payload(name, index)
    mutate(data)
    with pytest.raises(ValidationError) as info:
        decode(name, data)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.model == model
    assert error.problems == problems
    assert str(error).startswith(f"{model}: ")
    for problem in problems:
        assert problem.path in str(error)


def test_a_payload_that_is_not_an_object_raises() -> None:
    for bad in ([], "StasisStart", 42, None):
        with pytest.raises(ValidationError) as info:
            M.Channel.from_dict(bad)  # type: ignore[arg-type]
        assert info.value.problems == [Problem("", "expected an object (Channel)")]


def test_a_non_object_for_a_model_without_properties_raises() -> None:
    with pytest.raises(ValidationError) as info:
        M.Dialed.from_dict("abc")  # type: ignore[arg-type]
    assert info.value.problems == [Problem("", "expected an object (Dialed)")]


def test_problem_str() -> None:
    assert str(Problem("channel.caller.number", "missing required field")) == "channel.caller.number: missing required field"
    assert str(Problem("", "expected an object (Channel)")) == "<root>: expected an object (Channel)"


# --------------------------------------------------------------------------------------------
# enums: every LIST of the spec

# (declaration, "Model.property" or "operation(parameter)") -> the StrEnum that generated code names it
ENUM_NAMES = {
    ("asterisk", "getInfo(only)"): "AsteriskGetInfoOnly",
    ("endpoints", "Endpoint.state"): "EndpointState",
    ("channels", "Channel.state"): "ChannelState",
    ("channels", "hangup(reason)"): "ChannelsHangupReason",
    ("channels", "mute(direction)"): "ChannelsMuteDirection",
    ("channels", "unmute(direction)"): "ChannelsUnmuteDirection",
    ("channels", "record(ifExists)"): "ChannelsRecordIfExists",
    ("channels", "record(terminateOn)"): "ChannelsRecordTerminateOn",
    ("channels", "snoopChannel(spy)"): "ChannelsSnoopChannelSpy",
    ("channels", "snoopChannel(whisper)"): "ChannelsSnoopChannelWhisper",
    ("channels", "snoopChannelWithId(spy)"): "ChannelsSnoopChannelWithIdSpy",
    ("channels", "snoopChannelWithId(whisper)"): "ChannelsSnoopChannelWithIdWhisper",
    ("channels", "externalMedia(encapsulation)"): "ChannelsExternalMediaEncapsulation",
    ("channels", "externalMedia(transport)"): "ChannelsExternalMediaTransport",
    ("channels", "externalMedia(connection_type)"): "ChannelsExternalMediaConnectionType",
    ("channels", "externalMedia(direction)"): "ChannelsExternalMediaDirection",
    ("bridges", "Bridge.bridge_type"): "BridgeBridgeType",
    ("bridges", "record(ifExists)"): "BridgesRecordIfExists",
    ("bridges", "record(terminateOn)"): "BridgesRecordTerminateOn",
    ("recordings", "LiveRecording.state"): "LiveRecordingState",
    ("playbacks", "Playback.state"): "PlaybackState",
    ("playbacks", "control(operation)"): "PlaybacksControlOperation",
    ("deviceStates", "DeviceState.state"): "DeviceStateState",
    ("deviceStates", "update(deviceState)"): "DeviceStatesUpdateDeviceState",
    ("events", "ContactInfo.contact_status"): "ContactInfoContactStatus",
}


def spec_lists() -> dict[tuple[str, str], list[Any]]:
    """Every LIST of allowable values in specs/, read straight from the JSON."""
    found: dict[tuple[str, str], list[Any]] = {}
    for name, doc in all_specs().items():
        for model_id, model in doc.get("models", {}).items():
            for prop, p in model.get("properties", {}).items():
                allowed = p.get("allowableValues")
                if allowed and allowed["valueType"] == "LIST":
                    found[(name, f"{model_id}.{prop}")] = allowed["values"]
        for api in doc.get("apis", []):
            for op in api["operations"]:
                for p in op.get("parameters", []):
                    allowed = p.get("allowableValues")
                    if allowed and allowed["valueType"] == "LIST":
                        found[(name, f"{op['nickname']}({p['name']})")] = allowed["values"]
    return found


def test_every_spec_list_has_a_strenum_with_exactly_its_values() -> None:
    lists = spec_lists()
    assert set(lists) == set(ENUM_NAMES)
    for key, values in lists.items():
        enum = getattr(M, ENUM_NAMES[key])
        assert issubclass(enum, StrEnum), key
        assert [m.value for m in enum] == values, key
        assert all(type(m.value) is str and m == m.value for m in enum)


def test_no_other_strenums_are_exported() -> None:
    exported = {n for n in M.__all__ if isinstance(getattr(M, n), type) and issubclass(getattr(M, n), StrEnum)}
    assert exported == set(ENUM_NAMES.values())


def test_enum_members_spot_check() -> None:
    assert M.ChannelState.DIALING_OFFHOOK == "Dialing Offhook"
    assert M.ChannelState("Pre-ring") is M.ChannelState.PRE_RING
    assert M.ChannelsRecordTerminateOn("#").value == "#"
    assert M.ChannelsRecordTerminateOn("*").value == "*"
    assert M.DeviceStateState.NOT_INUSE == "NOT_INUSE"
    assert [m.value for m in M.LiveRecordingState] == ["queued", "recording", "paused", "done", "failed", "canceled"]
    assert [m.value for m in M.ContactInfoContactStatus] == ["Unreachable", "Reachable", "Unknown", "NonQualified", "Removed"]


def test_no_model_property_has_a_range() -> None:
    # RANGE appears only on operation parameters in this spec, so there is no model RANGE to test
    for doc in all_specs().values():
        for model in doc.get("models", {}).values():
            for p in model.get("properties", {}).values():
                assert p.get("allowableValues", {}).get("valueType") != "RANGE"


# --------------------------------------------------------------------------------------------
# inheritance and construction


def test_event_hierarchy() -> None:
    assert issubclass(M.Event, M.Message)
    assert issubclass(M.MissingParams, M.Message)
    assert not issubclass(M.MissingParams, M.Event)
    assert issubclass(M.Message, M.Model)
    for name in EVENT_TYPES:
        cls = model_class(name)
        assert issubclass(cls, M.Event), name
        assert issubclass(cls, M.Message), name
        assert cls.__mro__[1] is M.Event, name
    assert issubclass(M.StasisStart, M.Event) and issubclass(M.StasisStart, M.Message)
    assert not issubclass(M.RESTRequest, M.Message)
    assert not issubclass(M.Channel, M.Message)


@pytest.mark.parametrize("name", EVENT_TYPES)
def test_every_event_payload_is_an_instance_of_its_bases(name: str) -> None:
    event = M.parse_message(payload(name))
    assert isinstance(event, model_class(name))
    assert isinstance(event, M.Event)
    assert isinstance(event, M.Message)
    assert isinstance(event, M.Model)
    assert event.type == name
    assert not isinstance(event, M.MissingParams)


def test_constructing_an_event_directly() -> None:
    channel = M.Channel(
        id="1764127000.42",
        protocol_id="",
        name="Local/1000@default-00000001;1",
        state=M.ChannelState.UP,
        caller=M.CallerID(name="Alice", number="1000"),
        connected=M.CallerID(name="", number=""),
        accountcode="",
        dialplan=M.DialplanCEP(context="default", exten="1000", priority=1, app_name="Stasis", app_data="demo"),
        creationtime=datetime(2026, 11, 26, 3, 16, 18, 152000, tzinfo=UTC),
        language="en",
    )
    event = M.StasisStart(
        application="demo",
        timestamp=datetime(2026, 11, 26, 3, 16, 18, 160000, tzinfo=UTC),
        args=["a"],
        channel=channel,
    )
    assert event.type == "StasisStart"
    assert event.asterisk_id is None and event.replace_channel is None
    assert event.extras == {}
    expected = {
        "type": "StasisStart",
        "application": "demo",
        "timestamp": "2026-11-26T03:16:18.160+0000",
        "args": ["a"],
        "channel": {
            "id": "1764127000.42",
            "protocol_id": "",
            "name": "Local/1000@default-00000001;1",
            "state": "Up",
            "caller": {"name": "Alice", "number": "1000"},
            "connected": {"name": "", "number": ""},
            "accountcode": "",
            "dialplan": {"context": "default", "exten": "1000", "priority": 1, "app_name": "Stasis", "app_data": "demo"},
            "creationtime": "2026-11-26T03:16:18.152+0000",
            "language": "en",
        },
    }
    assert event.to_dict() == expected
    assert json.loads(event.to_json()) == expected
    again = M.parse_message(expected)
    assert type(again) is M.StasisStart
    assert again == event
    assert M.validate_stasis_start(expected) == []
    assert M.Event(application="demo", timestamp=datetime(2026, 1, 1, tzinfo=UTC)).type == "Event"
    assert M.MissingParams(params=["app"]).type == "MissingParams"
    assert M.Message(type="Whatever").to_dict() == {"type": "Whatever"}


def test_constructors_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        M.CallerID("Alice", "1000")  # type: ignore[misc]
    with pytest.raises(TypeError):
        M.Variable()  # type: ignore[call-arg]


def test_dataclasses_have_slots() -> None:
    classes = [getattr(M, n) for n in M.__all__]
    classes = [c for c in classes if isinstance(c, type) and issubclass(c, M.Model) and c is not M.Model]
    spec_models = {model_id for doc in all_specs().values() for model_id in doc.get("models", {})}
    assert len(spec_models) == 82
    assert {c.__name__ for c in classes} == spec_models
    for cls in classes:
        assert dataclasses.is_dataclass(cls), cls
        assert "__slots__" in cls.__dict__, cls
        assert "__dict__" not in cls.__dict__, cls
    event = M.parse_message(payload("StasisStart", 0))
    assert not hasattr(event, "__dict__")
    with pytest.raises(AttributeError):
        event.not_a_field = 1  # type: ignore[attr-defined]
    for cls in classes:  # no slot is declared twice along the MRO (a redefined `type` default included)
        declared = [slot for klass in cls.__mro__ for slot in klass.__dict__.get("__slots__", ())]
        assert len(declared) == len(set(declared)), cls
    assert {"args", "channel", "replace_channel"} <= set(M.StasisStart.__slots__)


def test_lazy_exports_resolve() -> None:
    for name in M.__all__:
        assert getattr(M, name) is not None, name
    assert sorted(dir(M)) == sorted(M.__all__)
    assert M.ValidationError is ValidationError
    with pytest.raises(AttributeError):
        M.NoSuchModel  # noqa: B018
    assert ari_client.API_VERSION == "12.0.0"


# --------------------------------------------------------------------------------------------
# the example application


def test_example_app_runs_on_the_traffic_sample() -> None:
    from tests.example_app import app

    lines = (TRAFFIC / "events.jsonl").read_text(encoding="utf-8").splitlines()
    assert app.run(lines) == [
        "03:16:20.959 demo: Local/stasis@default-00000000;2 entered Stasis (args: '')",
        "03:16:20.960 Local/stasis@default-00000000;2 is Up (answered)",
        "03:16:20.958 Local/stasis@default-00000000;2: REPORTED_VAR='reported'",
        "03:16:20.958 Dial (no caller) -> Local/stasis@default-00000000;1 via 'stasis@default/n': (dialing)",
        "03:16:26.114 playback sound:beep on channel:smoke-a1: done",
        "03:16:26.854 DTMF 1 (100 ms) from Corpus Connected <5559876>",
        "03:16:25.491 demo: Local/wait@default-00000001;1 left Stasis",
        "03:16:25.491 Local/wait@default-00000001;1 destroyed: 16 Normal Clearing",
    ]
    paused = json.loads(lines[4])
    paused["playback"]["state"] = "paused"
    broken = json.loads(lines[5])
    del broken["channel"]["caller"]["number"]
    foo = {"type": "ChannelFooBar", "application": "demo", "timestamp": "2026-11-26T03:16:30.004+0000"}
    assert app.run([json.dumps(paused), json.dumps(broken), json.dumps(foo)]) == [
        "invalid: playback.state: must be one of queued, playing, continuing, done, failed",
        "03:16:26.114 playback sound:beep on channel:smoke-a1: paused (unknown state)",
        "invalid: channel.caller.number: missing required field",
        "rejected ChannelDtmfReceived: channel.caller.number: missing required field",
        "03:16:30.004 demo: ChannelFooBar",
    ]


def run_mypy(target: Path, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["MYPYPATH"] = os.path.relpath(GENERATED, cwd)
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--cache-dir", str(tmp_path / "mypy-cache"),
         "--config-file", os.devnull, os.path.relpath(target, cwd)],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_example_app_passes_mypy_strict(tmp_path: Path) -> None:
    result = run_mypy(EXAMPLE_APP / "app.py", EXAMPLE_APP, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_mypy_sees_real_types(tmp_path: Path) -> None:
    """The models are typed, not Any: mypy catches misuse of event.channel.caller.number."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ari_client.models import StasisStart, parse_message\n"
        "event = parse_message({})\n"
        "assert isinstance(event, StasisStart)\n"
        "n: int = event.channel.caller.number\n"
        "event.channel.no_such_field\n"
        "event.replace_channel.id\n",
        encoding="utf-8",
    )
    result = run_mypy(probe, tmp_path, tmp_path)
    assert result.returncode == 1
    errors = [line.split(": error: ", 1)[1] for line in result.stdout.splitlines() if ": error: " in line]
    assert errors == [
        'Incompatible types in assignment (expression has type "str", variable has type "int")  [assignment]',
        '"Channel" has no attribute "no_such_field"  [attr-defined]',
        'Item "None" of "Channel | None" has no attribute "id"  [union-attr]',
    ]
