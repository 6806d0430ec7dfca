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

Waiting for events: the reader also offers every event, as it arrives, to the client's
waiters (``client.expect``/``client.wait_for``: the next event of a class that concerns given
objects, ``channel=``, ``playback=``...) and watches (``client.watch``: every such event until
the object ends). Which properties hold which objects, and which events end them, comes from
the spec (the generated ``_objects``). They see events whether the stream is run, iterated or
neither, and independently of one another and of the handlers.
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
    Mapping,
    Set,
    Tuple,
    Type,
    TypeVar,
)

from . import _http as _h
from . import _objects, errors
from ._runtime import Model, ValidationError, loads

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
    "Match",
    "Waiter",
    "AsyncWaiter",
    "Watch",
    "AsyncWatch",
    "WatchEnded",
    "SyncWaiting",
    "AsyncWaiting",
]

log = logging.getLogger(__name__)

E = TypeVar("E")
T = TypeVar("T")
R = TypeVar("R")
M = TypeVar("M", bound=Model)

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
    """One websocket message → its typed event (parsed by ``_runtime.loads``: orjson when
    it is installed)."""
    return parse(loads(frame))


def _identity(obj: Any) -> Any:
    """The id (or name) of an object model instance; None for anything else."""
    key = _objects.IDENTITY.get(obj.__class__.__name__)
    return getattr(obj, key, None) if key is not None else None


class Match:
    """What a waiter, a watch or a bound handler wants: events of ``cls`` whose properties
    hold the given objects, for which ``where`` holds.

    ``objects`` maps a property (``channel``, ``playback``, ``peer``: the attribute of the
    event) to an object or its id (name, for a recording). The properties an event class
    has come from the spec (``_objects.OBJECTS``); an unknown one is a ``TypeError`` here,
    before anything waits.
    """

    __slots__ = ("cls", "objects", "where", "targets")

    def __init__(
        self,
        cls: type,
        objects: Mapping[str, Any] | None = None,
        where: Callable[[Any], bool] | None = None,
    ) -> None:
        if not isinstance(cls, type):
            raise TypeError(f"expected an event class, not {cls!r}")
        accepted = _objects.OBJECTS.get(cls.__name__, {})
        pairs: List[Tuple[str, Any]] = []
        targets: Set[Tuple[str, Any]] = set()
        for name, value in (objects or {}).items():
            if name not in accepted:
                known = ", ".join(accepted) or "none"
                raise TypeError(
                    f"{cls.__name__} has no property {name!r} that holds an object "
                    f"(its object properties: {known}); match others with where="
                )
            key = value if isinstance(value, str) else _identity(value)
            if not isinstance(key, str):
                wants = " or ".join(accepted[name])
                raise TypeError(
                    f"{name}= takes a {wants} or its id (a str), not {value!r}"
                )
            pairs.append((name, key))
            targets.update((model, key) for model in accepted[name])
        self.cls = cls
        self.objects: Tuple[Tuple[str, str], ...] = tuple(pairs)
        self.where = where
        self.targets: frozenset[Tuple[str, Any]] = frozenset(targets)
        """The objects (model class name, id) whose end ends a watch."""

    def matches(self, event: Any) -> bool:
        """Is ``event`` of the class, with the objects, and does ``where`` hold?"""
        if not isinstance(event, self.cls):
            return False
        for name, key in self.objects:
            obj = getattr(event, name, None)
            if obj is None or _identity(obj) != key:
                return False
        return self.where is None or bool(self.where(event))

    def ended_by(self, event: Any) -> bool:
        """Does ``event`` end one of the objects (``_objects.ENDS``)?"""
        if not self.targets:
            return False
        for name in _objects.ENDS.get(event.__class__.__name__, ()):
            obj = getattr(event, name, None)
            if (
                obj is not None
                and (obj.__class__.__name__, _identity(obj)) in self.targets
            ):
                return True
        return False

    def __repr__(self) -> str:
        args = [f"{k}={v!r}" for k, v in self.objects]
        if self.where is not None:
            args.append("where=...")
        return f"{self.cls.__name__}({', '.join(args)})"


class _Bound:
    """A handler registered with a filter (objects, ``where``) or to be spawned."""

    __slots__ = ("cls", "handler", "match", "spawn")

    def __init__(
        self,
        cls: type,
        handler: Callable[[Any], Any],
        match: Match | None,
        spawn: bool,
    ) -> None:
        self.cls = cls
        self.handler = handler
        self.match = match
        self.spawn = spawn

    def __call__(self, event: Any) -> Any:
        return self.handler(event)


class Dispatcher:
    """Handlers per event class; an event goes to the handlers of its class and its bases.

    Handlers run in registration order, most specific class first. An exception in a handler
    is logged and the others still run, unless ``raise_errors`` is set.

    It also holds the client's waiters and watches: the event streams ``feed`` it every
    event as it arrives, and tell it when they open and end (``EventStreamClosed`` ends the
    waiters and watches when the last stream has ended).
    """

    def __init__(self, raise_errors: bool = False) -> None:
        self.raise_errors = raise_errors
        self._handlers: Dict[type, List[Callable[[Any], Any]]] = {}
        self._cache: Dict[type, Tuple[Callable[[Any], Any], ...]] = {}
        self._bound: List[_Bound] = []
        self._watchers: List[_Watcher] = []
        self._lock = threading.Lock()
        self._live = 0
        self._tasks: Set[asyncio.Future[Any]] = set()

    def on(
        self,
        cls: Type[E],
        *,
        where: Callable[[E], bool] | None = None,
        spawn: bool = False,
        **objects: Any,
    ) -> Callable[[Callable[[E], R]], Callable[[E], R]]:
        """Decorator: ``@client.on(StasisStart)`` registers a handler of that class.

        With objects (``channel=channel_id``) or ``where``, only matching events reach it,
        and a handler bound to objects is removed when one of them ends (see ``Match``).
        With ``spawn``, each call runs on its own (a thread; an asyncio task on the asyncio
        client), so that the handler may wait for events without holding up the others.
        """
        Match(cls, objects, where)  # a wrong keyword fails here, not at the first event

        def register(handler: Callable[[E], R]) -> Callable[[E], R]:
            self.add(cls, handler, where=where, spawn=spawn, **objects)
            return handler

        return register

    def add(
        self,
        cls: Type[E],
        handler: Callable[[E], Any],
        *,
        where: Callable[[E], bool] | None = None,
        spawn: bool = False,
        **objects: Any,
    ) -> None:
        entry: Callable[[Any], Any] = handler
        if objects or where is not None or spawn:
            match = Match(cls, objects, where) if objects or where is not None else None
            bound = _Bound(cls, handler, match, spawn)
            if match is not None and match.targets:
                self._bound.append(bound)
            entry = bound
        self._handlers.setdefault(cls, []).append(entry)
        self._cache.clear()

    def remove(self, cls: Type[E], handler: Callable[[E], Any]) -> None:
        entries = self._handlers.get(cls, [])
        for entry in entries:
            if entry is handler or (
                isinstance(entry, _Bound) and entry.handler is handler
            ):
                entries.remove(entry)
                if isinstance(entry, _Bound) and entry in self._bound:
                    self._bound.remove(entry)
                break
        else:
            raise ValueError(f"{handler!r} is not a handler of {cls.__name__}")
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
                if isinstance(handler, _Bound):
                    bound = handler
                    if bound.match is not None and not bound.match.matches(event):
                        continue
                    if bound.spawn:
                        threading.Thread(
                            target=self._run_spawned,
                            args=(bound.handler, event),
                            name="ari-handler",
                            daemon=True,
                        ).start()
                        continue
                    handler = bound.handler
                result = handler(event)
                if inspect.isawaitable(result):
                    raise TypeError(
                        f"{handler!r} is async: register it on the AsyncAriClient"
                    )
            except Exception:
                if self.raise_errors:
                    raise
                log.exception("handler %r failed on %s", handler, type(event).__name__)
        if self._bound:
            self._end_bound(event)

    async def dispatch_async(self, event: Any) -> None:
        """Call the handlers of ``event``, awaiting the async ones one after the other
        (a spawned one runs as a task of its own)."""
        for handler in self._cache.get(event.__class__) or self.handlers(
            event.__class__
        ):
            try:
                spawn = False
                if isinstance(handler, _Bound):
                    bound = handler
                    if bound.match is not None and not bound.match.matches(event):
                        continue
                    spawn = bound.spawn
                    handler = bound.handler
                result = handler(event)
                if inspect.isawaitable(result):
                    if spawn:
                        task = asyncio.ensure_future(result)
                        self._tasks.add(task)
                        task.add_done_callback(self._task_done)
                    else:
                        await result
            except Exception:
                if self.raise_errors:
                    raise
                log.exception("handler %r failed on %s", handler, type(event).__name__)
        if self._bound:
            self._end_bound(event)

    def _end_bound(self, event: Any) -> None:
        ended = [
            b for b in self._bound if b.match is not None and b.match.ended_by(event)
        ]
        for bound in ended:
            self._bound.remove(bound)
            entries = self._handlers.get(bound.cls, [])
            if bound in entries:
                entries.remove(bound)
            self._cache.clear()

    @staticmethod
    def _run_spawned(handler: Callable[[Any], Any], event: Any) -> None:
        try:
            if inspect.isawaitable(handler(event)):
                raise TypeError(
                    f"{handler!r} is async: register it on the AsyncAriClient"
                )
        except Exception:
            log.exception("handler %r failed on %s", handler, type(event).__name__)

    def _task_done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a spawned handler failed", exc_info=task.exception())

    async def cancel_spawned(self) -> None:
        """Cancel the handlers still running as tasks (``spawn=True``) and wait for them."""
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if t is not current]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- waiters and watches (fed by the streams' readers) ------------------------------------

    def feed(self, event: Any) -> None:
        """Offer an event to every waiter and watch (the reader calls this as it arrives)."""
        if not self._watchers:
            return
        with self._lock:
            watchers = list(self._watchers)
        done = [w for w in watchers if w._offer(event)]
        if done:
            with self._lock:
                self._watchers = [w for w in self._watchers if w not in done]

    def _watch(self, watcher: _Watcher) -> None:
        with self._lock:
            self._watchers.append(watcher)

    def _unwatch(self, watcher: _Watcher) -> None:
        with self._lock:
            if watcher in self._watchers:
                self._watchers.remove(watcher)

    @property
    def live_streams(self) -> int:
        """How many event streams are running (connecting, open or reconnecting)."""
        return self._live

    def _stream_started(self) -> None:
        with self._lock:
            self._live += 1

    def _stream_ended(self) -> None:
        with self._lock:
            self._live -= 1
            if self._live > 0:
                return
            watchers, self._watchers = self._watchers, []
        for watcher in watchers:
            watcher._stream_closed()


# -- waiting for events -------------------------------------------------------------------------


class WatchEnded(errors.EventStreamClosed):
    """A watch has ended: one of its objects ended (``event`` is the event that ended it), the
    watch was closed, or the last event stream closed (``event`` is None)."""

    def __init__(self, message: str, event: Any = None) -> None:
        super().__init__(message)
        self.event = event


class _Ended:
    __slots__ = ("error",)

    def __init__(self, error: WatchEnded) -> None:
        self.error = error


class _Watcher:
    """A registration with the dispatcher: matching events are put in its queue as they come."""

    _once = False

    def __init__(self, dispatcher: Dispatcher, match: Match) -> None:
        self.match = match
        self._dispatcher = dispatcher
        dispatcher._watch(self)

    def _put(self, item: Any) -> None:
        raise NotImplementedError

    def _offer(self, event: Any) -> bool:
        """Take ``event`` if it matches; True when done (to be unregistered)."""
        try:
            hit = self.match.matches(event)
        except (
            Exception
        ) as exc:  # the where= predicate failed: the waiting side raises it
            self._put(exc)
            return True
        if hit:
            self._put(event)
            if self._once:
                return True
        if not self._once and self.match.ended_by(event):
            self._put(
                _Ended(
                    WatchEnded(
                        f"{self.match!r}: ended by {type(event).__name__}", event
                    )
                )
            )
            return True
        return False

    def _stream_closed(self) -> None:
        self._put(_Ended(WatchEnded(f"{self.match!r}: the event stream is closed")))

    def _timeout(self, timeout: float | None) -> errors.Timeout:
        hint = ""
        if self._dispatcher.live_streams == 0:
            hint = (
                " (no event stream is running: client.events(...).connect() or run())"
            )
        return errors.Timeout(f"no {self.match!r} within {timeout} s{hint}")


class Waiter(_Watcher, Generic[M]):
    """The next event that matches (``client.expect``), registered at once: expect first,
    then do what makes the event happen, then ``wait``, and the event cannot be missed::

        started = client.expect(StasisStart, channel="call-1")
        client.channels.originate(endpoint="PJSIP/alice", app="ivr", channel_id="call-1")
        event = started.wait(timeout=10)

    A ``Timeout``, or the end of the last event stream (``EventStreamClosed``), ends it.
    """

    _once = True

    def __init__(self, dispatcher: Dispatcher, match: Match) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._result: Any = _END
        super().__init__(dispatcher, match)

    def _put(self, item: Any) -> None:
        self._queue.put(item)

    def wait(self, timeout: float | None = None) -> M:
        """The event (at once if it came already); ``Timeout`` after ``timeout`` seconds."""
        if self._result is _END:
            try:
                item = self._queue.get(timeout=timeout)
            except queue.Empty:
                self.cancel()
                raise self._timeout(timeout) from None
            if isinstance(item, _Ended):
                raise errors.EventStreamClosed(str(item.error))
            if isinstance(item, BaseException):
                raise item
            self._result = item
        return self._result  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop waiting (unregister)."""
        self._dispatcher._unwatch(self)

    def __enter__(self) -> Waiter[M]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


class AsyncWaiter(_Watcher, Generic[M]):
    """``Waiter`` of the asyncio client: ``event = await waiter.wait(timeout=10)``."""

    _once = True

    def __init__(self, dispatcher: Dispatcher, match: Match) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._result: Any = _END
        super().__init__(dispatcher, match)

    def _put(self, item: Any) -> None:
        self._queue.put_nowait(item)

    async def wait(self, timeout: float | None = None) -> M:
        """The event (at once if it came already); ``Timeout`` after ``timeout`` seconds."""
        if self._result is _END:
            try:
                item = await asyncio.wait_for(self._queue.get(), timeout)
            except asyncio.TimeoutError:
                self.cancel()
                raise self._timeout(timeout) from None
            if isinstance(item, _Ended):
                raise errors.EventStreamClosed(str(item.error))
            if isinstance(item, BaseException):
                raise item
            self._result = item
        return self._result  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop waiting (unregister)."""
        self._dispatcher._unwatch(self)

    def __enter__(self) -> AsyncWaiter[M]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


class Watch(_Watcher, Generic[M]):
    """Every event that matches, from now until one of its objects ends (``client.watch``)::

        with client.watch(ChannelDtmfReceived, channel=channel_id) as digits:
            for event in digits:          # ends after the channel's StasisEnd
                ...

    The event that ends it is yielded first if it matches too. ``next(timeout)`` raises
    ``Timeout`` (the watch goes on) or ``WatchEnded`` (iteration just stops).
    """

    def __init__(self, dispatcher: Dispatcher, match: Match) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.ended: WatchEnded | None = None
        """Why the watch ended (its ``event`` is the event that ended it), once it has."""
        super().__init__(dispatcher, match)

    def _put(self, item: Any) -> None:
        self._queue.put(item)

    def next(self, timeout: float | None = None) -> M:
        """The next matching event; ``Timeout`` after ``timeout`` seconds, ``WatchEnded`` at the end."""
        if self.ended is not None:
            raise self.ended
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise self._timeout(timeout) from None
        if isinstance(item, _Ended):
            self.ended = item.error
            raise item.error
        if isinstance(item, BaseException):
            raise item
        return item  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[M]:
        return self

    def __next__(self) -> M:
        try:
            return self.next()
        except WatchEnded:
            raise StopIteration from None

    def close(self) -> None:
        """End the watch (unregister); a ``next`` waiting now raises ``WatchEnded``."""
        self._dispatcher._unwatch(self)
        self._put(_Ended(WatchEnded(f"{self.match!r}: closed")))

    def __enter__(self) -> Watch[M]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncWatch(_Watcher, Generic[M]):
    """``Watch`` of the asyncio client: ``async with client.watch(...) as w: async for e in w``."""

    def __init__(self, dispatcher: Dispatcher, match: Match) -> None:
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self.ended: WatchEnded | None = None
        """Why the watch ended (its ``event`` is the event that ended it), once it has."""
        super().__init__(dispatcher, match)

    def _put(self, item: Any) -> None:
        self._queue.put_nowait(item)

    async def next(self, timeout: float | None = None) -> M:
        """The next matching event; ``Timeout`` after ``timeout`` seconds, ``WatchEnded`` at the end."""
        if self.ended is not None:
            raise self.ended
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            raise self._timeout(timeout) from None
        if isinstance(item, _Ended):
            self.ended = item.error
            raise item.error
        if isinstance(item, BaseException):
            raise item
        return item  # type: ignore[no-any-return]

    def __aiter__(self) -> AsyncIterator[M]:
        return self

    async def __anext__(self) -> M:
        try:
            return await self.next()
        except WatchEnded:
            raise StopAsyncIteration from None

    def close(self) -> None:
        """End the watch (unregister); a ``next`` waiting now raises ``WatchEnded``."""
        self._dispatcher._unwatch(self)
        self._put(_Ended(WatchEnded(f"{self.match!r}: closed")))

    async def __aenter__(self) -> AsyncWatch[M]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class SyncWaiting:
    """``expect``, ``wait_for`` and ``watch`` of the sync client, on its ``dispatcher``.

    ``objects`` name the event's properties that hold objects (``channel=``, ``playback=``,
    ``bridge=``, ``recording=``, ``peer=`` ...: ``_objects.OBJECTS`` lists them per class),
    each given an object or its id; ``where`` is any further condition (it runs in the
    events reader: keep it quick).
    """

    dispatcher: Dispatcher

    def expect(
        self,
        cls: Type[M],
        *,
        where: Callable[[M], bool] | None = None,
        **objects: str | Model,
    ) -> Waiter[M]:
        """A ``Waiter`` for the next ``cls`` event with these objects, registered now."""
        return Waiter(self.dispatcher, Match(cls, objects, where))

    def wait_for(
        self,
        cls: Type[M],
        *,
        timeout: float | None = None,
        where: Callable[[M], bool] | None = None,
        **objects: str | Model,
    ) -> M:
        """Wait for the next ``cls`` event with these objects (received from now on):
        ``client.wait_for(PlaybackFinished, playback=playback_id, timeout=30)``.

        ``Timeout`` after ``timeout`` seconds. An event that the call before it makes happen
        may arrive before this call: use ``expect`` then, before that call.
        """
        with self.expect(cls, where=where, **objects) as waiter:
            return waiter.wait(timeout)

    def watch(
        self,
        cls: Type[M],
        *,
        where: Callable[[M], bool] | None = None,
        **objects: str | Model,
    ) -> Watch[M]:
        """Every ``cls`` event with these objects from now on, until one of the objects ends
        (its StasisEnd or ChannelDestroyed, PlaybackFinished, BridgeDestroyed, ...)."""
        return Watch(self.dispatcher, Match(cls, objects, where))


class AsyncWaiting:
    """``expect``, ``wait_for`` and ``watch`` of the asyncio client (see ``SyncWaiting``)."""

    dispatcher: Dispatcher

    def expect(
        self,
        cls: Type[M],
        *,
        where: Callable[[M], bool] | None = None,
        **objects: str | Model,
    ) -> AsyncWaiter[M]:
        """An ``AsyncWaiter`` for the next ``cls`` event with these objects, registered now."""
        return AsyncWaiter(self.dispatcher, Match(cls, objects, where))

    async def wait_for(
        self,
        cls: Type[M],
        *,
        timeout: float | None = None,
        where: Callable[[M], bool] | None = None,
        **objects: str | Model,
    ) -> M:
        """Wait for the next ``cls`` event with these objects (received from now on):
        ``await client.wait_for(PlaybackFinished, playback=playback_id, timeout=30)``.

        ``Timeout`` after ``timeout`` seconds. An event that the call before it makes happen
        may arrive before this call: use ``expect`` then, before that call.
        """
        with self.expect(cls, where=where, **objects) as waiter:
            return await waiter.wait(timeout)

    def watch(
        self,
        cls: Type[M],
        *,
        where: Callable[[M], bool] | None = None,
        **objects: str | Model,
    ) -> AsyncWatch[M]:
        """Every ``cls`` event with these objects from now on, until one of the objects ends."""
        return AsyncWatch(self.dispatcher, Match(cls, objects, where))


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
            data = loads(frame)
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
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
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

        self.dispatcher._stream_started()
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
                            if item.__class__ is not InvalidMessage:
                                self.dispatcher.feed(item)
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
        self.dispatcher._stream_ended()


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

        self.dispatcher._stream_started()
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
                        if item.__class__ is not InvalidMessage:
                            self.dispatcher.feed(item)
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
        self.dispatcher._stream_ended()
