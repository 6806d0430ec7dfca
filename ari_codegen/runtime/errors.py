"""The exceptions of the client, all under ``AriError``.

- ``HttpError``: the server answered with an error status. One class per status, shared by
  every operation (``except NotFound`` catches a 404 from any call); ``status``, ``reason``
  (the spec's reason for that operation and status), ``message`` (what the server said) and
  ``operation`` tell the rest. A status without a class raises ``UnexpectedStatus``.
- ``TransportError``: no answer at all: ``ConnectionFailed`` or ``Timeout``.
- ``InvalidResponse``: an answer that does not decode as the spec says it should.
- ``ValidationError`` (from ``_runtime``, also a ``ValueError``): arguments that break the spec;
  nothing was sent.
"""

from __future__ import annotations

from typing import Any, Dict, List, Type

from ._runtime import Problem, ValidationError

__all__ = [
    "AriError",
    "HttpError",
    "ClientError",
    "ServerError",
    "BadRequest",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "MethodNotAllowed",
    "Conflict",
    "PreconditionFailed",
    "UnprocessableEntity",
    "TooManyRequests",
    "InternalServerError",
    "Unimplemented",
    "BadGateway",
    "ServiceUnavailable",
    "GatewayTimeout",
    "UnexpectedStatus",
    "TransportError",
    "ConnectionFailed",
    "Timeout",
    "InvalidResponse",
    "EventStreamClosed",
    "AriVersionWarning",
    "Problem",
    "ValidationError",
    "ERRORS_BY_STATUS",
    "error_for_status",
]


class AriError(Exception):
    """Base of every error the client raises (except ``ValidationError``, raised before sending)."""


class HttpError(AriError):
    """The server answered with an error status."""

    status: int = 0
    """The HTTP status code."""
    phrase: str = ""
    """The standard reason phrase of the status ("Not Found")."""

    def __init__(
        self,
        status: int,
        reason: str,
        message: str,
        *,
        operation: str = "",
        method: str = "",
        url: str = "",
        documented: bool = False,
        body: bytes = b"",
        headers: Dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.reason = reason
        """The spec's reason for this status of this operation, else the standard phrase."""
        self.message = message
        """What the server said: its ``{"message": ...}`` (or ``{"error": ...}``) or body text."""
        self.operation = operation
        """The operation, as ``resource.nickname`` ("channels.get")."""
        self.method = method
        self.url = url
        self.documented = documented
        """Does the spec list this status among the operation's errorResponses?"""
        self.body = body
        self.headers = headers or {}
        text = f"{status} {reason}"
        if message and message != reason:
            text += f": {message}"
        if operation:
            text += f" ({operation}: {method} {url})"
        super().__init__(text)


class ClientError(HttpError):
    """A 4xx status."""


class ServerError(HttpError):
    """A 5xx status."""


class BadRequest(ClientError):
    """400 Bad Request: the server rejected the arguments."""

    phrase = "Bad Request"


class Unauthorized(ClientError):
    """401 Unauthorized: wrong or missing credentials."""

    phrase = "Unauthorized"


class Forbidden(ClientError):
    """403 Forbidden."""

    phrase = "Forbidden"


class NotFound(ClientError):
    """404 Not Found: the resource (channel, bridge, variable, ...) does not exist."""

    phrase = "Not Found"


class MethodNotAllowed(ClientError):
    """405 Method Not Allowed."""

    phrase = "Method Not Allowed"


class Conflict(ClientError):
    """409 Conflict: the resource is not in a state that allows the operation."""

    phrase = "Conflict"


class PreconditionFailed(ClientError):
    """412 Precondition Failed (e.g. the channel is not in a Stasis application)."""

    phrase = "Precondition Failed"


class UnprocessableEntity(ClientError):
    """422 Unprocessable Entity: a referenced resource is in the wrong state."""

    phrase = "Unprocessable Entity"


class TooManyRequests(ClientError):
    """429 Too Many Requests."""

    phrase = "Too Many Requests"


class InternalServerError(ServerError):
    """500 Internal Server Error."""

    phrase = "Internal Server Error"


class Unimplemented(ServerError):
    """501 Not Implemented: the server does not implement this operation (or this use of it)."""

    phrase = "Not Implemented"


class BadGateway(ServerError):
    """502 Bad Gateway."""

    phrase = "Bad Gateway"


class ServiceUnavailable(ServerError):
    """503 Service Unavailable."""

    phrase = "Service Unavailable"


class GatewayTimeout(ServerError):
    """504 Gateway Timeout."""

    phrase = "Gateway Timeout"


class UnexpectedStatus(HttpError):
    """A status that has no class of its own (a 3xx, an unusual 4xx or 5xx)."""

    phrase = "Unexpected Status"


ERRORS_BY_STATUS: Dict[int, Type[HttpError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    412: PreconditionFailed,
    422: UnprocessableEntity,
    429: TooManyRequests,
    500: InternalServerError,
    501: Unimplemented,
    502: BadGateway,
    503: ServiceUnavailable,
    504: GatewayTimeout,
}
"""The exception class of each status; any other status raises ``UnexpectedStatus``."""


def error_for_status(
    status: int,
    reason: str | None,
    message: str,
    **details: Any,
) -> HttpError:
    """The exception for ``status``; ``reason`` is the spec's (None: the standard phrase)."""
    cls = ERRORS_BY_STATUS.get(status, UnexpectedStatus)
    return cls(
        status,
        reason if reason is not None else cls.phrase,
        message,
        documented=reason is not None,
        **details,
    )


class TransportError(AriError):
    """The request got no answer: the connection failed, broke or timed out."""


class ConnectionFailed(TransportError):
    """The server could not be reached, or the connection broke."""


class Timeout(TransportError):
    """No answer within the configured timeout."""


class InvalidResponse(AriError):
    """The server's answer does not decode as the spec says (not JSON, or not the model)."""

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        problems: List[Problem] | None = None,
    ) -> None:
        self.operation = operation
        self.problems = problems or []
        super().__init__(f"{operation}: {message}" if operation else message)


class EventStreamClosed(AriError):
    """The events websocket is closed (or gave up reconnecting) and cannot carry a request."""


class AriVersionWarning(UserWarning):
    """An operation or parameter is newer than the Asterisk the client talks to."""
