"""Events: the ARI events websocket as a typed stream, handlers per event class, reconnection,
and REST over the same websocket.

``client.events(app="demo")`` returns an ``EventStream`` (``AsyncEventStream`` on the asyncio
client). Iterating it yields events decoded by the models' ``parse_message``. A background
reader (a thread, or an asyncio task) owns the socket: it routes ``RESTResponse`` messages to
the requests waiting for them and queues everything else for the iterator.

When the socket drops, the reader reconnects with ``Backoff`` and subscribes the same
applications again. Events sent meanwhile are lost: the stream reports ``Disconnected`` and
then ``Connected(reconnected=True, events_missed=True)`` to the handlers registered for them
(``client.on(Connected)``). A clean close (code 1000, or ``close()``) ends the iteration.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import logging
import queue
import random
import threading
import uuid
from dataclasses import dataclass
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Generic,
    Iterator,
    List,
    Tuple,
    Type,
    TypeVar,
)

from . import _http as _h
from . import errors
from ._runtime import ValidationError

__all__ = [
    "Backoff",
    "ConnectionState",
    "Connected",
    "Disconnected",
    "Dispatcher",
    "InvalidMessage",
    "EventStream",
    "AsyncEventStream",
    "decode_frame",
]

log = logging.getLogger(__name__)

E = TypeVar("E")
T = TypeVar("T")
R = TypeVar("R")

_END: Any = object()
# What ends reconnecting: credentials the server no longer takes. Any other answer (a 404 or 503
# from an Asterisk still loading its modules, a refused connection) is retried with backoff.
_GIVE_UP = (errors.Unauthorized, errors.Forbidden)


@dataclass(frozen=True, slots=True)
class Backoff:
    """How the event stream waits between reconnection attempts: exponential, with jitter."""

    initial: float = 0.5
    """Seconds before the first attempt after a drop."""
    factor: float = 2.0
    maximum: float = 30.0
    jitter: float = 0.1
    """Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]."""
    max_attempts: int | None = None
    """Attempts per outage before the stream gives up (raising ``ConnectionFailed``); None: forever."""

    def delay(self, attempt: int) -> float:
        """Seconds to wait before attempt number ``attempt`` (1, 2, ...)."""
        base = min(self.maximum, self.initial * self.factor ** max(0, attempt - 1))
        return max(0.0, base * (1.0 + random.uniform(-self.jitter, self.jitter)))


class ConnectionState:
    """A change of the events websocket's connection (delivered to handlers, not yielded)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Connected(ConnectionState):
    """The events websocket is open (again)."""

    url: str
    """The websocket URL (credentials never appear in it)."""
    reconnected: bool = False
    """True when this is a reconnection after a drop."""
    attempts: int = 0
    """Failed attempts before this one succeeded."""

    @property
    def events_missed(self) -> bool:
        """Events may have been missed: the stream was down (state is worth re-reading)."""
        return self.reconnected


@dataclass(frozen=True, slots=True)
class Disconnected(ConnectionState):
    """The events websocket dropped; the stream will reconnect (events meanwhile are lost)."""

    url: str
    code: int | None
    """The websocket close code (1006: no close frame, the connection just broke)."""
    reason: str
    retry_in: float
    """Seconds until the first reconnection attempt."""


@dataclass(frozen=True, slots=True)
class InvalidMessage:
    """A websocket message that is no event at all (not JSON, or no object with a ``type``):
    delivered to the handlers registered for it, not yielded. An event whose data does not fit
    its class is yielded, decoded as its nearest base class (``Event``), never dropped.
    """

    frame: str
    """The message as received (bytes decoded as UTF-8, undecodable bytes replaced)."""
    error: str


class _RedactingLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """websockets' logger with the credentials of the handshake masked: at DEBUG, websockets logs
    every header it sends, ``Authorization`` among them."""

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if len(args) == 2 and str(args[0]).lower() == "authorization":
            args = (args[0], "***")
        super().log(level, msg, *args, **kwargs)


_WEBSOCKETS_LOG = _RedactingLog(logging.getLogger("websockets.client"), {})


def decode_frame(frame: str | bytes, parse: Callable[[Any], E]) -> E:
    """One websocket message → its typed event."""
    return parse(json.loads(frame))


class Dispatcher:
    """Handlers per event class; an event goes to the handlers of its class and its bases.

    Handlers run in registration order, most specific class first. An exception in a handler
    is logged and the others still run, unless ``raise_errors`` is set.
    """

    def __init__(self, raise_errors: bool = False) -> None:
        self.raise_errors = raise_errors
        self._handlers: Dict[type, List[Callable[[Any], Any]]] = {}
        self._cache: Dict[type, Tuple[Callable[[Any], Any], ...]] = {}

    def on(self, cls: Type[E]) -> Callable[[Callable[[E], R]], Callable[[E], R]]:
        """Decorator: ``@client.on(StasisStart)`` registers a handler of that class."""

        def register(handler: Callable[[E], R]) -> Callable[[E], R]:
            self.add(cls, handler)
            return handler

        return register

    def add(self, cls: Type[E], handler: Callable[[E], Any]) -> None:
        self._handlers.setdefault(cls, []).append(handler)
        self._cache.clear()

    def remove(self, cls: Type[E], handler: Callable[[E], Any]) -> None:
        self._handlers.get(cls, []).remove(handler)
        self._cache.clear()

    def handlers(self, cls: type) -> Tuple[Callable[[Any], Any], ...]:
        """The handlers an event of class ``cls`` goes to."""
        found = self._cache.get(cls)
        if found is None:
            found = tuple(h for k in cls.__mro__ for h in self._handlers.get(k, ()))
            self._cache[cls] = found
        return found

    def dispatch(self, event: Any) -> None:
        """Call the handlers of ``event`` (a handler that returns an awaitable is an error)."""
        for handler in self._cache.get(event.__class__) or self.handlers(
            event.__class__
        ):
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    raise TypeError(
                        f"{handler!r} is async: register it on the AsyncAriClient"
                    )
            except Exception:
                if self.raise_errors:
                    raise
                log.exception("handler %r failed on %s", handler, type(event).__name__)

    async def dispatch_async(self, event: Any) -> None:
        """Call the handlers of ``event``, awaiting the async ones one after the other."""
        for handler in self._cache.get(event.__class__) or self.handlers(
            event.__class__
        ):
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                if self.raise_errors:
                    raise
                log.exception("handler %r failed on %s", handler, type(event).__name__)


class _Stream(Generic[E]):
    """What the sync and asyncio streams share: URL, routing of messages, REST encoding."""

    def __init__(
        self,
        connection: _h.Connection,
        request: _h.Request[Any],
        parse: Callable[[Any], E],
        dispatcher: Dispatcher,
        backoff: Backoff,
        ping_interval: float | None,
        open_timeout: float | None,
        rest_timeout: float | None,
    ) -> None:
        self.url = connection.websocket_url(request)
        """The websocket URL (credentials travel in a header, never in it)."""
        self.request = request
        self.dispatcher = dispatcher
        self.backoff = backoff
        self.reconnects = 0
        """How many times the stream reconnected (each time, events may have been missed)."""
        self.invalid_messages = 0
        """Messages that are no event (logged, and delivered to ``InvalidMessage`` handlers)."""
        self._connection = connection
        self._parse = parse
        self._headers = connection.websocket_headers()
        self._ssl = connection.ssl_context()
        self._ping_interval = ping_interval
        self._open_timeout = open_timeout
        self._rest_timeout = rest_timeout
        self._failure: BaseException | None = None
        self._opened = False

    def _options(self) -> Dict[str, Any]:
        return {
            "additional_headers": self._headers,
            "open_timeout": self._open_timeout,
            "ping_interval": self._ping_interval,
            "ping_timeout": self._ping_interval,
            "close_timeout": 5,
            "max_size": 2**24,
            "logger": _WEBSOCKETS_LOG,
        }

    def _decode(self, frame: str | bytes) -> Tuple[str | None, Any]:
        """A message → (request id, data) for a REST response, else (None, event or notice)."""
        try:
            data = json.loads(frame)
        except ValueError as exc:
            return None, self._invalid(frame, f"not JSON: {exc}")
        if data.__class__ is not dict or data.get("type").__class__ is not str:
            return None, self._invalid(frame, "not a JSON object with a type")
        if data["type"] == "RESTResponse":
            rid = data.get("request_id")
            if isinstance(rid, str):
                return rid, data
        try:
            return None, self._parse(data)
        except ValidationError as exc:  # not even the root class of the events fits
            return None, self._invalid(frame, str(exc))

    def _invalid(self, frame: str | bytes, error: str) -> InvalidMessage:
        self.invalid_messages += 1
        log.warning("an events message that is no event: %s", error)
        text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
        return InvalidMessage(text, error)

    def _connect_error(self, exc: BaseException) -> errors.AriError:
        from websockets.exceptions import InvalidStatus

        if isinstance(exc, InvalidStatus):
            response = exc.response
            body = bytes(response.body or b"")
            return errors.error_for_status(
                response.status_code,
                self.request.operation.errors.get(response.status_code),
                _h.server_message(body),
                operation=self.request.operation.name,
                method="GET",
                url=self.url,
                body=body,
                headers=dict(response.headers.raw_items()),
            )
        if isinstance(exc, TimeoutError):
            return errors.Timeout(f"{self.url}: opening the websocket timed out")
        return errors.ConnectionFailed(f"{self.url}: {type(exc).__name__}: {exc}")

    def _rest_message(self, request: _h.Request[Any], rid: str) -> str:
        """The ``RESTRequest`` message of a request."""
        message: Dict[str, Any] = {
            "type": "RESTRequest",
            "transaction_id": rid,
            "request_id": rid,
            "method": request.operation.method,
            "uri": request.path.lstrip("/"),
        }
        if request.query:
            message["query_strings"] = [
                {"name": k, "value": str.__str__(v)} for k, v in request.query
            ]
        if request.body is not None:
            message["content_type"] = "application/json"
            message["message_body"] = json.dumps(request.body)
        return json.dumps(message)

    def _rest_result(self, request: _h.Request[T], data: Dict[str, Any]) -> T:
        status = data.get("status_code")
        body = data.get("message_body") or ""
        content = body.encode() if isinstance(body, str) else b""
        if not isinstance(status, int):
            raise errors.InvalidResponse(
                "a RESTResponse without status_code", operation=request.operation.name
            )
        if status >= 300:
            phrase = data.get("reason_phrase")
            raise _h.http_error(
                request.operation,
                status,
                content,
                "ws:" + request.target,
                fallback=phrase.strip() if isinstance(phrase, str) else "",
            )
        return _h.decode(request, content)

    def _check_version(self, request: _h.Request[Any]) -> None:
        server = self._connection._server
        if server is not None:
            _h.check_since(request, server, 5)


class EventStream(_Stream[E]):
    """The events websocket of the sync client: a blocking iterator of typed events.

    Also a sender: ``client.over_websocket()`` sends requests through it (REST over websocket).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: queue.Queue[Any] = queue.Queue()
        self._pending: Dict[str, concurrent.futures.Future[Dict[str, Any]]] = {}
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._ws: Any = None

    # -- lifecycle ------------------------------------------------------------------------------

    def connect(self) -> EventStream[E]:
        """Open the websocket (once) and wait until it is open; raise if the first attempt fails."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ari-events", daemon=True
                )
                self._thread.start()
        self._ready.wait()
        if not self._opened and self._failure is not None:
            raise self._failure
        return self

    def close(self) -> None:
        """Close the websocket; the iteration ends."""
        self._stop.set()
        ws = self._ws
        if ws is not None:
            ws.close()
        thread = self._thread
        if thread is None:
            self._queue.put(_END)
            self._ready.set()
        elif thread is not threading.current_thread():
            thread.join(10)

    def __enter__(self) -> EventStream[E]:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._ws is not None

    # -- iteration ------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[E]:
        return self

    def __next__(self) -> E:
        try:
            return self.next()
        except errors.EventStreamClosed:
            raise StopIteration from None

    def next(self, timeout: float | None = None) -> E:
        """The next event; ``Timeout`` after ``timeout`` seconds, ``EventStreamClosed`` at the end.

        Connection-state changes met on the way go to their handlers.
        """
        self.connect()
        while True:
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise errors.Timeout(f"no event within {timeout} s") from None
            if isinstance(item, (ConnectionState, InvalidMessage)):
                self.dispatcher.dispatch(item)
                continue
            if item is _END:
                self._queue.put(_END)
                raise errors.EventStreamClosed("the events websocket is closed")
            if isinstance(item, BaseException):
                self._queue.put(item)
                raise item
            return item  # type: ignore[no-any-return]

    # -- REST over the websocket ----------------------------------------------------------------

    def send(self, request: _h.Request[T]) -> T:
        """Send a request over the websocket and wait for its ``RESTResponse``.

        A request for a binary response (a recording's file) goes over HTTP instead: Asterisk
        answers it over the websocket with 406 "Use HTTP GET".
        """
        from websockets.exceptions import ConnectionClosed

        if request.decode is _h.binary and isinstance(self._connection, _h.SyncHttp):
            return self._connection.send(request)
        self.connect()
        ws = self._ws
        if ws is None:
            raise errors.EventStreamClosed("the events websocket is not open")
        self._check_version(request)
        rid = uuid.uuid4().hex
        future: concurrent.futures.Future[Dict[str, Any]] = concurrent.futures.Future()
        self._pending[rid] = future
        try:
            ws.send(self._rest_message(request, rid))
            data = future.result(timeout=self._rest_timeout)
        except concurrent.futures.TimeoutError as exc:
            raise errors.Timeout(
                f"{request.operation.name}: no RESTResponse within {self._rest_timeout} s"
            ) from exc
        except ConnectionClosed as exc:
            raise errors.ConnectionFailed(
                f"{request.operation.name}: the events websocket closed"
            ) from exc
        finally:
            self._pending.pop(rid, None)
        return self._rest_result(request, data)

    def open_events(
        self, request: _h.Request[Any], parse: Callable[[Any], Any]
    ) -> EventStream[Any]:
        raise errors.AriError("open the events websocket on the client, not over one")

    # -- the reader thread ----------------------------------------------------------------------

    def _run(self) -> None:
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        attempt = 0
        while not self._stop.is_set():
            try:
                ws = connect(self.url, ssl=self._ssl, **self._options())
            except Exception as exc:
                error = self._connect_error(exc)
                attempt += 1
                limit = self.backoff.max_attempts
                if (
                    not self._opened
                    or isinstance(error, _GIVE_UP)
                    or (limit is not None and attempt >= limit)
                ):
                    self._finish(error)
                    return
                if self._stop.wait(self.backoff.delay(attempt + 1)):
                    break
                continue
            self._ws = ws
            if self._stop.is_set():
                ws.close()
            self._queue.put(Connected(self.url, self._opened, attempt))
            if self._opened:
                self.reconnects += 1
            self._opened = True
            attempt = 0
            self._ready.set()
            try:
                with (
                    ws
                ):  # (websockets >= 16 wants the connection used as a context manager)
                    for frame in ws:
                        rid, item = self._decode(frame)
                        if rid is not None:
                            future = self._pending.get(rid)
                            if future is not None and not future.done():
                                future.set_result(item)
                        elif item is not None:
                            self._queue.put(item)
            except ConnectionClosed:
                pass
            except Exception:
                log.exception("the events reader failed")
            self._ws = None
            for future in list(self._pending.values()):
                if not future.done():
                    future.set_exception(
                        errors.ConnectionFailed("the events websocket closed")
                    )
            if self._stop.is_set() or ws.close_code == 1000:
                break
            delay = self.backoff.delay(1)
            self._queue.put(
                Disconnected(self.url, ws.close_code, ws.close_reason or "", delay)
            )
            if self._stop.wait(delay):
                break
        self._finish(None)

    def _finish(self, error: BaseException | None) -> None:
        self._failure = error
        self._queue.put(_END if error is None else error)
        self._ready.set()


class AsyncEventStream(_Stream[E]):
    """The events websocket of the asyncio client: an async iterator of typed events.

    Also a sender: ``client.over_websocket()`` sends requests through it (REST over websocket).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._pending: Dict[str, asyncio.Future[Dict[str, Any]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._ws: Any = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def connect(self) -> AsyncEventStream[E]:
        """Open the websocket (once) and wait until it is open; raise if the first attempt fails."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())
        await self._ready.wait()
        if not self._opened and self._failure is not None:
            raise self._failure
        return self

    async def close(self) -> None:
        """Close the websocket; the iteration ends."""
        self._stop.set()
        ws = self._ws
        if ws is not None:
            await ws.close()
        task = self._task
        if task is None:
            self._queue.put_nowait(_END)
            self._ready.set()
        elif task is not asyncio.current_task():
            try:
                await asyncio.wait_for(asyncio.shield(task), 10)
            except (asyncio.TimeoutError, asyncio.CancelledError):
                task.cancel()

    async def __aenter__(self) -> AsyncEventStream[E]:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._ws is not None

    # -- iteration ------------------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[E]:
        return self

    async def __anext__(self) -> E:
        try:
            return await self.next()
        except errors.EventStreamClosed:
            raise StopAsyncIteration from None

    async def next(self, timeout: float | None = None) -> E:
        """The next event; ``Timeout`` after ``timeout`` seconds, ``EventStreamClosed`` at the end.

        Connection-state changes met on the way go to their handlers.
        """
        await self.connect()
        while True:
            try:
                item = await asyncio.wait_for(self._queue.get(), timeout)
            except asyncio.TimeoutError:
                raise errors.Timeout(f"no event within {timeout} s") from None
            if isinstance(item, (ConnectionState, InvalidMessage)):
                await self.dispatcher.dispatch_async(item)
                continue
            if item is _END:
                self._queue.put_nowait(_END)
                raise errors.EventStreamClosed("the events websocket is closed")
            if isinstance(item, BaseException):
                self._queue.put_nowait(item)
                raise item
            return item  # type: ignore[no-any-return]

    # -- REST over the websocket ----------------------------------------------------------------

    async def send(self, request: _h.Request[T]) -> T:
        """Send a request over the websocket and wait for its ``RESTResponse``.

        A request for a binary response (a recording's file) goes over HTTP instead: Asterisk
        answers it over the websocket with 406 "Use HTTP GET".
        """
        from websockets.exceptions import ConnectionClosed

        if request.decode is _h.binary and isinstance(self._connection, _h.AsyncHttp):
            return await self._connection.send(request)
        await self.connect()
        ws = self._ws
        if ws is None:
            raise errors.EventStreamClosed("the events websocket is not open")
        self._check_version(request)
        rid = uuid.uuid4().hex
        future: asyncio.Future[Dict[str, Any]] = (
            asyncio.get_running_loop().create_future()
        )
        self._pending[rid] = future
        try:
            await ws.send(self._rest_message(request, rid))
            data = await asyncio.wait_for(future, self._rest_timeout)
        except asyncio.TimeoutError as exc:
            raise errors.Timeout(
                f"{request.operation.name}: no RESTResponse within {self._rest_timeout} s"
            ) from exc
        except ConnectionClosed as exc:
            raise errors.ConnectionFailed(
                f"{request.operation.name}: the events websocket closed"
            ) from exc
        finally:
            self._pending.pop(rid, None)
        return self._rest_result(request, data)

    def open_events(
        self, request: _h.Request[Any], parse: Callable[[Any], Any]
    ) -> AsyncEventStream[Any]:
        raise errors.AriError("open the events websocket on the client, not over one")

    # -- the reader task ------------------------------------------------------------------------

    async def _wait_stop(self, delay: float) -> bool:
        try:
            await asyncio.wait_for(self._stop.wait(), delay)
        except asyncio.TimeoutError:
            return False
        return True

    async def _run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        attempt = 0
        while not self._stop.is_set():
            try:
                ws = await connect(self.url, ssl=self._ssl, **self._options())
            except Exception as exc:
                error = self._connect_error(exc)
                attempt += 1
                limit = self.backoff.max_attempts
                if (
                    not self._opened
                    or isinstance(error, _GIVE_UP)
                    or (limit is not None and attempt >= limit)
                ):
                    self._finish(error)
                    return
                if await self._wait_stop(self.backoff.delay(attempt + 1)):
                    break
                continue
            self._ws = ws
            if self._stop.is_set():
                await ws.close()
            self._queue.put_nowait(Connected(self.url, self._opened, attempt))
            if self._opened:
                self.reconnects += 1
            self._opened = True
            attempt = 0
            self._ready.set()
            try:
                async for frame in ws:
                    rid, item = self._decode(frame)
                    if rid is not None:
                        future = self._pending.get(rid)
                        if future is not None and not future.done():
                            future.set_result(item)
                    elif item is not None:
                        self._queue.put_nowait(item)
            except ConnectionClosed:
                pass
            except Exception:
                log.exception("the events reader failed")
            self._ws = None
            for future in list(self._pending.values()):
                if not future.done():
                    future.set_exception(
                        errors.ConnectionFailed("the events websocket closed")
                    )
            if self._stop.is_set() or ws.close_code == 1000:
                break
            delay = self.backoff.delay(1)
            self._queue.put_nowait(
                Disconnected(self.url, ws.close_code, ws.close_reason or "", delay)
            )
            if await self._wait_stop(delay):
                break
        self._finish(None)

    def _finish(self, error: BaseException | None) -> None:
        self._failure = error
        self._queue.put_nowait(_END if error is None else error)
        self._ready.set()
