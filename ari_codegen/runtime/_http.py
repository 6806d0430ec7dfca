"""Shared machinery of the generated client: requests, encoding, decoding, errors, versions.

The per-operation code in ``api/`` is straight-line: it validates the arguments and builds a
``Request``; everything the operations share lives here. A ``Request`` is sent by a sender:
the HTTP client (``SyncHttp``/``AsyncHttp`` below, on httpx) or an open events websocket
(REST over websocket, ``events.EventStream``).
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import warnings
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generic,
    List,
    Mapping,
    Protocol,
    Sequence,
    Tuple,
    Type,
    TypeVar,
)
from urllib.parse import quote

import httpx

from . import errors
from ._runtime import Model, Problem, ValidationError, loads

if TYPE_CHECKING:
    from .events import AsyncEventStream, EventStream

T = TypeVar("T")
E = TypeVar("E")
_M = TypeVar("_M", bound=Model)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
"""The default timeouts: 5 s to connect, 10 s for anything else (read, write, pool)."""

Version = Tuple[int, int, int]


# --- operations and requests ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Operation:
    """What the client needs to know about one operation of the spec."""

    name: str  # "channels.get"
    method: str  # "GET"
    path: str  # "/channels/{channelId}"
    since: Tuple[str, ...] = ()
    # status -> the spec's reason
    errors: Mapping[int, str] = field(default_factory=dict)
    param_since: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)


class Request(Generic[T]):
    """One validated call: the operation, its encoded path and query, its body, its decoder."""

    __slots__ = ("operation", "path", "query", "body", "decode")

    def __init__(
        self,
        operation: Operation,
        path: str,
        query: List[Tuple[str, str]],
        body: Dict[str, Any] | None,
        decode: Callable[[bytes], T],
    ) -> None:
        self.operation = operation
        self.path = path  # percent-encoded, relative to the base URL: "/channels/a%2Fb"
        self.query = query  # (name, value) pairs, not yet percent-encoded
        self.body = body  # the JSON object body (body parameters under their names)
        self.decode = decode  # response body -> result

    @property
    def target(self) -> str:
        """Path and query string, percent-encoded: ``/channels/x/variable?variable=A``."""
        if not self.query:
            return self.path
        return self.path + "?" + encode_query(self.query)

    def __repr__(self) -> str:
        return f"<Request {self.operation.name}: {self.operation.method} {self.target}>"


class SyncSender(Protocol):
    """Sends a request and returns its decoded result (the HTTP client, an events websocket)."""

    def send(self, request: Request[T]) -> T: ...

    def open_events(
        self, request: Request[Any], parse: Callable[[Any], E]
    ) -> EventStream[E]: ...


class AsyncSender(Protocol):
    async def send(self, request: Request[T]) -> T: ...

    def open_events(
        self, request: Request[Any], parse: Callable[[Any], E]
    ) -> AsyncEventStream[E]: ...


class Resource:
    """Base of the generated resource classes (``client.channels``): holds the sender."""

    __slots__ = ("_c",)

    def __init__(self, sender: SyncSender) -> None:
        self._c = sender

    @property
    def _sender(self) -> SyncSender:
        """Where the generated methods send their requests (the HTTP client, a websocket)."""
        return self._c

    def __repr__(self) -> str:
        return f"<{type(self).__name__} via {type(self._c).__name__}>"


class AsyncResource:
    """Base of the generated asyncio resource classes (``AsyncAriClient().channels``)."""

    __slots__ = ("_c",)

    def __init__(self, sender: AsyncSender) -> None:
        self._c = sender

    @property
    def _sender(self) -> AsyncSender:
        """Where the generated methods send their requests (the HTTP client, a websocket)."""
        return self._c

    def __repr__(self) -> str:
        return f"<{type(self).__name__} via {type(self._c).__name__}>"


# --- encoding arguments -----------------------------------------------------------------------


def segment(value: str) -> str:
    """One path segment, percent-encoded so that no value can change the URL's shape."""
    if value == "." or value == "..":
        return value.replace(".", "%2E")
    return quote(value, safe="")


def encode_query(pairs: Sequence[Tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def is_int(value: Any) -> bool:
    """An integer, never a bool."""
    return value.__class__ is int or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def is_number(value: Any) -> bool:
    return is_int(value) or isinstance(value, float)


def is_bool(value: Any) -> bool:
    return value.__class__ is bool


def is_object(value: Any) -> bool:
    return isinstance(value, dict)


def is_list_of(value: Any, cls: type) -> bool:
    return isinstance(value, list) and all(isinstance(v, cls) for v in value)


def values(value: Any) -> List[Any]:
    """The values of an allowMultiple argument: a list or tuple, or one value."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def text(value: Any) -> str:
    """A scalar as a query value: booleans as true/false, enum members as their value."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def check_values(
    problems: List[Problem],
    name: str,
    items: List[Any],
    ok: Callable[[Any], bool],
    noun: str,
    allowed: Tuple[Any, ...] = (),
) -> None:
    """Problems of the items of an allowMultiple argument (one line per bad item)."""
    if not items:
        problems.append(Problem(name, "expected at least one value"))
    for i, item in enumerate(items):
        where = f"{name}[{i}]"
        if not ok(item):
            problems.append(Problem(where, f"expected {noun}"))
        elif allowed and item not in allowed:
            problems.append(
                Problem(where, "must be one of " + ", ".join(map(str, allowed)))
            )
        elif isinstance(item, str) and "," in item:
            problems.append(
                Problem(where, "must not contain ',' (values are sent comma-separated)")
            )


def invalid(problems: List[Problem], operation: Operation) -> ValidationError:
    return ValidationError(problems, operation.name)


# --- decoding responses -----------------------------------------------------------------------


def void(content: bytes) -> None:
    return None


def binary(content: bytes) -> bytes:
    return content


def json_value(content: bytes) -> Any:
    return loads(content)


def model(cls: Type[_M]) -> Callable[[bytes], _M]:
    """Decode a JSON object as ``cls``."""
    from_dict = cls.from_dict

    def decode(content: bytes) -> _M:
        return from_dict(loads(content))

    return decode


def model_list(cls: Type[_M]) -> Callable[[bytes], List[_M]]:
    """Decode a JSON array of ``cls`` objects."""
    from_dict = cls.from_dict

    def decode(content: bytes) -> List[_M]:
        return [from_dict(item) for item in loads(content)]

    return decode


def parsed(parse: Callable[[Any], T]) -> Callable[[bytes], T]:
    """Decode a JSON object with a parser (a discriminated root: ``parse_message``)."""

    def decode(content: bytes) -> T:
        return parse(loads(content))

    return decode


def parsed_list(parse: Callable[[Any], T]) -> Callable[[bytes], List[T]]:
    def decode(content: bytes) -> List[T]:
        return [parse(item) for item in loads(content)]

    return decode


def decode(request: Request[T], content: bytes) -> T:
    """The result of a successful response, or ``InvalidResponse``."""
    try:
        return request.decode(content)
    except ValidationError as exc:
        raise errors.InvalidResponse(
            str(exc), operation=request.operation.name, problems=exc.problems
        ) from exc
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise errors.InvalidResponse(
            f"cannot decode the response: {type(exc).__name__}: {exc}",
            operation=request.operation.name,
        ) from exc


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def server_message(content: bytes) -> str:
    """What the server said in an error body: JSON ``message``/``error``, HTML, or text."""
    body = content.decode("utf-8", "replace").strip()
    if not body:
        return ""
    if body[0] in "{[":
        try:
            data = loads(body)
        except ValueError:
            pass
        else:
            if isinstance(data, dict):
                for key in ("message", "error", "reason"):
                    if isinstance(data.get(key), str):
                        return str(data[key])
    elif body[0] == "<":
        match = _H1.search(body) or _TITLE.search(body)
        found = match.group(1) if match else body
        body = _TAG.sub(" ", found)
    return _SPACE.sub(" ", body).strip()[:500]


def http_error(
    operation: Operation,
    status: int,
    content: bytes,
    url: str,
    headers: Mapping[str, str] | None = None,
    fallback: str = "",
) -> errors.HttpError:
    """The typed exception of an error status; ``fallback`` is the server's message when the
    body has none (a RESTResponse's ``reason_phrase``)."""
    return errors.error_for_status(
        status,
        operation.errors.get(status),
        server_message(content) or fallback,
        operation=operation.name,
        method=operation.method,
        url=url,
        body=content,
        headers=dict(headers or {}),
    )


# --- versions ---------------------------------------------------------------------------------

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def parse_version(value: str | None) -> Version | None:
    """``"20.5.0"`` → (20, 5, 0); ``"certified/18.9-cert5"`` → (18, 9, 0); a git build → None."""
    match = _VERSION.search(value or "")
    if match is None:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def available(since: Sequence[str], server: Version) -> bool:
    """Is a feature that appeared in ``since`` (one version per branch) in ``server``?

    On a branch that ``since`` names, the server must be at least that version; on a newer
    branch than all of them, it has it; on an older or unnamed branch, it does not.
    """
    versions = [v for v in map(parse_version, since) if v is not None]
    if not versions:
        return True
    for v in versions:
        if v[0] == server[0]:
            return server >= v
    return server[0] > max(v[0] for v in versions)


def check_since(request: Request[Any], server: Version, stacklevel: int) -> None:
    """Warn (``AriVersionWarning``) about what the request uses that the server lacks."""
    operation = request.operation
    if operation.since and not available(operation.since, server):
        warnings.warn(
            f"{operation.name} appeared in Asterisk {' / '.join(operation.since)}; "
            f"the server is {'.'.join(map(str, server))}",
            errors.AriVersionWarning,
            stacklevel=stacklevel,
        )
    if operation.param_since:
        sent = {name for name, _ in request.query} | set(request.body or ())
        for name, since in operation.param_since.items():
            if name in sent and not available(since, server):
                warnings.warn(
                    f"{operation.name}: parameter {name!r} appeared in Asterisk "
                    f"{' / '.join(since)}; the server is {'.'.join(map(str, server))}",
                    errors.AriVersionWarning,
                    stacklevel=stacklevel,
                )


# --- the HTTP senders -------------------------------------------------------------------------


class Connection:
    """Base URL, credentials and options shared by the sync and async HTTP clients."""

    def __init__(
        self,
        base_url: str,
        username: str | None,
        password: str | None,
        api_key: str | None,
        headers: Mapping[str, str] | None,
        verify: bool | str | ssl.SSLContext,
        server_version: str | None,
    ) -> None:
        url = httpx.URL(base_url)
        if (
            url.userinfo
        ):  # credentials in the URL: taken out, so no message can show them
            if username is None and password is None and api_key is None:
                username, password = url.username, url.password
            url = url.copy_with(username=None, password=None)
            base_url = str(url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(
                f"base_url must be an http:// or https:// URL, not {base_url!r}"
            )
        if api_key is not None:
            if username is not None or password is not None:
                raise ValueError("give either username/password or api_key, not both")
            # Asterisk checks an api_key ("user:password") against the same ari.conf users
            # as basic credentials; sent as those, it never appears in a URL, and so never in
            # an exception, a log line (httpx logs every URL) or a proxy's access log.
            username, sep, password = api_key.partition(":")
            if not sep:
                raise ValueError('api_key must be "username:password"')
        if (username is None) != (password is None):
            raise ValueError("give both username and password")
        self.base_url = base_url.rstrip("/")
        """The ARI base URL: ``http://pbx:8088/ari``."""
        self.verify = verify
        base: Dict[str, str] = {"Accept": "application/json"}
        if username is not None and password is not None:
            token = base64.b64encode(f"{username}:{password}".encode()).decode()
            base["Authorization"] = f"Basic {token}"
        base.update(headers or {})
        self._headers = base
        self._json_headers = {**base, "Content-Type": "application/json"}
        self.server_version: str | None = None
        """The Asterisk version the client talks to, if known (for ``since`` warnings)."""
        self._server: Version | None = None
        self.use_server_version(server_version)

    def use_server_version(self, version: str | None) -> None:
        """Warn from now on when a call uses what ``version`` of Asterisk lacks (None: never)."""
        self.server_version = version
        self._server = parse_version(version)

    def url(self, request: Request[Any]) -> str:
        return self.base_url + request.target

    def websocket_url(self, request: Request[Any]) -> str:
        url = self.url(request)
        return "ws" + url[4:] if url.startswith("http") else url

    def websocket_headers(self) -> Dict[str, str]:
        return {k: v for k, v in self._headers.items() if k != "Accept"}

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.base_url.startswith("https"):
            return None
        if isinstance(self.verify, ssl.SSLContext):
            return self.verify
        if self.verify is False:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if isinstance(self.verify, str):
            return ssl.create_default_context(cafile=self.verify)
        return ssl.create_default_context()

    def _encode(self, request: Request[Any]) -> Tuple[bytes | None, Dict[str, str]]:
        if request.body is None:
            return None, self._headers
        return json.dumps(request.body).encode(), self._json_headers


def transport_error(operation: Operation, url: str, exc: Exception) -> errors.AriError:
    if isinstance(exc, httpx.TimeoutException):
        return errors.Timeout(f"{operation.name}: {url}: {type(exc).__name__}: {exc}")
    return errors.ConnectionFailed(
        f"{operation.name}: {url}: {type(exc).__name__}: {exc}"
    )


class SyncHttp(Connection):
    """Sends requests over HTTP with an ``httpx.Client`` (reused: one connection pool)."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        verify: bool | str | ssl.SSLContext = True,
        server_version: str | None = None,
    ) -> None:
        super().__init__(
            base_url, username, password, api_key, headers, verify, server_version
        )
        self.timeout = (
            timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        )
        self._owns_http = http_client is None
        self.http: httpx.Client = http_client or httpx.Client(
            timeout=self.timeout, transport=transport, verify=verify
        )
        """The ``httpx.Client`` in use (injected, or made and closed by this client)."""

    def send(self, request: Request[T]) -> T:
        """Send one request over HTTP; its result, or a typed ``AriError``."""
        operation = request.operation
        if self._server is not None:
            check_since(request, self._server, 4)
        url = self.url(request)
        content, headers = self._encode(request)
        try:
            response = self.http.request(
                operation.method, url, content=content, headers=headers
            )
        except httpx.TransportError as exc:
            raise transport_error(operation, url, exc) from exc
        if response.status_code >= 300:
            raise http_error(
                operation, response.status_code, response.content, url, response.headers
            )
        return decode(request, response.content)

    def close(self) -> None:
        """Close the HTTP connections (if this client made its ``httpx.Client``)."""
        if self._owns_http:
            self.http.close()


class AsyncHttp(Connection):
    """Sends requests over HTTP with an ``httpx.AsyncClient`` (reused: one connection pool)."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        verify: bool | str | ssl.SSLContext = True,
        server_version: str | None = None,
    ) -> None:
        super().__init__(
            base_url, username, password, api_key, headers, verify, server_version
        )
        self.timeout = (
            timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        )
        self._owns_http = http_client is None
        self.http: httpx.AsyncClient = http_client or httpx.AsyncClient(
            timeout=self.timeout, transport=transport, verify=verify
        )
        """The ``httpx.AsyncClient`` in use (injected, or made and closed by this client)."""

    async def send(self, request: Request[T]) -> T:
        """Send one request over HTTP; its result, or a typed ``AriError``."""
        operation = request.operation
        if self._server is not None:
            check_since(request, self._server, 4)
        url = self.url(request)
        content, headers = self._encode(request)
        try:
            response = await self.http.request(
                operation.method, url, content=content, headers=headers
            )
        except httpx.TransportError as exc:
            raise transport_error(operation, url, exc) from exc
        if response.status_code >= 300:
            raise http_error(
                operation, response.status_code, response.content, url, response.headers
            )
        return decode(request, response.content)

    async def aclose(self) -> None:
        """Close the HTTP connections (if this client made its ``httpx.AsyncClient``)."""
        if self._owns_http:
            await self.http.aclose()
