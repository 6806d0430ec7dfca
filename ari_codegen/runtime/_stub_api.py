"""The parts of ``testing.StubAri`` a test calls (besides starting it and the far ends):
faults and answers of its own (``Faults``), waiting without polling (``Waiting``), the model
as ARI shows it and what a test adds to it (``ModelAccess``). They share ``StubCore``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any, Callable, Dict, List, Mapping, Tuple

from ._pbx import Handler
from ._pbx_objects import Dialplan, Endpoint, Sound, Stored, now
from ._runtime import Model
from ._spec import ROUTES
from ._stub_server import Fault, StubCore, Waiter

__all__ = ["Faults", "ModelAccess", "Waiting", "event_matches"]


def event_matches(
    event: Mapping[str, Any], kind: str | None, where: Mapping[str, Any]
) -> bool:
    """Is ``event`` a ``kind`` (None: any) with the fields of ``where``? An object field
    (``playback``) compares its id (or name); a callable in ``where`` is a predicate."""
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


class Faults(StubCore):
    """What a test makes the stub do instead of answering as Asterisk: fail, answer late or
    with a handler of its own; send events and frames of its own; break the websockets.
    """

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
        """Fail unless the spec has ``operation``."""
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
            Fault(status, message, 0.0, times)
        )

    def delay(self, operation: str, seconds: float, times: int | None = None) -> None:
        """Answer ``operation`` ``seconds`` (real seconds) late (to provoke client timeouts);
        not ``events.eventWebsocket``, whose upgrade is answered at once."""
        self._known(operation)
        self._faults.setdefault(operation, []).append(Fault(None, "", seconds, times))

    def clear_faults(self) -> None:
        """No more faults: every operation answers as the model does."""
        self._faults.clear()

    # -- the events websocket ------------------------------------------------------------------

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

    def _push(self, data: Dict[str, Any], app: str | None) -> int:
        """``push_event`` in the stub's loop."""
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


class Waiting(StubCore):
    """Waiting without polling: each wait is a check the stub runs again whenever the model
    changes (after a request, a timer, a test's change), from a test's thread or awaited.
    """

    def _waiter(self, check: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        """A future that gets ``check()``'s result once it is true (at once, if it is)."""
        waiter = Waiter(check)

        def add() -> None:
            self._waiters.append(waiter)
            self._changed()

        self._call(add)
        return waiter.done

    def _wait(self, check: Callable[[], Any], timeout: float, what: str) -> Any:
        """Block until ``check()`` is true (from another thread than the stub's)."""
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
        """Await ``check()`` being true."""
        future = asyncio.wrap_future(self._waiter(check))
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"{what} within {timeout} s") from None

    def _event_check(
        self, kind: str | None, app: str | None, since: int, where: Mapping[str, Any]
    ) -> Callable[[], Any]:
        """A check for ``wait_event``: the first matching event sent, or None."""

        def check() -> Any:
            for event in self.sent[since:]:
                if (app is None or event.get("application") == app) and event_matches(
                    event, kind, where
                ):
                    return event
            return None

        return check

    def _channel_check(
        self, channel_id: str, state: str | None, app: str | None
    ) -> Callable[[], Any]:
        """A check for ``wait_channel``: the channel's snapshot once it is as asked, or None."""

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
        """``wait_subscribed``, awaited."""
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
        """``wait_event``, awaited."""
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
        """``wait_channel``, awaited."""
        found = await self._async_wait(
            self._channel_check(channel_id, state, app),
            timeout,
            f"no channel {channel_id!r}",
        )
        return dict(found)


class ModelAccess(StubCore):
    """The model as ARI shows it (snapshots, for tests that look inside), and what a test adds
    to it (sounds, recordings, endpoints) or ends (playbacks, recordings; time moved on).
    """

    @property
    def dialplan(self) -> Dialplan:
        """The extensions the stub runs: add to them before the calls that use them."""
        return self.pbx.dialplan

    @property
    def channels(self) -> Dict[str, Dict[str, Any]]:
        """The channels now, as ARI shows them, by id."""
        return dict(
            self._call(lambda: {c.id: c.snapshot() for c in self.pbx.channels.values()})
        )

    @property
    def channel_vars(self) -> Dict[str, Dict[str, str]]:
        """The variables of each channel now, by channel id."""
        return dict(
            self._call(lambda: {c.id: dict(c.vars) for c in self.pbx.channels.values()})
        )

    @property
    def bridges(self) -> Dict[str, Dict[str, Any]]:
        """The bridges now, as ARI shows them, by id."""
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
        """The global variables now (``asterisk.setGlobalVar``): a copy."""
        return dict(self._call(lambda: dict(self.pbx.global_vars)))

    @property
    def device_states(self) -> Dict[str, str]:
        """The state of each ``Stasis:`` device now, by name: a copy."""
        return dict(self._call(lambda: dict(self.pbx.device_states)))

    @property
    def mailboxes(self) -> Dict[str, Tuple[int, int]]:
        """Mailboxes now: name -> (old messages, new messages); a copy."""
        return dict(self._call(lambda: dict(self.pbx.mailboxes)))

    @property
    def messages(self) -> List[Dict[str, Any]]:
        """Messages sent to endpoints so far (``endpoints.send_message``): a copy."""
        return list(self._call(lambda: list(self.pbx.messages)))

    # -- what a test adds, and time ------------------------------------------------------------

    def add_sound(
        self, sound_id: str, duration: float, *formats: Tuple[str, str]
    ) -> None:
        """A sound ``sound:<sound_id>`` can play, ``duration`` seconds long."""
        sound = Sound(sound_id, duration, tuple(formats) or (("en", "slin"),))

        def add() -> None:
            self.pbx.sounds[sound_id] = sound

        self._call(add)

    def add_recording(self, name: str, content: bytes, format: str = "wav") -> None:
        """Store a recording (what ``recordings.get_stored_file`` downloads)."""
        stored = Stored(name, format, content, max(0, len(content) - 44) / 16000)

        def add() -> None:
            self.pbx.stored[name] = stored

        self._call(add)

    def add_endpoint(
        self, technology: str, resource: str, state: str = "online"
    ) -> None:
        """An endpoint (``PJSIP/alice``): listed, and messages to it are accepted."""
        endpoint = Endpoint(technology, resource, state)

        def add() -> None:
            self.pbx.endpoints[(technology, resource)] = endpoint

        self._call(add)

    def advance(self, seconds: float) -> None:
        """Move the stub's time ``seconds`` forward: playbacks, recordings, waits and timeouts
        due meanwhile end, in order."""
        self._run(lambda: self.clock.advance(seconds))

    def finish_playback(self, playback_id: str, state: str = "done") -> None:
        """End a playback now (``state`` "done" or "failed"), as if its media ended."""

        def finish() -> None:
            playback = self.pbx.playbacks[playback_id]
            if playback.state == "queued":
                self.pbx.media.start_playback(playback)
            if state == "done":
                playback.index = len(playback.media) - 1
            self.pbx.media.playback_finished(playback, state)

        self._run(finish)

    def finish_recording(self, name: str) -> None:
        """End a live recording now, as its maximum duration or silence would."""
        self._run(
            lambda: self.pbx.media.recording_finished(self.pbx.live[name], "done")
        )
