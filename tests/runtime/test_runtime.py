"""``_runtime``: problems, validation errors, dates, JSON type checks, the model base."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Mapping

import pytest

from ari_codegen.runtime import _runtime as rt
from ari_codegen.schema_out import DATE_PATTERN


def test_problem_and_validation_error_messages() -> None:
    problems = [rt.Problem("channel.caller", "missing required field"), rt.Problem("", "expected an object")]
    assert str(problems[0]) == "channel.caller: missing required field"
    assert str(problems[1]) == "<root>: expected an object"
    error = rt.ValidationError(problems, "Channel")
    assert isinstance(error, ValueError)
    assert str(error) == "Channel: channel.caller: missing required field; <root>: expected an object"
    assert error.problems == problems and error.model == "Channel"
    assert str(rt.ValidationError([problems[0]])) == "channel.caller: missing required field"


def test_paths() -> None:
    assert rt.join("", "channel") == "channel"
    assert rt.join("channel", "caller") == "channel.caller"
    assert rt.index("channels", 2) == "channels[2]"


@pytest.mark.parametrize(
    ("value", "is_int", "is_number"),
    [(1, True, True), (1.0, True, True), (1.5, False, True), (True, False, False), ("1", False, False), (None, False, False)],
)
def test_json_numbers(value: Any, is_int: bool, is_number: bool) -> None:
    assert rt.is_int(value) is is_int
    assert rt.is_number(value) is is_number


def test_is_mapping_takes_any_mapping() -> None:
    from collections import OrderedDict
    from types import MappingProxyType

    assert rt.is_mapping({}) and rt.is_mapping(OrderedDict()) and rt.is_mapping(MappingProxyType({}))
    assert not rt.is_mapping([]) and not rt.is_mapping("{}")


def test_the_date_pattern_is_the_one_of_the_schemas() -> None:
    assert rt.DATE_PATTERN is DATE_PATTERN
    assert re.match(rt.DATE_PATTERN, "2013-12-05T10:46:40.213-0600")
    assert not re.match(rt.DATE_PATTERN, "2013-12-05T10:46:40.213-0600\n")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2013-12-05T10:46:40.213-0600", True),
        ("2024-02-29T00:00:00.000+0000", True),
        ("2023-02-29T00:00:00.000+0000", False),  # no such day: the pattern cannot tell
        ("2013-12-05T10:46:40-0600", False),  # no milliseconds
        ("2013-12-05T10:46:40.213-06:00", False),  # ISO 8601, not Asterisk's
        ("2013-12-05 10:46:40.213-0600", False),
        (1386262000, False),
        (None, False),
    ],
)
def test_is_date_is_strict(value: Any, ok: bool) -> None:
    assert rt.is_date(value) is ok


def test_parse_date_is_lenient_and_aware() -> None:
    parsed = rt.parse_date("2013-12-05T10:46:40.213-0600")
    assert parsed == datetime(2013, 12, 5, 10, 46, 40, 213000, timezone(timedelta(hours=-6)))
    assert rt.parse_date("2013-12-05T16:46:40Z") == datetime(2013, 12, 5, 16, 46, 40, tzinfo=timezone.utc)
    naive = rt.parse_date("2013-12-05T16:46:40")
    assert naive.tzinfo is timezone.utc
    with pytest.raises(TypeError):
        rt.parse_date(1386262000)
    with pytest.raises(ValueError):
        rt.parse_date("yesterday")


@pytest.mark.parametrize(
    "text",
    ["2013-12-05T10:46:40.213-0600", "2024-02-29T23:59:59.999+0530", "0001-01-01T00:00:00.000+0000", "2020-06-01T12:00:00.000-1200"],
)
def test_format_date_round_trips_asterisk_timestamps(text: str) -> None:
    assert rt.format_date(rt.parse_date(text)) == text


def test_format_date() -> None:
    assert rt.format_date(datetime(2020, 1, 2, 3, 4, 5, 678901)) == "2020-01-02T03:04:05.678+0000"  # naive: UTC
    odd = datetime(2020, 1, 2, tzinfo=timezone(-timedelta(hours=3, minutes=30)))
    assert rt.format_date(odd) == "2020-01-02T00:00:00.000-0330"
    assert rt.is_date(rt.format_date(datetime.now(timezone.utc)))


@dataclass(slots=True, kw_only=True)
class Thing(rt.Model):
    """A hand-written model, as the templates write them."""

    name: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Thing:
        problems = [] if isinstance(data.get("name"), str) else [rt.Problem("name", "expected a string")]
        if problems:
            raise rt.ValidationError(problems, cls.__name__)
        return cls(name=data["name"], extras={k: v for k, v in data.items() if k != "name"})

    def to_dict(self) -> Dict[str, Any]:
        return {"name": self.name, **self.extras}


@dataclass(slots=True, kw_only=True)
class Special(Thing):
    size: int

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Special:
        if not rt.is_int(data.get("size")):
            raise rt.ValidationError([rt.Problem("size", "expected an integer")], cls.__name__)
        base = Thing.from_dict(data)
        return cls(name=base.name, size=int(data["size"]))


def test_model_json_round_trip_keeps_unknown_fields() -> None:
    thing = Thing.from_json('{"name": "a", "new_in_asterisk_99": [1]}')
    assert thing.extras == {"new_in_asterisk_99": [1]}
    assert Thing.from_json(thing.to_json()) == thing
    assert "extras" not in repr(thing)
    with pytest.raises(NotImplementedError):
        rt.Model.from_dict({})
    with pytest.raises(NotImplementedError):
        rt.Model().to_dict()


def test_nearest_base_decodes_what_fits() -> None:
    data = {"name": "a", "size": "big"}
    with pytest.raises(rt.ValidationError) as caught:
        Special.from_dict(data)
    fallback = rt.nearest_base(Special, Thing, data, caught.value)
    assert type(fallback) is Thing and fallback.extras == {"size": "big"}
    with pytest.raises(rt.ValidationError) as none_fits:
        rt.nearest_base(Special, Thing, {"size": 1}, caught.value)
    assert none_fits.value is caught.value


def test_failure_keeps_the_validators_problems_or_names_the_cause() -> None:
    problems = [rt.Problem("name", "expected a string")]
    assert rt.failure("Thing", problems, KeyError("name")).problems == problems
    error = rt.failure("Thing", [], KeyError("name"))
    assert str(error) == "Thing: <root>: KeyError: 'name'"
