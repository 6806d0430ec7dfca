"""The server of ``testing.StubAri``: real HTTP and a real events websocket on 127.0.0.1, on
stdlib asyncio and the sans-I/O protocol of ``websockets``.

``StubAri`` is made of parts that share one state (``StubCore``); those here serve the wire:

- ``RequestHandling``: a request checked against the spec (``_spec.ROUTES``), then answered
  by a fault, a test's handler or the model (``_pbx.Pbx``);
- ``EventsWebsocket``: the events websocket: upgrades, the applications each one holds,
  REST over the websocket;
- ``HttpServer``: listening, HTTP/1.1, running in the test's loop or in a thread of its own.

The parts a test calls (faults, waits, the model) are in ``_stub_api``.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import json
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Self,
    Sequence,
    Set,
    Tuple,
)
from urllib.parse import unquote, unquote_plus, urlsplit

from websockets.frames import Frame, Opcode
from websockets.http11 import Request as WsRequest
from websockets.server import ServerProtocol

from . import _http as _h
from . import _spec
from ._pbx import Handler, Pbx
from ._pbx_objects import (
    REMOTE_TECHNOLOGIES,
    Clock,
    Dialplan,
    Sound,
    StubError,
    StubRequest,
    StubResponse,
    now,
)
from ._route import Param, Route
from ._spec import ROUTES

if TYPE_CHECKING:
    from .client import AriClient, AsyncAriClient

__all__ = [
    "BASE_PATH",
    "DEFAULT_VERSION",
    "MAX_APP_NAME",
    "EventSocket",
    "EventsWebsocket",
    "Fault",
    "HttpServer",
    "RequestHandling",
    "StubCore",
    "Waiter",
    "checked_value",
    "error",
]

BASE_PATH = urlsplit(_spec.BASE_PATH).path.rstrip("/")
"""The path prefix the stub serves the API under (the listing's basePath)."""

DEFAULT_VERSION = max(
    (v for r in ROUTES for v in r.since),
    key=lambda v: _h.parse_version(v) or (0, 0, 0),
    default="0.0.0",
)
"""The Asterisk version the stub reports: the newest ``since`` in the spec."""

MAX_APP_NAME = 255
"""Longer application names make Asterisk fail the upgrade with a 500."""


def error(status: int, message: str) -> StubResponse:
    """An error answer: ``status`` and ``{"message": message}``."""
    return StubResponse(status, {"message": message})


@dataclass
class Fault:
    """What ``fail`` or ``delay`` set for an operation."""

    status: int | None
    message: str
    delay: float
    times: int | None  # None: until cleared


@dataclass
class Waiter:
    """A test waiting for ``check()`` to be true: ``done`` gets its result."""

    check: Callable[[], Any]
    done: concurrent.futures.Future[Any] = field(
        default_factory=concurrent.futures.Future
    )


class EventSocket:
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
        """Write what the protocol has to send."""
        for chunk in self.protocol.data_to_send():
            if chunk:
                self.writer.write(chunk)

    def send(self, data: Mapping[str, Any]) -> None:
        """Send ``data`` as a JSON text frame."""
        self.send_text(json.dumps(data))

    def send_text(self, text: str) -> None:
        """Send a text frame."""
        self.protocol.send_text(text.encode())
        self.flush()


def _settle(
    done: concurrent.futures.Future[Any],
    result: Any = None,
    exception: BaseException | None = None,
) -> None:
    """Hand a waiter its outcome, unless the waiting side gave up (cancelled it) meanwhile."""
    try:
        if exception is not None:
            done.set_exception(exception)
        else:
            done.set_result(result)
    except concurrent.futures.InvalidStateError:
        pass


def _cancel_remaining(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks still running in ``loop`` (connections being served) and let them end."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))


class StubCore:
    """What every part of ``StubAri`` shares: its options, the model (``pbx``, ``clock``), the
    records (``requests``, ``sent``), the websockets and the applications they hold, the
    faults and handlers a test set, the waiters; and how code reaches the stub's loop.
    """

    def __init__(
        self,
        *,
        username: str = "asterisk",
        password: str = "asterisk",
        asterisk_version: str = DEFAULT_VERSION,
        asterisk_id: str = "00:00:00:00:00:01",
        port: int = 0,
        dialplan: Dialplan | None = None,
        sounds: Iterable[Sound] = (Sound("beep", 0.25),),
        time_scale: float | None = 1.0,
        technologies: Sequence[str] = REMOTE_TECHNOLOGIES,
        answer_after: float | None = 0.0,
    ) -> None:
        """The options are ``StubAri``'s (see its docstring)."""
        self.username = username
        self.password = password
        self.asterisk_version = asterisk_version
        self.asterisk_id = asterisk_id
        self.port = port
        self.requests: List[StubRequest] = []
        """Every request received (HTTP and REST over websocket), in order."""
        self.sent: List[Dict[str, Any]] = []
        """Every event sent on an events websocket, in order (``application`` filled in)."""
        self.clock = Clock(time_scale)
        self.pbx = Pbx(
            asterisk_id=asterisk_id,
            clock=self.clock,
            deliver=self._deliver,
            dialplan=dialplan,
            sounds=sounds,
            technologies=technologies,
            answer_after=answer_after,
        )
        self.pbx.version = asterisk_version
        self.clock.on_fire = self._changed
        self.websocket_count = 0
        """How many events websockets were accepted so far (reconnections count)."""
        self._overrides: Dict[str, Handler] = {}
        self._faults: Dict[str, List[Fault]] = {}
        self._sockets: List[EventSocket] = []
        # application -> the websocket that has it
        self._owner: Dict[str, EventSocket] = {}
        self._waiters: List[Waiter] = []
        # the HTTP connections open now (closed by stop)
        self._connections: Set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._handlers: Dict[str, Handler] = self.pbx.handlers()

    @property
    def url(self) -> str:
        """The base URL to give a client: ``http://127.0.0.1:PORT/ari``."""
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    # -- the stub's loop -----------------------------------------------------------------------

    def _in_loop(self) -> bool:
        """Is this code running in the stub's own event loop?"""
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` in the stub's loop (now, if this is the loop's thread) and return its result."""
        loop = self._loop
        if loop is None or self._in_loop() or loop.is_closed():
            return fn()
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def run() -> None:
            try:
                done.set_result(fn())
            except BaseException as exc:  # handed to the caller
                done.set_exception(exc)

        loop.call_soon_threadsafe(run)
        return done.result(10)

    def _run(self, fn: Callable[[], Any]) -> Any:
        """``_call`` for a change of the model: what it deferred runs too, waiters are told."""

        def change() -> Any:
            result = fn()
            self.pbx.run_deferred()
            self._changed()
            return result

        return self._call(change)

    def _changed(self) -> None:
        """The model may have changed: hand each waiter whose check now holds its result."""
        for waiter in list(self._waiters):
            if waiter.done.done():
                self._waiters.remove(waiter)
                continue
            try:
                found = waiter.check()
            except Exception as exc:  # a broken predicate: hand it to the test
                _settle(waiter.done, exception=exc)
                self._waiters.remove(waiter)
                continue
            if found is not None and found is not False:
                _settle(waiter.done, result=found)
                self._waiters.remove(waiter)

    # -- delivering events ---------------------------------------------------------------------

    def _deliver(self, data: Dict[str, Any], apps: List[str]) -> None:
        """What the model emits: one copy per application, to the websocket that has it."""
        for app in apps:
            sock = self._owner.get(app)
            event = {
                **data,
                "timestamp": now(),
                "application": app,
                "asterisk_id": self.asterisk_id,
            }
            self.sent.append(event)
            if sock is not None:
                try:
                    sock.send(event)
                except (ConnectionError, OSError, RuntimeError):  # it broke meanwhile
                    self._forget(sock)

    def _forget(self, sock: EventSocket) -> None:
        """``sock`` is gone: its applications are unregistered."""
        if sock in self._sockets:
            self._sockets.remove(sock)
        for app in list(sock.apps):
            if self._owner.get(app) is sock:
                del self._owner[app]
                self.pbx.unregister(app)


def checked_value(param: Param, raw: Any) -> Tuple[Any, str]:
    """A query (string) or body (JSON) value checked against ``param``: (value, problem)."""
    name = param.name
    if param.multiple and param.location != "body":
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list):
            return None, f"{name}: expected a comma-separated list"
        values = []
        for item in items:
            single = Param(name, param.location, param.kind, False, False, param.values)
            one, problem = checked_value(single, item)
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


class RequestHandling(StubCore):
    """Requests checked against the spec and answered (see the module's docstring)."""

    def _authorized(
        self, headers: Mapping[str, str], query: List[Tuple[str, str]]
    ) -> bool:
        """Basic authentication, or ``api_key=user:password`` in the query."""
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
        """The path of a request target and its decoded query pairs."""
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
    ) -> Tuple[StubResponse, float]:
        """Answer one request (HTTP, or REST over the websocket), recorded in ``requests``
        with the status answered: (the response, the seconds to wait before sending it).
        """
        request = StubRequest("", "", [], None, {})
        response, delay = self._answer(
            request, method, target, body, headers, over_websocket, extra_query
        )
        request.status = response.status
        return response, delay

    def _answer(
        self,
        request: StubRequest,
        method: str,
        target: str,
        body: bytes,
        headers: Mapping[str, str],
        over_websocket: bool,
        extra_query: List[Tuple[str, str]] | None,
    ) -> Tuple[StubResponse, float]:
        """``_dispatch``'s answer: the request checked in turn (body, credentials, route,
        parameters), then answered by a fault, a test's handler or the model."""
        path, query = self._parse_target(target)
        query += extra_query or []
        decoded: Any = None
        request.method, request.path, request.query = method, path, query
        request.headers = dict(headers)
        request.over_websocket = over_websocket
        self.requests.append(request)
        if body:
            try:
                decoded = json.loads(body)
            except ValueError:
                return error(400, "Error parsing request body"), 0.0
            request.body = decoded
        if not over_websocket and not self._authorized(headers, query):
            return error(401, "Authentication required"), 0.0
        route, path_params, status = self._route(method, path)
        if route is None:
            return (
                error(
                    status, "Invalid method" if status == 405 else "Resource not found"
                ),
                0.0,
            )
        request.operation = route.operation
        request.path_params = path_params
        problem = self._check(route, request)
        if problem:
            return error(400, problem), 0.0
        fault = self._fault(route.operation)
        delay = fault.delay if fault is not None else 0.0
        if fault is not None and fault.status is not None:
            return error(fault.status, fault.message), delay
        handler = self._overrides.get(route.operation) or self._handlers.get(
            route.operation
        )
        if handler is None:
            return (
                error(
                    501,
                    f"StubAri does not implement {route.operation}; use stub.handle()",
                ),
                delay,
            )
        try:
            result = handler(request)
        except StubError as exc:
            self.pbx.deferred.clear()
            return error(exc.status, exc.message), delay
        except Exception as exc:  # a broken handler is a 500, as a crashing server
            self.pbx.deferred.clear()
            return error(500, f"{type(exc).__name__}: {exc}"), delay
        if isinstance(result, StubResponse):
            return result, delay
        if isinstance(result, tuple) and len(result) == 2:
            return StubResponse(result[0], result[1]), delay
        return StubResponse(200 if result is not None else 204, result), delay

    @staticmethod
    def _route(method: str, path: str) -> Tuple[Route | None, Dict[str, str], int]:
        """The route of ``method`` and ``path`` and its path parameters (the most literal
        segments win), or None with 404 (no such path) or 405 (no such method)."""
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

    def _check(self, route: Route, request: StubRequest) -> str:
        """The first way the request breaks the spec, or ""."""
        known = {p.name: p for p in route.params if p.location != "path"}
        for name, raw in request.query:
            if name == "api_key":
                continue
            param = known.get(name)
            if param is None:
                return f"Unknown parameter: {name}"
            value, problem = checked_value(param, raw)
            if problem:
                return problem
            request.params[name] = value
        whole = next((p for p in known.values() if p.whole_body), None)
        if whole is not None and request.body is not None:
            value, problem = checked_value(whole, request.body)
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
                value, problem = checked_value(param, raw)
                if problem:
                    return problem
                request.params[name] = value
        for param in known.values():
            if param.required and param.name not in request.params:
                return f"Missing required parameter: {param.name}"
        return ""

    def _fault(self, operation: str) -> Fault | None:
        """The fault this request of ``operation`` meets, if a test set one (used up)."""
        faults = self._faults.get(operation)
        if not faults:
            return None
        fault = faults[0]
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
        return fault


class EventsWebsocket(RequestHandling):
    """The events websocket (``/events``): the upgrade, then RESTRequests served."""

    async def _websocket(
        self,
        head: bytes,
        target: str,
        headers: Mapping[str, str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        """An events websocket: the upgrade checked (credentials, ``app``, faults, a test's
        handler) and accepted, its applications registered, then its messages served."""
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
            names = list(record.params.get("app") or [])
            if not problem and (not names or any(not n for n in names)):
                status, problem = (
                    500 if len(names) > 1 else 400
                ), "Invalid application"
            elif not problem and any(len(n) > MAX_APP_NAME for n in names):
                status, problem = 500, "Application name too long"
            fault = self._fault(route.operation) if not problem else None
            if fault is not None and fault.status is not None:
                status, problem = fault.status, fault.message
            override = self._overrides.get(route.operation)
            if not problem and override is not None:
                # a test's handler may refuse the upgrade (a StubResponse), else it goes on
                refusal = override(record)
                if isinstance(refusal, StubResponse) and refusal.status != 101:
                    status, problem = refusal.status, str(refusal.body or "refused")
        record.status = status
        if problem:
            response = protocol.reject(
                status, f"<html><body><h1>{problem}</h1></body></html>"
            )
            if status == 401:
                response = protocol.reject(status, json.dumps({"message": problem}))
                response.headers["Content-Type"] = "application/json"
            else:
                response.headers["Content-Type"] = "text/html"
            protocol.send_response(response)
            for chunk in protocol.data_to_send():
                writer.write(chunk)
            await writer.drain()
            writer.close()
            return
        apps = list(dict.fromkeys(record.params.get("app") or []))
        subscribe_all = bool(record.params.get("subscribeAll"))
        sock = EventSocket(protocol, writer, apps, subscribe_all)
        protocol.send_response(protocol.accept(ws_request))
        self._sockets.append(sock)
        self.websocket_count += 1
        for app in apps:
            old = self._owner.get(app)
            if old is not None and old is not sock:
                old.send(
                    {"type": "ApplicationReplaced", "timestamp": now(), "application": app,
                     "asterisk_id": self.asterisk_id}
                )  # fmt: skip
                old.apps.remove(app)
            self._owner[app] = sock
            self.pbx.register(app, subscribe_all)
        sock.flush()  # the 101 goes out only now: the application is registered before it
        self._changed()
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
            self._forget(sock)
            self._changed()
            writer.close()

    def _websocket_message(self, sock: EventSocket, data: bytes) -> None:
        """A message from the application: a RESTRequest is answered with a RESTResponse."""
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
        response, _ = self._dispatch(
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
        self.pbx.run_deferred()
        self._changed()


class HttpServer(EventsWebsocket):
    """The server itself: start and stop it, in the running loop or in a thread of its own
    (``with``), and clients for it."""

    async def start(self) -> Self:
        """Listen on 127.0.0.1 (``port``, 0 for any free one) in the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.clock.start(self._loop)
        return self

    async def stop(self) -> None:
        """Close the websockets and the server; waits still waiting fail."""
        self.clock.stop()
        for sock in list(self._sockets):
            sock.writer.transport.abort()
        self._sockets.clear()
        # keep-alive connections too: the server's wait_closed waits for them (Python 3.12+)
        for connection in list(self._connections):
            connection.transport.abort()
        self._owner.clear()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for waiter in self._waiters:
            if not waiter.done.done():
                _settle(waiter.done, exception=RuntimeError("the stub stopped"))
        self._waiters.clear()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def __enter__(self) -> Self:
        """Run the stub in a thread with its own event loop (for sync tests)."""
        started = threading.Event()
        failed: List[BaseException] = []
        loop = asyncio.new_event_loop()

        def main() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # handed to __enter__
                failed.append(exc)
                loop.close()
                return
            finally:
                started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            _cancel_remaining(loop)
            loop.close()

        self._thread = threading.Thread(target=main, name="stub-ari", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the stub did not start within 10 s")
        if failed:
            self._thread.join(10)
            self._thread = None
            raise failed[0]
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

    # -- HTTP ----------------------------------------------------------------------------------

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """One connection: HTTP/1.1 requests in turn, or the upgrade to a websocket."""
        self._connections.add(writer)
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
                response, delay = self._dispatch(method, target, body, headers)
                # this request's own deferred work: other requests may run while it waits
                deferred = self.pbx.take_deferred()
                if delay:
                    await asyncio.sleep(delay)
                self._write(writer, response)
                await writer.drain()
                self.pbx.run_deferred(deferred)
                self._changed()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(writer)
            writer.close()

    @staticmethod
    def _write(writer: asyncio.StreamWriter, response: StubResponse) -> None:
        """Write ``response`` as HTTP/1.1."""
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
