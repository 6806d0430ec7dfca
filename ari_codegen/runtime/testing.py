"""``StubAri``: a stub ARI server generated from the same spec, for an application's tests.

Real HTTP and a real events websocket on 127.0.0.1 (an ephemeral port), on stdlib asyncio and
the sans-I/O protocol of ``websockets``, answering as a real Asterisk does::

    async with StubAri() as stub:                  # in the running event loop
        async with stub.async_client() as ari: ...
    with StubAri() as stub:                        # in a thread of its own, for sync tests
        with stub.client() as ari: ...

Every request is checked against the spec first: an unknown path is a 404, an unknown method a
405, an unknown or missing parameter, a value of the wrong type or outside its LIST/RANGE a 400
``{"message": ...}``; wrong credentials a 401. Then an in-memory Asterisk (``_pbx``) answers
every operation of the spec with the statuses, messages and events a real Asterisk gives (the
integration suite runs the same tests against both): channels and both halves of Local
channels, the dialplan that runs them (``Dialplan``: ``Local/wait@default`` answers and waits,
``Local/stasis@default`` puts both halves in ``demo``), bridges, playbacks and live recordings
that finish on their own (``sound:beep`` lasts 0.25 s, ``tone:`` plays until stopped), stored
recordings (WAV files), snoops, external media, variables, device states, mailboxes, sounds,
endpoints, modules, logging, dynamic configuration, applications with their subscriptions and
event filters, user events. REST over the websocket is served too.

Entering ``client.events(app=...)`` registers the application, as on Asterisk once the upgrade
completes: no test needs to poll before it originates.

Time is the stub's own (``Clock``): ``time_scale=1.0`` runs it at real speed, 0.1 ten times as
fast, 0 as fast as the loop goes, None only when the test calls ``advance(seconds)``;
``finish_playback`` and ``finish_recording`` end media at once.

The far end of a call is the test's to drive: ``call()`` makes an incoming call (into the
dialplan or straight into an application), ``caller(channel_id)`` takes the far end of any
channel; a ``Caller`` sends DTMF, answers, hangs up, and records the DTMF and media it got.
``PJSIP/...`` (any technology in ``technologies``) is such a far end, answering an originate
after ``answer_after`` seconds.

Waiting without polling: ``wait_subscribed(app)``, ``wait_event("PlaybackFinished",
playback=id)``, ``wait_channel(id, state="Up")``, and their ``async_`` twins.

Faults: ``fail(operation, status)`` answers an error (``times`` times), ``delay(operation,
seconds)`` answers late, ``handle(operation, handler)`` replaces an answer, ``push_event`` and
``push_frame`` send anything (a malformed frame too), ``drop_websockets`` breaks the events
websockets, ``close_websockets`` closes them cleanly. ``requests`` lists every request received
(with the status answered), ``sent`` every event sent.

``pytest_plugin`` (``pytest_plugins = ["<package>.pytest_plugin"]``) gives fixtures. The
generator's docs (docs/testing.md) have a complete example test of a small IVR.
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
    Sequence,
    Tuple,
)
from urllib.parse import unquote, unquote_plus, urlsplit

from websockets.frames import Frame, Opcode
from websockets.http11 import Request as WsRequest
from websockets.server import ServerProtocol

from . import _http as _h
from . import _spec
from ._pbx import (
    CAUSES,
    REMOTE_TECHNOLOGIES,
    Channel,
    Clock,
    Dialplan,
    Pbx,
    Sound,
    StubError,
    StubRequest,
    StubResponse,
    now,
)
from ._route import Param, Route
from ._runtime import Model
from ._spec import ROUTES

if TYPE_CHECKING:
    from .client import AriClient, AsyncAriClient

__all__ = [
    "Caller",
    "Clock",
    "Dialplan",
    "Param",
    "ROUTES",
    "Route",
    "Sound",
    "StubAri",
    "StubError",
    "StubRequest",
    "StubResponse",
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

Handler = Callable[[StubRequest], Any]


def _error(status: int, message: str) -> StubResponse:
    return StubResponse(status, {"message": message})


@dataclass
class _Fault:
    status: int | None
    message: str
    delay: float
    times: int | None  # None: until cleared


@dataclass
class _Waiter:
    check: Callable[[], Any]
    done: concurrent.futures.Future[Any] = field(
        default_factory=concurrent.futures.Future
    )


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


def _matches(
    event: Mapping[str, Any], kind: str | None, where: Mapping[str, Any]
) -> bool:
    if kind is not None and event.get("type") != kind:
        return False
    for key, expected in where.items():
        value = event.get(key)
        if isinstance(value, dict) and not isinstance(expected, dict):
            value = value.get("id", value.get("name"))
        if callable(expected):
            if not expected(value):
                return False
        elif value != expected:
            return False
    return True


class Caller:
    """The far end of a channel, driven by the test: what a phone would do. It keeps what it
    got (DTMF, media) after the channel is gone."""

    def __init__(self, stub: StubAri, channel_id: str) -> None:
        self.stub = stub
        self.id = channel_id
        chan = stub._call(lambda: stub.pbx.channels.get(channel_id))
        if chan is None:
            raise KeyError(f"no channel {channel_id!r}")
        self._chan: Channel = chan

    def _channel(self) -> Channel:
        return self._chan

    @property
    def channel(self) -> Dict[str, Any]:
        """The channel as ARI shows it (a snapshot)."""
        return dict(self.stub._call(lambda: self._channel().snapshot()))

    @property
    def state(self) -> str:
        return str(self.channel["state"])

    @property
    def dtmf_heard(self) -> List[str]:
        """Digits the application sent to this far end (``channels.send_dtmf``)."""
        return list(self.stub._call(lambda: list(self._channel().dtmf_heard)))

    @property
    def media_heard(self) -> List[str]:
        """Media URIs played to this far end, in order."""
        return list(self.stub._call(lambda: list(self._channel().media_heard)))

    def send_dtmf(self, digits: str, duration_ms: int = 100) -> None:
        """Press keys: a ChannelDtmfReceived per digit, one after the other."""

        def press() -> None:
            chan = self._channel()
            for i, digit in enumerate(digits):
                self.stub.pbx.clock.later(
                    i * (duration_ms + 100) / 1000.0,
                    self.stub.pbx._dtmf_later(chan, digit, duration_ms),
                )

        self.stub._run(press)

    def answer(self) -> None:
        """Answer (an originate to this far end completes)."""

        def answer() -> None:
            chan = self._channel()
            if chan.state != "Up":
                self.stub.pbx.originate_answered(chan)

        self.stub._run(answer)

    def ring(self) -> None:
        self.stub._run(lambda: self.stub.pbx.set_state(self._channel(), "Ringing"))

    def hangup(self, cause: int = 16) -> None:
        """Hang up, as the phone does (``cause`` 16: normal clearing, 17 busy, ...)."""

        def hangup() -> None:
            chan = self._channel()
            self.stub.pbx.ch_event("ChannelHangupRequest", chan, cause=cause)
            self.stub.pbx.hangup(chan, cause)

        self.stub._run(hangup)


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
        dialplan: Dialplan | None = None,
        sounds: Iterable[Sound] = (Sound("beep", 0.25),),
        time_scale: float | None = 1.0,
        technologies: Sequence[str] = REMOTE_TECHNOLOGIES,
        answer_after: float | None = 0.0,
    ) -> None:
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
        self._faults: Dict[str, List[_Fault]] = {}
        self._sockets: List[_Socket] = []
        self._owner: Dict[str, _Socket] = {}  # application -> the websocket that has it
        self._waiters: List[_Waiter] = []
        self._server: asyncio.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._handlers: Dict[str, Handler] = self.pbx.handlers()

    # -- the model, for tests that look inside -----------------------------------------------------

    @property
    def dialplan(self) -> Dialplan:
        return self.pbx.dialplan

    @property
    def channels(self) -> Dict[str, Dict[str, Any]]:
        """The channels now, as ARI shows them, by id."""
        return dict(
            self._call(lambda: {c.id: c.snapshot() for c in self.pbx.channels.values()})
        )

    @property
    def channel_vars(self) -> Dict[str, Dict[str, str]]:
        return dict(
            self._call(lambda: {c.id: dict(c.vars) for c in self.pbx.channels.values()})
        )

    @property
    def bridges(self) -> Dict[str, Dict[str, Any]]:
        return dict(
            self._call(lambda: {b.id: b.snapshot() for b in self.pbx.bridges.values()})
        )

    @property
    def playbacks(self) -> Dict[str, Dict[str, Any]]:
        """The playbacks now (queued, playing, paused), as ARI shows them, by id."""
        return dict(
            self._call(
                lambda: {p.id: p.snapshot() for p in self.pbx.playbacks.values()}
            )
        )

    @property
    def recordings(self) -> Dict[str, Dict[str, Any]]:
        """The stored recordings, by name."""
        return dict(
            self._call(lambda: {n: r.snapshot() for n, r in self.pbx.stored.items()})
        )

    @property
    def global_vars(self) -> Dict[str, str]:
        return self.pbx.global_vars

    @property
    def device_states(self) -> Dict[str, str]:
        return self.pbx.device_states

    @property
    def mailboxes(self) -> Dict[str, Tuple[int, int]]:
        return self.pbx.mailboxes

    @property
    def messages(self) -> List[Dict[str, Any]]:
        """Messages sent to endpoints (``endpoints.send_message``)."""
        return self.pbx.messages

    # -- running ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL to give a client: ``http://127.0.0.1:PORT/ari``."""
        return f"http://127.0.0.1:{self.port}{BASE_PATH}"

    async def start(self) -> StubAri:
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.clock.start(self._loop)
        return self

    async def stop(self) -> None:
        self.clock.stop()
        for sock in list(self._sockets):
            sock.writer.transport.abort()
        self._sockets.clear()
        self._owner.clear()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for waiter in self._waiters:
            if not waiter.done.done():
                waiter.done.set_exception(RuntimeError("the stub stopped"))
        self._waiters.clear()

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

    def _in_loop(self) -> bool:
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

    # -- the API for tests: answers and faults ----------------------------------------------------

    def handle(self, operation: str, handler: Handler) -> None:
        """Answer ``operation`` ("channels.get") with ``handler(request)``.

        The handler returns a ``StubResponse``, a ``(status, body)`` pair, or a JSON value (200),
        or raises ``StubError``. The request has passed the spec checks.
        """
        self._known(operation)
        self._overrides[operation] = handler

    def unhandle(self, operation: str) -> None:
        """Back to the model's answer of ``operation``."""
        self._overrides.pop(operation, None)

    @staticmethod
    def _known(operation: str) -> None:
        if not any(r.operation == operation for r in ROUTES):
            raise KeyError(f"no operation {operation!r} in the spec")

    def fail(
        self,
        operation: str,
        status: int = 500,
        message: str = "Internal Server Error",
        times: int | None = 1,
    ) -> None:
        """Answer the next ``times`` requests of ``operation`` (None: every one, until
        ``clear_faults``) with ``status`` and ``{"message": message}``; for the events
        websocket, refuse the upgrade."""
        self._known(operation)
        self._faults.setdefault(operation, []).append(
            _Fault(status, message, 0.0, times)
        )

    def delay(self, operation: str, seconds: float, times: int | None = None) -> None:
        """Answer ``operation`` ``seconds`` (real seconds) late (to provoke client timeouts)."""
        self._known(operation)
        self._faults.setdefault(operation, []).append(_Fault(None, "", seconds, times))

    def clear_faults(self) -> None:
        self._faults.clear()

    def _fault(self, operation: str) -> _Fault | None:
        faults = self._faults.get(operation)
        if not faults:
            return None
        fault = faults[0]
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
        return fault

    # -- the API for tests: the events websocket --------------------------------------------------

    def push_event(
        self, event: Mapping[str, Any] | Model, app: str | None = None
    ) -> int:
        """Send an event to the websockets subscribed to ``app`` (default: its ``application``,
        else every websocket). ``timestamp``, ``asterisk_id`` and ``application`` are filled in
        when missing. Returns how many websockets got it.
        """
        data = event.to_dict() if isinstance(event, Model) else dict(event)
        return int(self._run(lambda: self._push(data, app)))

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
            for sock in list(self._sockets):
                sock.writer.transport.abort()
                self._forget(sock)
            return count

        return int(self._run(drop))

    def close_websockets(self, code: int = 1000, reason: str = "") -> int:
        """Close every events websocket cleanly with ``code`` (1000 ends a client's iteration)."""

        def close() -> int:
            count = len(self._sockets)
            for sock in list(self._sockets):
                sock.protocol.send_close(code, reason)
                sock.flush()
                self._forget(sock)
            return count

        return int(self._run(close))

    def subscribed(self, app: str) -> bool:
        """Is a websocket subscribed to ``app`` right now?"""
        return bool(self._call(lambda: app in self._owner))

    # -- the API for tests: the far ends, time, media ---------------------------------------------

    def call(
        self,
        endpoint: str = "PJSIP/caller",
        *,
        app: str | None = None,
        args: Sequence[str] = (),
        context: str = "default",
        extension: str = "s",
        caller_id: str | None = None,
        channel_id: str | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Caller:
        """An incoming call from ``endpoint``: its channel runs the dialplan at
        ``extension@context``, or with ``app`` goes straight into ``Stasis(app, args)`` (state
        Ring, as a call that has not been answered yet). Returns its far end, the caller.
        """

        def make() -> str:
            pbx = self.pbx
            if channel_id and channel_id in pbx.channels:
                raise ValueError(f"channel {channel_id!r} exists")
            tech, _, resource = endpoint.partition("/")
            chan = pbx.new_channel(tech, resource or "caller", channel_id, state="Ring")
            chan.remote = True
            chan.context, chan.exten = context, extension
            if caller_id:
                pbx.set_caller(chan, caller_id)
            for name, value in (variables or {}).items():
                chan.vars[name] = value
            if app is not None:
                chan.app_name, chan.app_data = "Stasis", ",".join([app, *args])
                pbx.ch_event(
                    "ChannelDialplan",
                    chan,
                    dialplan_app="Stasis",
                    dialplan_app_data=chan.app_data,
                )
                pbx.enter_stasis(chan, app, list(args))
            else:
                pbx.run_dialplan(chan, context, extension, 1)
            return chan.id

        return Caller(self, str(self._run(make)))

    def caller(self, channel_id: str) -> Caller:
        """The far end of a channel (one the application originated to ``PJSIP/bob``, say)."""
        return Caller(self, channel_id)

    def add_channel(
        self, channel_id: str | None = None, app: str | None = None, **fields: Any
    ) -> Dict[str, Any]:
        """Make a channel exist (as an incoming call would); with ``app``, it enters Stasis."""
        caller = self.call("PJSIP/stub", app=app, channel_id=channel_id)

        def update() -> Dict[str, Any]:
            chan = self.pbx.channels[caller.id]
            for key, value in fields.items():
                setattr(chan, key, value)
            return chan.snapshot()

        return dict(self._call(update))

    def add_sound(
        self, sound_id: str, duration: float, *formats: Tuple[str, str]
    ) -> None:
        """A sound ``sound:<sound_id>`` can play, ``duration`` seconds long."""
        self.pbx.sounds[sound_id] = Sound(
            sound_id, duration, tuple(formats) or (("en", "slin"),)
        )

    def add_recording(self, name: str, content: bytes, format: str = "wav") -> None:
        """Store a recording (what ``recordings.get_stored_file`` downloads)."""
        from ._pbx import Stored

        self.pbx.stored[name] = Stored(
            name, format, content, max(0, len(content) - 44) / 16000
        )

    def add_endpoint(
        self, technology: str, resource: str, state: str = "online"
    ) -> None:
        """An endpoint (``PJSIP/alice``): listed, and messages to it are accepted."""
        from ._pbx import Endpoint

        self.pbx.endpoints[(technology, resource)] = Endpoint(
            technology, resource, state
        )

    def advance(self, seconds: float) -> None:
        """Move the stub's time ``seconds`` forward: playbacks, recordings, waits and timeouts
        due meanwhile end, in order."""
        self._run(lambda: self.clock.advance(seconds))

    def finish_playback(self, playback_id: str, state: str = "done") -> None:
        """End a playback now (``state`` "done" or "failed"), as if its media ended."""

        def finish() -> None:
            playback = self.pbx.playbacks[playback_id]
            if playback.state == "queued":
                self.pbx._play_current(playback)
            if state == "done":
                playback.index = len(playback.media) - 1
            self.pbx.playback_finished(playback, state)

        self._run(finish)

    def finish_recording(self, name: str) -> None:
        """End a live recording now, as its maximum duration or silence would."""
        self._run(lambda: self.pbx.recording_finished(self.pbx.live[name], "done"))

    # -- waiting without polling -----------------------------------------------------------------

    def _changed(self) -> None:
        for waiter in list(self._waiters):
            if waiter.done.done():
                self._waiters.remove(waiter)
                continue
            try:
                found = waiter.check()
            except Exception as exc:  # a broken predicate: hand it to the test
                waiter.done.set_exception(exc)
                self._waiters.remove(waiter)
                continue
            if found is not None and found is not False:
                waiter.done.set_result(found)
                self._waiters.remove(waiter)

    def _waiter(self, check: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        waiter = _Waiter(check)

        def add() -> None:
            self._waiters.append(waiter)
            self._changed()

        self._call(add)
        return waiter.done

    def _wait(self, check: Callable[[], Any], timeout: float, what: str) -> Any:
        if self._in_loop():
            raise RuntimeError(
                f"use await stub.async_wait_... in the stub's own loop ({what})"
            )
        future = self._waiter(check)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"{what} within {timeout} s") from None

    async def _async_wait(
        self, check: Callable[[], Any], timeout: float, what: str
    ) -> Any:
        future = asyncio.wrap_future(self._waiter(check))
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"{what} within {timeout} s") from None

    def _event_check(
        self, kind: str | None, app: str | None, since: int, where: Mapping[str, Any]
    ) -> Callable[[], Any]:
        def check() -> Any:
            for event in self.sent[since:]:
                if (app is None or event.get("application") == app) and _matches(
                    event, kind, where
                ):
                    return event
            return None

        return check

    def _channel_check(
        self, channel_id: str, state: str | None, app: str | None
    ) -> Callable[[], Any]:
        def check() -> Any:
            chan = self.pbx.channels.get(channel_id)
            if chan is None or chan.gone:
                return None
            if state is not None and chan.state != state:
                return None
            if app is not None and chan.app != app:
                return None
            return chan.snapshot()

        return check

    def mark(self) -> int:
        """How many events were sent so far: ``since=`` for waits that want only newer ones."""
        return int(self._call(lambda: len(self.sent)))

    def wait_subscribed(self, app: str, timeout: float = 10.0) -> None:
        """Return once a websocket has ``app`` (at once if one has)."""
        self._wait(lambda: app in self._owner, timeout, f"no websocket for {app!r}")

    def wait_event(
        self,
        kind: str | None = None,
        *,
        app: str | None = None,
        since: int = 0,
        timeout: float = 10.0,
        **where: Any,
    ) -> Dict[str, Any]:
        """The first event sent (from ``since``, an index in ``sent``) that is a ``kind`` and
        matches ``where`` (``playback="id"`` compares the id of the object held); waits for it.
        """
        found = self._wait(
            self._event_check(kind, app, since, where),
            timeout,
            f"no {kind or 'event'} {where}",
        )
        return dict(found)

    def wait_channel(
        self,
        channel_id: str,
        state: str | None = None,
        app: str | None = None,
        timeout: float = 10.0,
    ) -> Dict[str, Any]:
        """The channel once it exists (in ``state``, in Stasis in ``app``): its snapshot."""
        found = self._wait(
            self._channel_check(channel_id, state, app),
            timeout,
            f"no channel {channel_id!r}",
        )
        return dict(found)

    async def async_wait_subscribed(self, app: str, timeout: float = 10.0) -> None:
        await self._async_wait(
            lambda: app in self._owner, timeout, f"no websocket for {app!r}"
        )

    async def async_wait_event(
        self,
        kind: str | None = None,
        *,
        app: str | None = None,
        since: int = 0,
        timeout: float = 10.0,
        **where: Any,
    ) -> Dict[str, Any]:
        found = await self._async_wait(
            self._event_check(kind, app, since, where),
            timeout,
            f"no {kind or 'event'} {where}",
        )
        return dict(found)

    async def async_wait_channel(
        self,
        channel_id: str,
        state: str | None = None,
        app: str | None = None,
        timeout: float = 10.0,
    ) -> Dict[str, Any]:
        found = await self._async_wait(
            self._channel_check(channel_id, state, app),
            timeout,
            f"no channel {channel_id!r}",
        )
        return dict(found)

    # -- delivering events ------------------------------------------------------------------------

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
                except Exception:  # a socket that broke meanwhile
                    self._forget(sock)

    def _forget(self, sock: _Socket) -> None:
        if sock in self._sockets:
            self._sockets.remove(sock)
        for app in list(sock.apps):
            if self._owner.get(app) is sock:
                del self._owner[app]
                self.pbx.unregister(app)

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
                response, delay = self._dispatch(method, target, body, headers)
                if delay:
                    await asyncio.sleep(delay)
                self._write(writer, response)
                await writer.drain()
                self.pbx.run_deferred()
                self._changed()
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
    ) -> Tuple[StubResponse, float]:
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
                return _error(400, "Error parsing request body"), 0.0
            request.body = decoded
        if not over_websocket and not self._authorized(headers, query):
            return _error(401, "Authentication required"), 0.0
        route, path_params, status = self._route(method, path)
        if route is None:
            return (
                _error(
                    status, "Invalid method" if status == 405 else "Resource not found"
                ),
                0.0,
            )
        request.operation = route.operation
        request.path_params = path_params
        problem = self._check(route, request)
        if problem:
            return _error(400, problem), 0.0
        fault = self._fault(route.operation)
        delay = fault.delay if fault is not None else 0.0
        if fault is not None and fault.status is not None:
            return _error(fault.status, fault.message), delay
        handler = self._overrides.get(route.operation) or self._handlers.get(
            route.operation
        )
        if handler is None:
            return (
                _error(
                    501,
                    f"StubAri does not implement {route.operation}; use stub.handle()",
                ),
                delay,
            )
        try:
            result = handler(request)
        except StubError as exc:
            self.pbx.deferred.clear()
            return _error(exc.status, exc.message), delay
        except Exception as exc:  # a broken handler is a 500, as a crashing server
            self.pbx.deferred.clear()
            return _error(500, f"{type(exc).__name__}: {exc}"), delay
        if isinstance(result, StubResponse):
            return result, delay
        if isinstance(result, tuple) and len(result) == 2:
            return StubResponse(result[0], result[1]), delay
        return StubResponse(200 if result is not None else 204, result), delay

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
        sock = _Socket(protocol, writer, apps, subscribe_all)
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
            self.sent.append(event)
            sock.send(event)
            count += 1
        return count
