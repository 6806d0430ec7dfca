"""``StubAri``: a stub ARI server generated from the same spec, for an application's tests.

Real HTTP and a real events websocket on 127.0.0.1 (an ephemeral port), on stdlib asyncio and
the sans-I/O protocol of ``websockets``::

    async with StubAri() as stub:                  # in the running event loop
        async with stub.async_client() as ari: ...
    with StubAri() as stub:                        # in a thread of its own, for sync tests
        with stub.client() as ari: ...

Every request is checked against the spec before anything else: an unknown path is a 404, an
unknown method a 405, an unknown or missing parameter, a value of the wrong type or outside its
LIST/RANGE a 400 ``{"message": ...}``; wrong credentials a 401. Then a small in-memory Asterisk
answers: channels (originate, create, get, list, answer, hangup, variables, play), bridges
(create, add/remove channel, list, destroy), playbacks, stored recordings (with their files),
global variables, ``asterisk/info``; and it pushes the matching events to the websockets
subscribed to the application. ``handle`` replaces (or adds) the answer of any operation;
``push_event``, ``drop_websockets`` and ``close_websockets`` drive the events websocket;
``requests`` lists every request received. REST over the websocket is served too.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Tuple
from urllib.parse import unquote, unquote_plus, urlsplit

from websockets.frames import Frame, Opcode
from websockets.http11 import Request as WsRequest
from websockets.server import ServerProtocol

from . import _http as _h
from . import _spec
from ._route import Param, Route
from ._runtime import Model
from ._spec import ROUTES

if TYPE_CHECKING:
    from .client import AriClient, AsyncAriClient

__all__ = ["StubAri", "StubRequest", "StubResponse", "Route", "Param", "ROUTES"]

BASE_PATH = urlsplit(_spec.BASE_PATH).path.rstrip("/")
"""The path prefix the stub serves the API under (the listing's basePath)."""

DEFAULT_VERSION = max(
    (v for r in ROUTES for v in r.since),
    key=lambda v: _h.parse_version(v) or (0, 0, 0),
    default="0.0.0",
)
"""The Asterisk version the stub reports: the newest ``since`` in the spec."""


@dataclass
class StubRequest:
    """One request as the stub received it."""

    method: str
    path: str  # as sent, percent-encoded, without the query
    query: List[Tuple[str, str]]  # decoded pairs, in order
    body: Any  # the decoded JSON body, or None
    headers: Dict[str, str]  # lower-case names
    operation: str | None = None  # "channels.get" once routed
    path_params: Dict[str, str] = field(default_factory=dict)  # decoded
    params: Dict[str, Any] = field(default_factory=dict)  # query and body, typed
    over_websocket: bool = False


@dataclass
class StubResponse:
    """What the stub answers: a JSON value, or bytes sent as they are."""

    status: int = 200
    body: Any = None
    content_type: str = "application/json"
    headers: Dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


Handler = Callable[[StubRequest], Any]


class StubError(Exception):
    """Raised inside a handler: answer with ``status`` and ``{"message": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def now() -> str:
    """The current time as Asterisk writes it: ``2013-12-05T10:46:40.213-0600``."""
    return _h_format(datetime.now(timezone.utc))


def _h_format(value: datetime) -> str:
    return (
        value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"
    )


def _error(status: int, message: str) -> StubResponse:
    return StubResponse(status, {"message": message})


class _Socket:
    """One accepted events websocket."""

    def __init__(
        self,
        protocol: ServerProtocol,
        writer: asyncio.StreamWriter,
        apps: List[str],
        subscribe_all: bool,
    ) -> None:
        self.protocol = protocol
        self.writer = writer
        self.apps = apps
        self.subscribe_all = subscribe_all

    def flush(self) -> None:
        for chunk in self.protocol.data_to_send():
            if chunk:
                self.writer.write(chunk)

    def send(self, data: Mapping[str, Any]) -> None:
        self.send_text(json.dumps(data))

    def send_text(self, text: str) -> None:
        self.protocol.send_text(text.encode())
        self.flush()


class StubAri:
    """A stub ARI server on 127.0.0.1; see the module's docstring."""

    def __init__(
        self,
        *,
        username: str = "asterisk",
        password: str = "asterisk",
        asterisk_version: str = DEFAULT_VERSION,
        asterisk_id: str = "00:00:00:00:00:01",
        port: int = 0,
    ) -> None:
        self.username = username
        self.password = password
        self.asterisk_version = asterisk_version
        self.asterisk_id = asterisk_id
        self.port = port
        self.requests: List[StubRequest] = []
        """Every request received (HTTP and REST over websocket), in order."""
        self.channels: Dict[str, Dict[str, Any]] = {}
        self.channel_vars: Dict[str, Dict[str, str]] = {}
        self.bridges: Dict[str, Dict[str, Any]] = {}
        self.playbacks: Dict[str, Dict[str, Any]] = {}
        self.recordings: Dict[str, Tuple[Dict[str, Any], bytes]] = {}
        self.global_vars: Dict[str, str] = {}
        self.channel_apps: Dict[str, str] = {}  # channel id -> its Stasis application
        self.websocket_count = 0
        """How many events websockets were accepted so far (reconnections count)."""
        self._overrides: Dict[str, Handler] = {}
        self._sockets: List[_Socket] = []
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._counter = itertools.count(1)
        self._handlers: Dict[str, Handler] = {
            "asterisk.getInfo": self._asterisk_info,
            "asterisk.ping": self._asterisk_ping,
            "asterisk.getGlobalVar": self._get_global_var,
            "asterisk.setGlobalVar": self._set_global_var,
            "applications.list": self._applications_list,
            "applications.get": self._applications_get,
            "channels.list": lambda r: list(self.channels.values()),
            "channels.originate": self._originate,
            "channels.originateWithId": self._originate,
            "channels.create": self._originate,
            "channels.get": lambda r: self._channel(r),
            "channels.hangup": self._hangup,
            "channels.answer": self._answer,
            "channels.getChannelVar": self._get_channel_var,
            "channels.setChannelVar": self._set_channel_var,
            "channels.play": self._play,
            "channels.playWithId": self._play,
            "bridges.list": lambda r: list(self.bridges.values()),
            "bridges.create": self._create_bridge,
            "bridges.createWithId": self._create_bridge,
            "bridges.get": lambda r: self._bridge(r),
            "bridges.destroy": self._destroy_bridge,
            "bridges.addChannel": self._add_channel,
            "bridges.removeChannel": self._remove_channel,
            "bridges.play": self._play,
            "bridges.playWithId": self._play,
            "playbacks.get": lambda r: self._playback(r),
            "playbacks.stop": self._stop_playback,
            "playbacks.control": self._control_playback,
            "recordings.listStored": lambda r: [m for m, _ in self.recordings.values()],
            "recordings.getStored": lambda r: self._recording(r)[0],
            "recordings.getStoredFile": self._recording_file,
            "recordings.deleteStored": self._delete_recording,
            "recordings.copyStored": self._copy_recording,
        }
        for name in (
            "ring", "ringStop", "progress", "hold", "unhold", "mute", "unmute",
            "startMoh", "stopMoh", "startSilence", "stopSilence", "sendDTMF", "dial",
            "continueInDialplan", "redirect", "move",
        ):  # fmt: skip
            self._handlers[f"channels.{name}"] = self._channel_action

    # -- running ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to give a client: ``http://127.0.0.1:PORT/ari``."""
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    async def start(self) -> StubAri:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for sock in list(self._sockets):
            sock.writer.transport.abort()
        self._sockets.clear()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> StubAri:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def __enter__(self) -> StubAri:
        """Run the stub in a thread with its own event loop (for sync tests)."""
        started = threading.Event()
        loop = asyncio.new_event_loop()

        def main() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.start())
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=main, name="stub-ari", daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def client(self, **options: Any) -> AriClient:
        """An ``AriClient`` for this stub, with its credentials."""
        from .client import AriClient

        options.setdefault("username", self.username)
        options.setdefault("password", self.password)
        return AriClient(self.url, **options)

    def async_client(self, **options: Any) -> AsyncAriClient:
        """An ``AsyncAriClient`` for this stub, with its credentials."""
        from .client import AsyncAriClient

        options.setdefault("username", self.username)
        options.setdefault("password", self.password)
        return AsyncAriClient(self.url, **options)

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` in the stub's loop (now, if this is the loop's thread) and return its result."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("the stub is not running")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            return fn()
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(fn())
            except BaseException as exc:  # handed to the caller
                done.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return done.result(10)

    # -- the API for tests ------------------------------------------------------------------------

    def handle(self, operation: str, handler: Handler) -> None:
        """Answer ``operation`` ("channels.get") with ``handler(request)``.

        The handler returns a ``StubResponse``, a ``(status, body)`` pair, or a JSON value (200),
        or raises ``StubError``. The request has passed the spec checks.
        """
        if not any(r.operation == operation for r in ROUTES):
            raise KeyError(f"no operation {operation!r} in the spec")
        self._overrides[operation] = handler

    def push_event(
        self, event: Mapping[str, Any] | Model, app: str | None = None
    ) -> int:
        """Send an event to the websockets subscribed to ``app`` (default: its ``application``,
        else every websocket). ``timestamp``, ``asterisk_id`` and ``application`` are filled in
        when missing. Returns how many websockets got it.
        """
        data = event.to_dict() if isinstance(event, Model) else dict(event)
        return int(self._call(lambda: self._push(data, app)))

    def push_frame(self, text: str, app: str | None = None) -> int:
        """Send a raw text frame (a malformed message, say) to the websockets of ``app`` (default:
        every websocket). Returns how many websockets got it."""

        def push() -> int:
            socks = [s for s in self._sockets if app is None or app in s.apps]
            for sock in socks:
                sock.send_text(text)
            return len(socks)

        return int(self._call(push))

    def drop_websockets(self) -> int:
        """Break every events websocket without a close frame (as a crash or a network cut)."""

        def drop() -> int:
            count = len(self._sockets)
            for sock in self._sockets:
                sock.writer.transport.abort()
            self._sockets.clear()
            return count

        return int(self._call(drop))

    def close_websockets(self, code: int = 1000, reason: str = "") -> int:
        """Close every events websocket cleanly with ``code`` (1000 ends a client's iteration)."""

        def close() -> int:
            count = len(self._sockets)
            for sock in self._sockets:
                sock.protocol.send_close(code, reason)
                sock.flush()
            self._sockets.clear()
            return count

        return int(self._call(close))

    def subscribed(self, app: str) -> bool:
        """Is a websocket subscribed to ``app`` right now?"""
        return bool(self._call(lambda: any(app in s.apps for s in self._sockets)))

    def add_recording(self, name: str, content: bytes, format: str = "wav") -> None:
        """Store a recording (what ``recordings.get_stored_file`` downloads)."""
        self.recordings[name] = ({"name": name, "format": format}, content)

    def add_channel(
        self, channel_id: str | None = None, app: str | None = None, **fields: Any
    ) -> Dict[str, Any]:
        """Make a channel exist (as an incoming call would); with ``app``, a StasisStart is pushed."""

        def make() -> Dict[str, Any]:
            return self._new_channel(channel_id, "PJSIP/stub", app, "", fields)

        return dict(self._call(make))

    # -- HTTP -------------------------------------------------------------------------------------

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    break
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
                headers: Dict[str, str] = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                if headers.get("upgrade", "").lower() == "websocket":
                    await self._websocket(head, target, headers, reader, writer)
                    return
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                response = self._dispatch(method, target, body, headers)
                self._write(writer, response)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    @staticmethod
    def _write(writer: asyncio.StreamWriter, response: StubResponse) -> None:
        content = response.encoded()
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = "Unknown"
        head = [f"HTTP/1.1 {response.status} {phrase}", "Server: StubAri"]
        if content or response.status != 204:
            head.append(f"Content-type: {response.content_type}")
        head.append(f"Content-Length: {len(content)}")
        head += [f"{k}: {v}" for k, v in response.headers.items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + content)

    def _authorized(
        self, headers: Mapping[str, str], query: List[Tuple[str, str]]
    ) -> bool:
        expected = f"{self.username}:{self.password}"
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                if base64.b64decode(auth[6:]).decode() == expected:
                    return True
            except ValueError:
                return False
        return any(k == "api_key" and v == expected for k, v in query)

    def _parse_target(self, target: str) -> Tuple[str, List[Tuple[str, str]]]:
        path, _, qs = target.partition("?")
        query = [
            (unquote_plus(k), unquote_plus(v))
            for k, _, v in (part.partition("=") for part in qs.split("&") if part)
        ]
        return path, query

    def _dispatch(
        self,
        method: str,
        target: str,
        body: bytes,
        headers: Mapping[str, str],
        over_websocket: bool = False,
        extra_query: List[Tuple[str, str]] | None = None,
    ) -> StubResponse:
        path, query = self._parse_target(target)
        query += extra_query or []
        decoded: Any = None
        request = StubRequest(method, path, query, None, dict(headers))
        request.over_websocket = over_websocket
        self.requests.append(request)
        if body:
            try:
                decoded = json.loads(body)
            except ValueError:
                return _error(400, "Request body is not valid JSON")
            request.body = decoded
        if not over_websocket and not self._authorized(headers, query):
            return _error(401, "Authentication required")
        route, path_params, status = self._route(method, path)
        if route is None:
            return _error(
                status, "Method Not Allowed" if status == 405 else "Resource not found"
            )
        request.operation = route.operation
        request.path_params = path_params
        problem = self._check(route, request)
        if problem:
            return _error(400, problem)
        handler = self._overrides.get(route.operation) or self._handlers.get(
            route.operation
        )
        if handler is None:
            return _error(
                501, f"StubAri does not implement {route.operation}; use stub.handle()"
            )
        try:
            result = handler(request)
        except StubError as exc:
            return _error(exc.status, exc.message)
        except Exception as exc:  # a broken handler is a 500, as a crashing server
            return _error(500, f"{type(exc).__name__}: {exc}")
        if isinstance(result, StubResponse):
            return result
        if isinstance(result, tuple) and len(result) == 2:
            return StubResponse(result[0], result[1])
        return StubResponse(200 if result is not None else 204, result)

    @staticmethod
    def _route(method: str, path: str) -> Tuple[Route | None, Dict[str, str], int]:
        if path != BASE_PATH and not path.startswith(BASE_PATH + "/"):
            return None, {}, 404
        segments = path[len(BASE_PATH) :].strip("/").split("/")
        best: Tuple[int, Route, Dict[str, str]] | None = None
        path_found = False
        for route in ROUTES:
            pattern = route.segments
            if len(pattern) != len(segments):
                continue
            captured: Dict[str, str] = {}
            literal = 0
            for want, got in zip(pattern, segments):
                value = unquote(got)
                if want.startswith("{"):
                    if not value:
                        break
                    captured[want[1:-1]] = value
                elif want == got:
                    literal += 1
                else:
                    break
            else:
                path_found = True
                if route.method == method and (best is None or literal > best[0]):
                    best = (literal, route, captured)
        if best is None:
            return None, {}, 405 if path_found else 404
        return best[1], best[2], 200

    @staticmethod
    def _value(param: Param, raw: Any) -> Tuple[Any, str]:
        """A query (string) or body (JSON) value checked against ``param``: (value, problem)."""
        name = param.name
        if param.multiple and param.location != "body":
            items = raw.split(",") if isinstance(raw, str) else raw
            if not isinstance(items, list):
                return None, f"{name}: expected a comma-separated list"
            values = []
            for item in items:
                single = Param(
                    name, param.location, param.kind, False, False, param.values
                )
                one, problem = StubAri._value(single, item)
                if problem:
                    return None, problem
                values.append(one)
            return values, ""
        kind = param.kind
        value: Any = raw
        if kind == "string":
            if not isinstance(raw, str):
                return None, f"{name}: expected a string"
        elif kind == "int":
            if isinstance(raw, str):
                try:
                    value = int(raw)
                except ValueError:
                    return None, f"{name}: expected an integer, not {raw!r}"
            elif raw.__class__ is not int:
                return None, f"{name}: expected an integer"
        elif kind == "double":
            try:
                value = float(raw)
            except (TypeError, ValueError):
                return None, f"{name}: expected a number, not {raw!r}"
        elif kind == "boolean":
            if raw in ("true", "false"):
                value = raw == "true"
            elif raw.__class__ is not bool:
                return None, f"{name}: expected true or false, not {raw!r}"
        elif kind in ("object", "containers"):
            if isinstance(raw, str):
                try:
                    value = json.loads(raw)
                except ValueError:
                    return None, f"{name}: expected a JSON object"
            if not isinstance(value, dict):
                return None, f"{name}: expected an object"
        elif kind == "list" and not isinstance(raw, list):
            return None, f"{name}: expected a list"
        if param.values and value not in param.values:
            return (
                None,
                f"{name}: {value!r} is not one of {', '.join(map(str, param.values))}",
            )
        if (
            param.minimum is not None
            and isinstance(value, (int, float))
            and value < param.minimum
        ):
            return None, f"{name}: {value} is below the minimum {param.minimum}"
        if (
            param.maximum is not None
            and isinstance(value, (int, float))
            and value > param.maximum
        ):
            return None, f"{name}: {value} is above the maximum {param.maximum}"
        return value, ""

    def _check(self, route: Route, request: StubRequest) -> str:
        """The first way the request breaks the spec, or ""."""
        known = {p.name: p for p in route.params if p.location != "path"}
        for name, raw in request.query:
            if name == "api_key":
                continue
            param = known.get(name)
            if param is None:
                return f"Unknown parameter: {name}"
            value, problem = self._value(param, raw)
            if problem:
                return problem
            request.params[name] = value
        whole = next((p for p in known.values() if p.whole_body), None)
        if whole is not None and request.body is not None:
            value, problem = self._value(whole, request.body)
            if problem:
                return problem
            request.params[whole.name] = value
        elif request.body is not None:
            if not isinstance(request.body, dict):
                return "The request body must be a JSON object"
            for name, raw in request.body.items():
                param = known.get(name)
                if param is None:
                    return f"Unknown parameter in the body: {name}"
                value, problem = self._value(param, raw)
                if problem:
                    return problem
                request.params[name] = value
        for param in known.values():
            if param.required and param.name not in request.params:
                return f"Missing required parameter: {param.name}"
        return ""

    # -- the events websocket ---------------------------------------------------------------------

    async def _websocket(
        self,
        head: bytes,
        target: str,
        headers: Mapping[str, str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        protocol = ServerProtocol(max_size=2**24)
        protocol.receive_data(head)
        ws_request = next(
            e for e in protocol.events_received() if isinstance(e, WsRequest)
        )
        path, query = self._parse_target(target)
        record = StubRequest("GET", path, query, None, dict(headers))
        self.requests.append(record)
        route, _, status = self._route("GET", path)
        problem = ""
        if not self._authorized(headers, query):
            status, problem = 401, "Authentication required"
        elif route is None or not route.websocket:
            status, problem = 404, "Not found"
        else:
            record.operation = route.operation
            problem = self._check(route, record)
            status = 400 if problem else 101
            override = self._overrides.get(route.operation)
            if not problem and override is not None:
                # a test's handler may refuse the upgrade (a StubResponse), else it goes on
                refusal = override(record)
                if isinstance(refusal, StubResponse) and refusal.status != 101:
                    status, problem = refusal.status, str(refusal.body or "refused")
        if problem:
            response = protocol.reject(
                status, f"<html><body><h1>{problem}</h1></body></html>"
            )
            response.headers["Content-Type"] = "text/html"
            protocol.send_response(response)
            for chunk in protocol.data_to_send():
                writer.write(chunk)
            await writer.drain()
            writer.close()
            return
        apps = list(record.params.get("app") or [])
        sock = _Socket(protocol, writer, apps, bool(record.params.get("subscribeAll")))
        protocol.send_response(protocol.accept(ws_request))
        self._sockets.append(sock)
        self.websocket_count += 1
        sock.flush()
        try:
            while True:
                data = await reader.read(65536)
                if data:
                    protocol.receive_data(data)
                else:
                    protocol.receive_eof()
                for frame in protocol.events_received():
                    if isinstance(frame, Frame) and frame.opcode is Opcode.TEXT:
                        self._websocket_message(sock, bytes(frame.data))
                sock.flush()
                if not data or protocol.close_expected():
                    break
        except ConnectionError:
            pass
        finally:
            if sock in self._sockets:
                self._sockets.remove(sock)
            writer.close()

    def _websocket_message(self, sock: _Socket, data: bytes) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            return
        if not isinstance(message, dict) or message.get("type") != "RESTRequest":
            return
        uri = "/" + str(message.get("uri", "")).lstrip("/")
        extra = [
            (str(q.get("name")), str(q.get("value")))
            for q in message.get("query_strings") or []
            if isinstance(q, dict)
        ]
        body = message.get("message_body") or ""
        response = self._dispatch(
            str(message.get("method", "GET")),
            BASE_PATH + uri,
            body.encode() if isinstance(body, str) else b"",
            {"content-type": str(message.get("content_type", ""))},
            over_websocket=True,
            extra_query=extra,
        )
        if isinstance(response.body, bytes) and response.status < 300:
            # as Asterisk does: a binary body cannot travel in a RESTResponse
            response = StubResponse(406, None)
            phrase = "Not Acceptable.  Use HTTP GET"
        else:
            try:
                phrase = HTTPStatus(response.status).phrase
            except ValueError:
                phrase = "Unknown"
        reply: Dict[str, Any] = {
            "type": "RESTResponse",
            "transaction_id": message.get("transaction_id", ""),
            "request_id": message.get("request_id", ""),
            "status_code": response.status,
            "reason_phrase": phrase,
            "uri": message.get("uri", ""),
            "timestamp": now(),
            "application": sock.apps[0] if sock.apps else "",
            "asterisk_id": self.asterisk_id,
        }
        content = response.encoded()
        if content:
            reply["content_type"] = response.content_type
            reply["message_body"] = content.decode("utf-8", "replace")
        sock.send(reply)

    def _push(self, data: Dict[str, Any], app: str | None) -> int:
        target = app or data.get("application")
        count = 0
        for sock in list(self._sockets):
            if (
                target is not None
                and target not in sock.apps
                and not sock.subscribe_all
            ):
                continue
            event = dict(data)
            event.setdefault("timestamp", now())
            event.setdefault("asterisk_id", self.asterisk_id)
            event.setdefault(
                "application", target or (sock.apps[0] if sock.apps else "")
            )
            sock.send(event)
            count += 1
        return count

    # -- the in-memory Asterisk -------------------------------------------------------------------

    def _event(self, kind: str, app: str | None, **fields: Any) -> None:
        if app:
            self._push({"type": kind, **fields}, app)

    def _new_channel(
        self,
        channel_id: str | None,
        endpoint: str,
        app: str | None,
        app_args: str,
        fields: Mapping[str, Any],
    ) -> Dict[str, Any]:
        cid = channel_id or f"stub-{uuid.uuid4().hex[:12]}"
        if cid in self.channels:
            raise StubError(409, "Channel with given unique ID already exists")
        channel: Dict[str, Any] = {
            "id": cid,
            "name": f"{endpoint}-{next(self._counter):08x}",
            "state": "Down",
            "protocol_id": "",
            "caller": {"name": "", "number": ""},
            "connected": {"name": "", "number": ""},
            "accountcode": "",
            "dialplan": {
                "context": "default",
                "exten": "s",
                "priority": 1,
                "app_name": "Stasis" if app else "",
                "app_data": ",".join(filter(None, [app or "", app_args])),
            },
            "creationtime": now(),
            "language": "en",
        }
        channel.update(fields)
        self.channels[cid] = channel
        self.channel_vars[cid] = {}
        if app:
            self.channel_apps[cid] = app
            args = app_args.split(",") if app_args else []
            self._event("StasisStart", app, channel=channel, args=args)
        return channel

    def _channel(self, request: StubRequest, key: str = "channelId") -> Dict[str, Any]:
        channel = self.channels.get(request.path_params.get(key, ""))
        if channel is None:
            raise StubError(404, "Channel not found")
        return channel

    def _originate(self, request: StubRequest) -> Dict[str, Any]:
        p = request.params
        endpoint = str(p.get("endpoint", ""))
        if "/" not in endpoint:
            raise StubError(400, "Endpoint must be Technology/resource")
        channel = self._new_channel(
            request.path_params.get("channelId") or p.get("channelId"),
            endpoint,
            p.get("app"),
            p.get("appArgs", ""),
            {},
        )
        for name, value in (p.get("variables") or {}).items():
            if isinstance(value, dict):
                value = value.get("value", "")
            self.channel_vars[channel["id"]][name] = str(value)
        return channel

    def _hangup(self, request: StubRequest) -> None:
        channel = self._channel(request)
        cid = channel["id"]
        del self.channels[cid]
        self.channel_vars.pop(cid, None)
        for bridge in self.bridges.values():
            if cid in bridge["channels"]:
                bridge["channels"].remove(cid)
        app = self.channel_apps.pop(cid, None)
        self._event("StasisEnd", app, channel=channel)
        self._event(
            "ChannelDestroyed",
            app,
            channel=channel,
            cause=16,
            cause_txt="Normal Clearing",
        )

    def _answer(self, request: StubRequest) -> None:
        channel = self._channel(request)
        channel["state"] = "Up"
        self._event(
            "ChannelStateChange", self.channel_apps.get(channel["id"]), channel=channel
        )

    def _channel_action(self, request: StubRequest) -> None:
        self._channel(request)

    def _get_channel_var(self, request: StubRequest) -> Dict[str, Any]:
        channel = self._channel(request)
        name = request.params["variable"]
        value = self.channel_vars[channel["id"]].get(name)
        if value is None:
            raise StubError(404, "Provided variable was not found")
        return {"value": value}

    def _set_channel_var(self, request: StubRequest) -> None:
        channel = self._channel(request)
        name = request.params["variable"]
        value = str(request.params.get("value", ""))
        self.channel_vars[channel["id"]][name] = value
        self._event(
            "ChannelVarset",
            self.channel_apps.get(channel["id"]),
            channel=channel,
            variable=name,
            value=value,
        )

    def _play(self, request: StubRequest) -> StubResponse:
        if "bridgeId" in request.path_params:
            bridge = self._bridge(request)
            target, app = f"bridge:{bridge['id']}", None
        else:
            channel = self._channel(request)
            target, app = f"channel:{channel['id']}", self.channel_apps.get(
                channel["id"]
            )
        pid = (
            request.path_params.get("playbackId")
            or request.params.get("playbackId")
            or str(uuid.uuid4())
        )
        media = request.params["media"]
        playback = {
            "id": pid,
            "media_uri": media[0],
            "target_uri": target,
            "language": request.params.get("lang", "en"),
            "state": "playing",
        }
        if len(media) > 1:
            playback["next_media_uri"] = media[1]
        self.playbacks[pid] = playback
        self._event("PlaybackStarted", app, playback=playback)
        return StubResponse(201, playback)

    def _playback(self, request: StubRequest) -> Dict[str, Any]:
        playback = self.playbacks.get(request.path_params["playbackId"])
        if playback is None:
            raise StubError(404, "Playback not found")
        return playback

    def _stop_playback(self, request: StubRequest) -> None:
        playback = self._playback(request)
        playback["state"] = "done"
        del self.playbacks[playback["id"]]

    def _control_playback(self, request: StubRequest) -> None:
        playback = self._playback(request)
        operation = request.params["operation"]
        if operation in ("pause", "unpause"):
            playback["state"] = "paused" if operation == "pause" else "playing"

    def _bridge(self, request: StubRequest) -> Dict[str, Any]:
        bridge = self.bridges.get(request.path_params.get("bridgeId", ""))
        if bridge is None:
            raise StubError(404, "Bridge not found")
        return bridge

    def _create_bridge(self, request: StubRequest) -> Dict[str, Any]:
        p = request.params
        bid = (
            request.path_params.get("bridgeId")
            or p.get("bridgeId")
            or str(uuid.uuid4())
        )
        if bid in self.bridges:
            if "bridgeId" in request.path_params:
                return self.bridges[bid]
            raise StubError(409, "Bridge with this id already exists")
        bridge = {
            "id": bid,
            "technology": "simple_bridge",
            "bridge_type": str(p.get("type", "mixing")).split(",")[0],
            "bridge_class": "stasis",
            "creator": "Stasis",
            "name": p.get("name", ""),
            "channels": [],
            "creationtime": now(),
            "video_mode": "talker",
        }
        self.bridges[bid] = bridge
        return bridge

    def _destroy_bridge(self, request: StubRequest) -> None:
        del self.bridges[self._bridge(request)["id"]]

    def _add_channel(self, request: StubRequest) -> None:
        bridge = self._bridge(request)
        ids = request.params["channel"]
        missing = [c for c in ids if c not in self.channels]
        if missing:
            raise StubError(400, "Channel not found")
        for cid in ids:
            for other in self.bridges.values():
                if cid in other["channels"] and other is not bridge:
                    raise StubError(409, "Channel is already in another bridge")
        for cid in ids:
            if cid not in bridge["channels"]:
                bridge["channels"].append(cid)
                self._event(
                    "ChannelEnteredBridge",
                    self.channel_apps.get(cid),
                    bridge=bridge,
                    channel=self.channels[cid],
                )

    def _remove_channel(self, request: StubRequest) -> None:
        bridge = self._bridge(request)
        for cid in request.params["channel"]:
            if cid not in bridge["channels"]:
                raise StubError(422, "Channel not in this bridge")
            bridge["channels"].remove(cid)

    def _recording(self, request: StubRequest) -> Tuple[Dict[str, Any], bytes]:
        found = self.recordings.get(request.path_params["recordingName"])
        if found is None:
            raise StubError(404, "Recording not found")
        return found

    def _recording_file(self, request: StubRequest) -> StubResponse:
        meta, content = self._recording(request)
        kind = {"wav": "audio/wav", "gsm": "audio/x-gsm"}.get(
            meta["format"], "application/octet-stream"
        )
        return StubResponse(200, content, kind)

    def _delete_recording(self, request: StubRequest) -> None:
        del self.recordings[self._recording(request)[0]["name"]]

    def _copy_recording(self, request: StubRequest) -> Dict[str, Any]:
        meta, content = self._recording(request)
        name = request.params["destinationRecordingName"]
        if name in self.recordings:
            raise StubError(409, "A recording with the same name already exists")
        self.add_recording(name, content, meta["format"])
        return self.recordings[name][0]

    def _asterisk_info(self, request: StubRequest) -> Dict[str, Any]:
        info: Dict[str, Any] = {
            "build": {
                "os": "Linux",
                "kernel": "stub",
                "machine": "x86_64",
                "options": "",
                "date": "",
                "user": "stub",
            },
            "system": {"version": self.asterisk_version, "entity_id": self.asterisk_id},
            "config": {
                "name": "",
                "default_language": "en",
                "setid": {"user": "asterisk", "group": "asterisk"},
            },
            "status": {"startup_time": now(), "last_reload_time": now()},
        }
        only = request.params.get("only")
        return {k: v for k, v in info.items() if not only or k in only}

    def _asterisk_ping(self, request: StubRequest) -> Dict[str, Any]:
        return {"asterisk_id": self.asterisk_id, "ping": "pong", "timestamp": now()}

    def _get_global_var(self, request: StubRequest) -> Dict[str, Any]:
        name = request.params["variable"]
        if name not in self.global_vars:
            raise StubError(404, "Provided variable was not found")
        return {"value": self.global_vars[name]}

    def _set_global_var(self, request: StubRequest) -> None:
        self.global_vars[request.params["variable"]] = str(
            request.params.get("value", "")
        )

    def _applications(self) -> Dict[str, Dict[str, Any]]:
        names = sorted({a for s in self._sockets for a in s.apps})
        return {
            name: {
                "name": name,
                "channel_ids": [c for c, a in self.channel_apps.items() if a == name],
                "bridge_ids": [],
                "endpoint_ids": [],
                "device_names": [],
                "events_allowed": [],
                "events_disallowed": [],
            }
            for name in names
        }

    def _applications_list(self, request: StubRequest) -> List[Dict[str, Any]]:
        return list(self._applications().values())

    def _applications_get(self, request: StubRequest) -> Dict[str, Any]:
        found = self._applications().get(request.path_params["applicationName"])
        if found is None:
            raise StubError(404, "Application does not exist")
        return found
