"""Shared helpers of the generated package: the model base class, dates, validation errors,
JSON parsing (``loads``)."""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import (
    TYPE_CHECKING,
    AbstractSet,
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Type,
    TypeVar,
)

_M = TypeVar("_M", bound="Model")

DATE_PATTERN = "^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}[+-](?:[01]\\d|2[0-3])[0-5]\\d(?![\\s\\S])"
"""Asterisk's timestamp format, ``2013-12-05T10:46:40.213-0600``; also in the JSON Schemas."""
_DATE = re.compile(DATE_PATTERN)


@dataclass(frozen=True, slots=True)
class Problem:
    """One way in which a value breaks the spec: where (``channel.caller.number``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '<root>'}: {self.message}"


class ValidationError(ValueError):
    """A payload or an argument does not match the spec; ``problems`` lists every problem."""

    def __init__(self, problems: List[Problem], model: str = "") -> None:
        self.problems = problems
        self.model = model
        where = f"{model}: " if model else ""
        super().__init__(where + "; ".join(map(str, problems)))


class DecodeFailure(Exception):
    """Raised inside a generated ``from_dict`` to fall back to the validator's report."""


try:  # orjson parses a StasisStart frame three times as fast as json (bench/bench_runtime.py)
    _orjson_loads: Callable[[bytes], Any] | None = importlib.import_module(
        "orjson"
    ).loads
except ImportError:  # not installed (there is no orjson for PyPy): json alone
    _orjson_loads = None

# orjson reads an integer beyond 64 bits as a float; such a number has 19 digits or more
_DIGITS = bytes.maketrans(b"123456789", b"000000000")  # each digit a 0
_LONG_NUMBER = b"0" * 19


def loads(text: str | bytes) -> Any:
    """Parse a JSON document (a websocket message, a response body) to exactly what
    ``json.loads`` gives, with orjson when it is installed.

    ``json`` parses what orjson would read otherwise or refuse: a document with a run of 19
    digits or more (an integer beyond 64 bits stays exact), and those orjson refuses but
    ``json`` reads (``NaN``, a lone surrogate, UTF-16, nesting deeper than 1024), so that
    both give the same values and raise the same errors.
    """
    if _orjson_loads is not None and isinstance(text, (str, bytes)):
        try:
            data = text.encode() if isinstance(text, str) else text
            if _LONG_NUMBER not in data.translate(_DIGITS):
                return _orjson_loads(data)
        except ValueError:  # orjson.JSONDecodeError, a str no UTF-8 can encode: json's
            pass
    return json.loads(text)


MISSING: Any = object()
"""What a generated validator reads for an absent key: ``data.get(key, MISSING)``."""

# A generated ``from_dict`` makes its instance with ``object.__new__`` and assigns the fields
# one by one, after checking each: calling the dataclass ``__init__`` with keyword arguments
# instead costs about twice as much per object (bench/bench_runtime.py, decode).
if TYPE_CHECKING:

    def new_instance(cls: Type[_M]) -> _M:
        """An instance of ``cls`` whose fields are not set yet."""
        ...

else:
    new_instance = object.__new__


def join(path: str, key: str) -> str:
    """Extend a problem path: ``join("channel", "caller")`` → ``channel.caller``."""
    return f"{path}.{key}" if path else key


def index(path: str, i: int) -> str:
    return f"{path}[{i}]"


def is_int(value: Any) -> bool:
    """A JSON integer: ``1`` or ``1.0``, never ``true``."""
    cls = value.__class__
    return cls is int or (cls is float and value.is_integer())


def is_mapping(value: Any) -> bool:
    """A JSON object: a dict, or any other mapping (``object_pairs_hook=OrderedDict``)."""
    return isinstance(value, Mapping)


def is_number(value: Any) -> bool:
    cls = value.__class__
    return cls is int or cls is float


def is_date(value: Any) -> bool:
    """Strict: Asterisk's format, and a real calendar date (which a pattern cannot check)."""
    if value.__class__ is not str or _DATE.match(value) is None:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_date(value: Any) -> datetime:
    """Parse a timestamp to an aware datetime (naive ones are UTC).

    Lenient: any ISO 8601 form ``datetime.fromisoformat`` reads is accepted, though only
    Asterisk's own format (see ``DATE_PATTERN``) round-trips unchanged through ``format_date``.
    A value that is no string raises ``TypeError``.
    """
    parsed = _fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


_fromisoformat = datetime.fromisoformat  # looked up once: a third of parse_date's time


def format_date(value: datetime) -> str:
    """Format a datetime the way Asterisk does: milliseconds and a ``+HHMM`` offset."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:"
        f"{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}"
        f"{sign}{hours:02d}{minutes:02d}"
    )


def nearest_base(
    cls: type, root: Type[_M], data: Mapping[str, Any], error: ValidationError
) -> _M:
    """``data`` of a known type that does not fit its class ``cls`` (a field Asterisk dropped or
    retyped), decoded as the nearest base class up to ``root`` that fits it, every field kept
    (the rest in ``extras``); ``error`` is raised again when none fits."""
    for base in cls.__mro__[1:]:
        if isinstance(base, type) and issubclass(base, root):
            try:
                return base.from_dict(data)
            except ValidationError:
                continue
    raise error


def unknown_fields(data: Mapping[str, Any], known: AbstractSet[str]) -> Dict[str, Any]:
    """The fields of ``data`` whose keys are not ``known``: a model's ``extras``."""
    return {key: value for key, value in data.items() if key not in known}


def failure(model: str, problems: List[Problem], exc: BaseException) -> ValidationError:
    """The error a failed ``from_dict`` raises: the validator's problems, or the cause."""
    if not problems:
        problems = [Problem("", f"{type(exc).__name__}: {exc}")]
    return ValidationError(problems, model)


@dataclass(slots=True, kw_only=True)
class Model:
    """Base of every generated model: JSON in and out, unknown fields kept in ``extras``."""

    extras: Dict[str, Any] = field(default_factory=dict, repr=False)
    """Fields the spec does not know (a newer Asterisk adds fields); ``to_dict`` returns them."""

    @classmethod
    def from_dict(cls: Type[_M], data: Mapping[str, Any]) -> _M:
        raise NotImplementedError

    def to_dict(self) -> Dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_json(cls: Type[_M], text: str | bytes) -> _M:
        return cls.from_dict(loads(text))

    def to_json(self) -> str:
        return json.dumps(self.to_dict())
