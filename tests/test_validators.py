"""The generated strict validators ``validate_<model>(data, path="") -> list[Problem]`` (issue 3).

Every hand-written payload and every body of the traffic sample validates to ``[]``; hand-written
mutations produce exactly the expected problems. ``ACCEPTED`` and ``REJECTED`` are also the
inputs of test_schema_oracle.py, which checks the JSON Schemas against the same verdicts.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Callable, NamedTuple

import pytest

from ari_client import models as M
from ari_client.models import Problem

HERE = Path(__file__).resolve().parent
PAYLOADS = HERE / "data" / "payloads"
TRAFFIC = HERE / "data" / "traffic"
SPECS = HERE.parent / "specs" / "api-docs"

CHANNEL_STATES = "Down, Rsrved, OffHook, Dialing, Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring, Unknown"
DEVICE_STATES = "UNKNOWN, NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, RINGING, RINGINUSE, ONHOLD"
MISSING = "missing required field"


def validator_name(model: str) -> str:
    """validate_<snake_case model id>; 'RTPstat' is split as the generator does."""
    if model == "RTPstat":
        return "validate_rt_pstat"
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", model).lower()
    return f"validate_{snake}"


def validator(model: str) -> Callable[..., list[Problem]]:
    fn = getattr(M, validator_name(model))
    assert callable(fn)
    return fn  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------
# accepted payloads


class Case(NamedTuple):
    id: str
    model: str
    data: Any


def _load(name: str) -> list[Any]:
    value = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return value if isinstance(value, list) else [value]


def payload(name: str, index: int = 0) -> Any:
    return copy.deepcopy(_load(name)[index])


def _traffic() -> list[Case]:
    cases = []
    for i, line in enumerate((TRAFFIC / "events.jsonl").read_text(encoding="utf-8").splitlines()):
        data = json.loads(line)
        cases.append(Case(f"traffic-events-{i}-{data['type']}", data["type"], data))
    responses = {"asterisk.getInfo": "AsteriskInfo", "channels.originate": "Channel", "channels.get": "Channel",
                 "channels.play": "Playback", "bridges.create": "Bridge", "channels.list": "Channel"}  # fmt: skip
    for i, line in enumerate((TRAFFIC / "http.jsonl").read_text(encoding="utf-8").splitlines()):
        exchange = json.loads(line)
        if exchange["status"] < 300:
            body = exchange["json"]
            for j, item in enumerate(body if isinstance(body, list) else [body]):
                cases.append(Case(f"traffic-http-{i}-{j}", responses[exchange["operation"]], item))
    return cases


def _set(data: Any, path: str, value: Any) -> Any:
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


def _del(data: Any, path: str) -> Any:
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    del target[int(last) if isinstance(target, list) else last]
    return data


def edit(name: str, index: int, *changes: tuple[str, Any]) -> Any:
    """A payload with changes applied: ("path", value) sets, ("path", DELETE) deletes."""
    data = payload(name, index)
    for path, value in changes:
        if value is DELETE:
            _del(data, path)
        else:
            _set(data, path, value)
    return data


DELETE = object()

# hand-written edge cases that are valid, beyond the payload files
EXTRA_ACCEPTED = [
    Case("integer-valued-float", "Channel", edit("Channel", 0, ("dialplan.priority", 3.0))),
    Case("int-for-double", "RTPstat", edit("RTPstat", 0, ("txjitter", 0), ("rtt", 12))),
    Case("negative-and-zero-ints", "ChannelDestroyed", edit("ChannelDestroyed", 0, ("cause", 0), ("tech_cause", -1))),
    Case("extra-fields-everywhere", "StasisStart",
         edit("StasisStart", 0, ("x_top", [1, {"a": None}]), ("channel.x_codec", "opus"), ("channel.caller.x", True))),
    Case("unknown-event-type", "Event", edit("Event", 0, ("type", "ChannelFooBar"))),
    Case("subtype-data-against-base-Event", "Event", payload("StasisStart", 0)),
    Case("subtype-data-against-base-Message", "Message", payload("ChannelDtmfReceived", 0)),
    Case("message-unknown-type", "Message", {"type": "SomethingNew", "asterisk_id": "02:fc:00:00:00:01", "x": 1}),
    Case("empty-lists", "Application", payload("Application", 1)),
    Case("empty-object", "AsteriskInfo", {}),
    Case("empty-object-without-properties", "Dialed", {}),
    Case("anything-in-object-field", "ChannelUserevent",
         edit("ChannelUserevent", 0, ("userevent", {"n": 1, "l": [None, 1.5], "o": {"deep": {}}}))),
    Case("unicode", "CallerID", {"name": "Zoë Ørsted — 测试", "number": "+4512345678"}),
    Case("big-ints", "RTPstat", edit("RTPstat", 1, ("txoctetcount", 2**80), ("rxcount", -(2**70)))),
]

ACCEPTED: list[Case] = [
    Case(f"{path.stem}[{i}]", path.stem, item)
    for path in sorted(PAYLOADS.glob("*.json"))
    for i, item in enumerate(_load(path.stem))
]
ACCEPTED += _traffic() + EXTRA_ACCEPTED


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.id for c in ACCEPTED])
def test_accepted(case: Case) -> None:
    original = copy.deepcopy(case.data)
    assert validator(case.model)(case.data) == []
    assert validator(case.model)(case.data, "response") == []
    assert case.data == original  # validation does not touch its input


def test_accepted_counts() -> None:
    assert len([c for c in ACCEPTED if c.id.startswith("traffic-events-")]) == 8
    assert len([c for c in ACCEPTED if c.id.startswith("traffic-http-")]) == 5  # channels.list is []
    assert len(ACCEPTED) >= 150


# --------------------------------------------------------------------------------------------
# rejected payloads


class Rejected(NamedTuple):
    id: str
    model: str
    data: Any
    problems: list[tuple[str, str]]


REJECTED = [
    Rejected("date-no-offset", "StasisEnd", edit("StasisEnd", 0, ("timestamp", "2026-11-26T03:16:18.152")), [("timestamp", "expected a date-time string")]),
    Rejected("date-microseconds", "StasisEnd", edit("StasisEnd", 0, ("channel.creationtime", "2026-11-26T03:16:18.152345+0000")), [("channel.creationtime", "expected a date-time string")]),
    Rejected("date-no-fraction", "StasisEnd", edit("StasisEnd", 0, ("timestamp", "2026-11-26T03:16:18-0600")), [("timestamp", "expected a date-time string")]),
    Rejected("date-colon-offset", "StasisEnd", edit("StasisEnd", 0, ("timestamp", "2026-11-26T03:16:18.152+00:00")), [("timestamp", "expected a date-time string")]),
    Rejected("date-zulu", "StasisEnd", edit("StasisEnd", 0, ("timestamp", "2026-11-26T03:16:18Z")), [("timestamp", "expected a date-time string")]),
    # missing required fields, at the top and at depth
    Rejected("missing-top", "StasisStart", edit("StasisStart", 0, ("channel", DELETE)), [("channel", MISSING)]),
    Rejected("missing-deep", "StasisStart", edit("StasisStart", 0, ("channel.caller.number", DELETE)),
             [("channel.caller.number", MISSING)]),
    Rejected("missing-several-in-order", "Channel",
             edit("Channel", 0, ("language", DELETE), ("id", DELETE), ("name", DELETE)),
             [("id", MISSING), ("name", MISSING), ("language", MISSING)]),
    Rejected("missing-inherited", "MissingParams", edit("MissingParams", 0, ("type", DELETE), ("params", DELETE)),
             [("type", MISSING), ("params", MISSING)]),
    Rejected("missing-event-base-fields", "Event",
             edit("Event", 0, ("application", DELETE), ("timestamp", DELETE)),
             [("application", MISSING), ("timestamp", MISSING)]),
    Rejected("missing-in-list-item", "Sound", edit("Sound", 0, ("formats.1.language", DELETE)),
             [("formats[1].language", MISSING)]),
    Rejected("missing-deep-in-list", "ChannelTransfer",
             edit("ChannelTransfer", 0, ("refer_to.requested_destination.additional_protocol_params.1.parameter_value", DELETE)),
             [("refer_to.requested_destination.additional_protocol_params[1].parameter_value", MISSING)]),
    Rejected("missing-two-levels", "AsteriskInfo",
             edit("AsteriskInfo", 0, ("config.setid.user", DELETE), ("status.startup_time", 1764127000)),
             [("config.setid.user", MISSING), ("status.startup_time", "expected a date-time string")]),
    # wrong types, at depth
    Rejected("string-is-int", "StasisStart", edit("StasisStart", 0, ("channel.caller.number", 1000)),
             [("channel.caller.number", "expected a string")]),
    Rejected("type-not-string", "StasisStart", edit("StasisStart", 0, ("type", 7)), [("type", "expected a string")]),
    Rejected("int-is-string", "Channel", edit("Channel", 0, ("dialplan.priority", "1")),
             [("dialplan.priority", "expected an integer")]),
    Rejected("int-is-fraction", "Channel", edit("Channel", 0, ("dialplan.priority", 1.5)),
             [("dialplan.priority", "expected an integer")]),
    Rejected("int-is-bool", "Channel", edit("Channel", 0, ("dialplan.priority", True)),
             [("dialplan.priority", "expected an integer")]),
    Rejected("big-int-as-string", "RTPstat", edit("RTPstat", 0, ("local_ssrc", "5000000000")),
             [("local_ssrc", "expected an integer")]),
    Rejected("double-is-bool-and-string", "RTPstat", edit("RTPstat", 0, ("txjitter", True), ("rxjitter", "0.1")),
             [("txjitter", "expected a number"), ("rxjitter", "expected a number")]),
    Rejected("boolean-is-string", "BridgeBlindTransfer", edit("BridgeBlindTransfer", 0, ("is_external", "false")),
             [("is_external", "expected a boolean")]),
    Rejected("boolean-is-int", "ChannelHangupRequest", edit("ChannelHangupRequest", 0, ("soft", 1)),
             [("soft", "expected a boolean")]),
    Rejected("object-is-list", "Channel", edit("Channel", 0, ("channelvars", ["A=1"])), [("channelvars", "expected an object")]),
    Rejected("object-is-string", "ChannelUserevent", edit("ChannelUserevent", 0, ("userevent", "x")),
             [("userevent", "expected an object")]),
    Rejected("model-is-string", "Channel", edit("Channel", 0, ("caller", "Alice <1000>")),
             [("caller", "expected an object (CallerID)")]),
    Rejected("payload-is-list", "Mailbox", [payload("Mailbox", 0)], [("", "expected an object (Mailbox)")]),
    Rejected("payload-is-string", "StasisStart", json.dumps(payload("StasisStart", 0)), [("", "expected an object (StasisStart)")]),
    Rejected("several-at-depth", "BridgeBlindTransfer",
             edit("BridgeBlindTransfer", 0, ("transferee.dialplan", DELETE), ("bridge.creationtime", "yesterday"), ("exten", 3000)),
             [("transferee.dialplan", MISSING), ("exten", "expected a string"), ("bridge.creationtime", "expected a date-time string")]),
    Rejected("optional-wrong-types", "ChannelDestroyed", edit("ChannelDestroyed", 0, ("cause", 16.5), ("tech_cause", "200")),
             [("cause", "expected an integer"), ("tech_cause", "expected an integer")]),
    Rejected("nested-object-fields", "TextMessageReceived",
             edit("TextMessageReceived", 0, ("message.variables", "X-Priority: 1"), ("message.from", DELETE)),
             [("message.from", MISSING), ("message.variables", "expected an object")]),
    Rejected("status-code-string", "RESTResponse", edit("RESTResponse", 0, ("status_code", "200")),
             [("status_code", "expected an integer")]),
    Rejected("ping-timestamp-is-a-plain-string-field", "AsteriskPing", edit("AsteriskPing", 0, ("timestamp", 1764127000)),
             [("timestamp", "expected a string")]),
    Rejected("module-use-count", "Module", edit("Module", 0, ("use_count", "14")), [("use_count", "expected an integer")]),
    # LIST values
    Rejected("bad-channel-state", "StasisStart", edit("StasisStart", 0, ("channel.state", "Dancing")),
             [("channel.state", f"must be one of {CHANNEL_STATES}")]),
    Rejected("list-value-wrong-case", "DeviceStateChanged", edit("DeviceStateChanged", 0, ("device_state.state", "inuse")),
             [("device_state.state", f"must be one of {DEVICE_STATES}")]),
    Rejected("bad-bridge-type", "Bridge", edit("Bridge", 0, ("bridge_type", "conference")),
             [("bridge_type", "must be one of mixing, holding")]),
    Rejected("playback-paused", "Playback", edit("Playback", 1, ("state", "paused")),
             [("state", "must be one of queued, playing, continuing, done, failed")]),
    Rejected("bad-contact-status", "ContactStatusChange", edit("ContactStatusChange", 0, ("contact_info.contact_status", "Online")),
             [("contact_info.contact_status", "must be one of Unreachable, Reachable, Unknown, NonQualified, Removed")]),
    Rejected("list-field-not-a-string", "LiveRecording", edit("LiveRecording", 0, ("state", 1)), [("state", "expected a string")]),
    Rejected("optional-list-field", "EndpointStateChange", edit("EndpointStateChange", 0, ("endpoint.state", "busy")),
             [("endpoint.state", "must be one of unknown, offline, online")]),
    # non-lists and bad list items
    Rejected("args-not-a-list", "StasisStart", edit("StasisStart", 0, ("args", "inbound")), [("args", "expected an array")]),
    Rejected("args-bad-items", "StasisStart", edit("StasisStart", 0, ("args", ["a", 2, None])),
             [("args[1]", "expected a string"), ("args[2]", "expected a string")]),
    Rejected("channels-is-a-string", "Bridge", edit("Bridge", 0, ("channels", "1764127000.42")), [("channels", "expected an array")]),
    Rejected("channels-null-item", "Bridge", edit("Bridge", 0, ("channels", [None])), [("channels[0]", "expected a string")]),
    Rejected("model-list-is-object", "Sound", edit("Sound", 0, ("formats", {"language": "en", "format": "gsm"})),
             [("formats", "expected an array")]),
    Rejected("model-list-bad-item", "Sound", edit("Sound", 0, ("formats", ["gsm", {"language": "en", "format": "gsm"}, None])),
             [("formats[0]", "expected an object (FormatLangPair)"), ("formats[2]", "expected an object (FormatLangPair)")]),
    Rejected("object-list-bad-item", "Application", edit("Application", 0, ("events_allowed", ["StasisStart"])),
             [("events_allowed[0]", "expected an object")]),
    Rejected("float-id-in-list", "Endpoint", edit("Endpoint", 0, ("channel_ids", [1764127000.42])),
             [("channel_ids[0]", "expected a string")]),
    Rejected("nested-model-list-not-list", "ChannelTransfer",
             edit("ChannelTransfer", 0, ("refer_to.requested_destination.additional_protocol_params", "Referred-By")),
             [("refer_to.requested_destination.additional_protocol_params", "expected an array")]),
    # dates
    Rejected("date-only", "StasisStart", edit("StasisStart", 0, ("timestamp", "2026-11-26")),
             [("timestamp", "expected a date-time string")]),
    Rejected("date-space-separator", "Channel", edit("Channel", 0, ("creationtime", "2026-11-26 03:16:18.152+0000")),
             [("creationtime", "expected a date-time string")]),
    Rejected("date-epoch-number", "Bridge", edit("Bridge", 0, ("creationtime", 1764127000.42)),
             [("creationtime", "expected a date-time string")]),
    Rejected("date-words", "StatusInfo", {"startup_time": "yesterday", "last_reload_time": "2026-11-26T03:16:18.152+0000"},
             [("startup_time", "expected a date-time string")]),
    # null
    Rejected("null-required-date", "StasisStart", edit("StasisStart", 0, ("timestamp", None)),
             [("timestamp", "expected a date-time string")]),
    Rejected("null-required-model", "StasisStart", edit("StasisStart", 0, ("channel", None)),
             [("channel", "expected an object (Channel)")]),
    Rejected("null-required-string", "ChannelDtmfReceived", edit("ChannelDtmfReceived", 0, ("channel.caller.name", None)),
             [("channel.caller.name", "expected a string")]),
    Rejected("null-required-list", "Application", edit("Application", 0, ("channel_ids", None)), [("channel_ids", "expected an array")]),
    Rejected("null-required-int", "Mailbox", edit("Mailbox", 0, ("new_messages", None)), [("new_messages", "expected an integer")]),
    Rejected("null-optional-string", "Endpoint", edit("Endpoint", 0, ("state", None)), [("state", "expected a string")]),
    Rejected("null-optional-model", "StasisStart", edit("StasisStart", 1, ("replace_channel", None)),
             [("replace_channel", "expected an object (Channel)")]),
]


@pytest.mark.parametrize("case", REJECTED, ids=[c.id for c in REJECTED])
def test_rejected(case: Rejected) -> None:
    assert validator(case.model)(case.data) == [Problem(path, message) for path, message in case.problems]


@pytest.mark.parametrize("case", REJECTED, ids=[c.id for c in REJECTED])
def test_rejected_with_a_path_prefix(case: Rejected) -> None:
    def joined(path: str) -> str:
        return "body" + ("." + path if path and not path.startswith("[") else path)

    assert validator(case.model)(case.data, "body") == [Problem(joined(p), m) for p, m in case.problems]


def test_rejected_counts() -> None:
    assert len(REJECTED) >= 25
    assert len({c.id for c in REJECTED}) == len(REJECTED)


def test_rejected_cases_differ_from_valid_payloads() -> None:
    """Each mutation really changed something (guards against a typo'd path silently adding a field)."""
    for case in REJECTED:
        assert case.data not in [item for _, m, item in ACCEPTED if m == case.model], case.id


# --------------------------------------------------------------------------------------------
# every model: shape errors and required fields, read from the spec


def spec_models() -> dict[str, dict[str, Any]]:
    models: dict[str, dict[str, Any]] = {}
    for path in sorted(SPECS.glob("*.json")):
        models.update(json.loads(path.read_text(encoding="utf-8")).get("models", {}))
    return models


def required_fields(models: dict[str, dict[str, Any]], model_id: str) -> list[str]:
    """Required properties with inherited ones first (root first), in spec order."""
    parents = {child: parent for parent, m in models.items() for child in m.get("subTypes", [])}
    chain = [model_id]
    while chain[0] in parents:
        chain.insert(0, parents[chain[0]])
    return [name for mid in chain for name, p in models[mid].get("properties", {}).items() if p.get("required")]


@pytest.mark.parametrize("model_id", sorted(spec_models()))
def test_empty_object_reports_every_required_field(model_id: str) -> None:
    expected = [Problem(name, MISSING) for name in required_fields(spec_models(), model_id)]
    assert validator(model_id)({}) == expected
    assert validator(model_id)({}, "x[0]") == [Problem(f"x[0].{p.path}", p.message) for p in expected]


@pytest.mark.parametrize("model_id", sorted(spec_models()))
def test_non_objects_are_rejected_without_raising(model_id: str) -> None:
    for bad in (None, [], [{}], "{}", 0, 1.5, True):
        assert validator(model_id)(bad) == [Problem("", f"expected an object ({model_id})")]
        assert validator(model_id)(bad, "event.channel") == [Problem("event.channel", f"expected an object ({model_id})")]


def test_stasis_start_required_fields() -> None:
    assert required_fields(spec_models(), "StasisStart") == ["type", "application", "timestamp", "args", "channel"]


def test_every_validator_is_exported() -> None:
    names = {n for n in M.__all__ if n.startswith("validate_")}
    assert names == {validator_name(m) for m in spec_models()}
