"""``errors``: one class per status, shared by every operation; the rest of the hierarchy."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from ari_codegen.runtime import errors


def test_every_status_class_has_its_standard_phrase_and_family() -> None:
    assert errors.ERRORS_BY_STATUS
    for status, cls in errors.ERRORS_BY_STATUS.items():
        assert cls.phrase == HTTPStatus(status).phrase, cls
        family = errors.ClientError if 400 <= status < 500 else errors.ServerError
        assert issubclass(cls, family) and 400 <= status < 600
        assert cls.__doc__ and cls.__doc__.startswith(f"{status} {cls.phrase}")
    assert len(set(errors.ERRORS_BY_STATUS.values())) == len(errors.ERRORS_BY_STATUS)


def test_the_spec_statuses_all_have_a_class() -> None:
    """The table is fixed, not taken from the spec: every status the bundled listing documents is in it."""
    from ari_codegen import build_ir

    spec, _ = build_ir()
    assert spec is not None
    documented = {e.code for d in spec.declarations for op in d.operations for e in op.errors}
    assert documented and documented <= set(errors.ERRORS_BY_STATUS)


def test_all_names_exist() -> None:
    for name in errors.__all__:
        assert hasattr(errors, name), name
    exported = {name for name in errors.__all__}
    assert {cls.__name__ for cls in errors.ERRORS_BY_STATUS.values()} <= exported


def test_error_for_status_with_the_specs_reason() -> None:
    error = errors.error_for_status(
        404, "Channel not found", "Channel not found", operation="channels.get", method="GET", url="http://x/ari/channels/a"
    )
    assert type(error) is errors.NotFound and isinstance(error, errors.AriError)
    assert (error.status, error.reason, error.message, error.documented) == (404, "Channel not found", "Channel not found", True)
    assert str(error) == "404 Channel not found (channels.get: GET http://x/ari/channels/a)"
    assert error.headers == {} and error.body == b""


def test_error_for_status_without_a_reason_uses_the_phrase() -> None:
    error = errors.error_for_status(409, None, "Channel is in a bridge", body=b'{"message": "Channel is in a bridge"}')
    assert type(error) is errors.Conflict
    assert (error.reason, error.documented) == ("Conflict", False)
    assert str(error) == "409 Conflict: Channel is in a bridge"


@pytest.mark.parametrize("status", [302, 418, 507, 599])
def test_a_status_without_a_class_is_unexpected(status: int) -> None:
    error = errors.error_for_status(status, None, "")
    assert type(error) is errors.UnexpectedStatus and error.status == status
    assert str(error) == f"{status} Unexpected Status"


def test_other_errors() -> None:
    assert issubclass(errors.ConnectionFailed, errors.TransportError)
    assert issubclass(errors.Timeout, errors.TransportError)
    invalid = errors.InvalidResponse("not JSON", operation="channels.list")
    assert str(invalid) == "channels.list: not JSON" and invalid.problems == []
    assert str(errors.InvalidResponse("not JSON")) == "not JSON"
    assert issubclass(errors.EventStreamClosed, errors.AriError)
    assert issubclass(errors.AriVersionWarning, UserWarning)
    assert not issubclass(errors.ValidationError, errors.AriError)  # raised before sending
