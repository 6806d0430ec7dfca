"""The in-memory Asterisk behind ``testing.StubAri``: state, statuses and events.

What a real Asterisk does with each operation, as measured against one (the integration suite
runs the same tests on both, and the traffic it recorded): the state an operation changes, the
status it answers in each situation (404, 409 "not in Stasis", 400, 422, ...), and the events it
sends, in Asterisk's order, to the applications subscribed to what changed. Nothing here does
I/O: the server (``testing``) routes requests to ``Pbx.handlers`` and delivers what ``Pbx``
emits; time comes from ``Clock``, which a test may drive.

``Pbx`` holds the state and routes the events; the rest is in modules of their own:

- ``_pbx_objects``: requests and answers, ``Clock``, ``Sound``, ``Dialplan``, Asterisk's
  tables, and the objects (``Channel``, ``Bridge``, ``Playback``, ``Recording``, ...);
- ``_pbx_core``: what happens to them whatever sets it off (``pbx.calls``, ``pbx.runner``,
  ``pbx.media``, ``pbx.bridging``);
- one class per ARI resource (or part of one) for the operations, in ``_pbx_channels``
  (channels), ``_pbx_media`` (bridges, playbacks, recordings) and ``_pbx_resources``
  (asterisk, applications, events, device states, mailboxes, sounds, endpoints).
"""

from __future__ import annotations

import itertools
import time
from typing import Any, Callable, Dict, Iterable, List, Sequence, Tuple

from ._pbx_channels import (
    ChannelControl,
    ChannelVariables,
    MediaChannels,
    OutgoingCalls,
)
from ._pbx_core import Bridging, CallControl, DialplanRunner, Media
from ._pbx_media import BridgeVariables, Bridges, Playbacks, Recordings
from ._pbx_objects import (
    CAUSES,
    REMOTE_TECHNOLOGIES,
    App,
    Bridge,
    Channel,
    Clock,
    Dialplan,
    Endpoint,
    Playback,
    Recording,
    Sound,
    Stored,
    StubError,
    StubRequest,
    StubResponse,
    add_reference,
    now,
)
from ._pbx_resources import (
    Applications,
    AsteriskConfig,
    AsteriskInfo,
    AsteriskLogging,
    AsteriskModules,
    DeviceStates,
    Endpoints,
    Events,
    Mailboxes,
    Sounds,
)

__all__ = [
    "CAUSES",
    "Clock",
    "Dialplan",
    "Pbx",
    "Sound",
    "StubError",
    "StubRequest",
    "StubResponse",
    "now",
]

Handler = Callable[[StubRequest], Any]
"""What answers one operation: the request in, a ``StubResponse`` or a JSON value out."""


class Pbx:
    """The whole in-memory Asterisk: see the module's docstring.

    The objects it holds are plain tables (``channels``, ``bridges``, ``playbacks``, ...); the
    parts that change them (``calls``, ``runner``, ``media``, ``bridging``) and the resource
    classes that answer the operations (``resources``) reach them, and each other, through it.
    """

    def __init__(
        self,
        *,
        asterisk_id: str,
        clock: Clock,
        deliver: Callable[[Dict[str, Any], List[str]], None],
        dialplan: Dialplan | None = None,
        sounds: Iterable[Sound] = (Sound("beep", 0.25),),
        technologies: Sequence[str] = REMOTE_TECHNOLOGIES,
        answer_after: float | None = 0.0,
    ) -> None:
        self.asterisk_id = asterisk_id
        self.version = "0.0.0"
        """The Asterisk version ``asterisk/info`` reports."""
        self.clock = clock
        self.deliver = deliver
        self.dialplan = dialplan if dialplan is not None else Dialplan.default()
        self.sounds: Dict[str, Sound] = {s.id: s for s in sounds}
        self.technologies = list(technologies)
        self.answer_after = answer_after
        """Seconds a remote party (PJSIP/alice) takes to answer an originate; None: never."""
        self.channels: Dict[str, Channel] = {}
        self.bridges: Dict[str, Bridge] = {}
        self.playbacks: Dict[str, Playback] = {}
        self.live: Dict[str, Recording] = {}
        self.stored: Dict[str, Stored] = {}
        self.global_vars: Dict[str, str] = {}
        self.device_states: Dict[str, str] = {}
        self.mailboxes: Dict[str, Tuple[int, int]] = {}
        self.apps: Dict[str, App] = {}
        self.dormant: Dict[str, App] = {}  # unregistered, with channels still in them
        self.endpoints: Dict[Tuple[str, str], Endpoint] = {}
        self.messages: List[Dict[str, Any]] = []
        self.started = now()
        self.deferred: List[Callable[[], None]] = []
        self._seq = itertools.count()
        self._ids = itertools.count(int(time.time()))
        self._unique = itertools.count()
        self.calls = CallControl(self)
        self.runner = DialplanRunner(self)
        self.media = Media(self)
        self.bridging = Bridging(self)
        self.resources = (
            AsteriskInfo(self),
            AsteriskModules(self),
            AsteriskLogging(self),
            AsteriskConfig(self),
            Applications(self),
            Events(self),
            DeviceStates(self),
            Mailboxes(self),
            Sounds(self),
            Endpoints(self),
            OutgoingCalls(self),
            ChannelControl(self),
            ChannelVariables(self),
            MediaChannels(self),
            Bridges(self),
            BridgeVariables(self),
            Playbacks(self),
            Recordings(self),
        )

    # -- deferring, events, ids ----------------------------------------------------------------

    def defer(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the current request's response is on its way (after a test's
        action, once the action is done): what Asterisk does after it answered."""
        self.deferred.append(fn)

    def take_deferred(self) -> List[Callable[[], None]]:
        """What the request just handled deferred, taken out: it runs after that request's
        answer is written (``run_deferred(taken)``), whatever other requests do meanwhile.
        """
        taken, self.deferred = self.deferred, []
        return taken

    def run_deferred(self, taken: Iterable[Callable[[], None]] = ()) -> None:
        """Run ``taken`` and what is deferred now, in order (and what that defers in turn)."""
        self.deferred[:0] = list(taken)
        while self.deferred:
            fn = self.deferred.pop(0)
            fn()

    def emit(self, kind: str, apps: Iterable[str], **fields: Any) -> None:
        """Send the event ``kind`` to each of ``apps`` that is registered and whose filter lets
        it through (once each, in order)."""
        targets = []
        for name in dict.fromkeys(apps):
            app = self.apps.get(name)
            if app is not None and app.accepts(kind):
                targets.append(name)
        if targets:
            self.deliver({"type": kind, **fields}, targets)

    def channel_apps(self, *channels: Channel | None) -> List[str]:
        """The applications that get the events of ``channels``."""
        found: List[str] = []
        for chan in channels:
            if chan is None:
                continue
            for app in self.apps.values():
                if app.all_channels or chan.id in app.channels:
                    found.append(app.name)
        return found

    def bridge_apps(self, bridge: Bridge | None) -> List[str]:
        """The applications that get the events of ``bridge``."""
        if bridge is None:
            return []
        return [
            a.name
            for a in self.apps.values()
            if a.all_bridges or bridge.id in a.bridges
        ]

    def target_apps(self, target: Channel | Bridge) -> List[str]:
        """The applications that get the events of a playback or recording on ``target``."""
        if isinstance(target, Channel):
            return self.channel_apps(target)
        return self.bridge_apps(target)

    def unique_id(self) -> str:
        """A new channel id, as Asterisk makes them: ``<seconds>.<count>``."""
        return f"{next(self._ids)}.{next(self._unique)}"

    def counter(self) -> int:
        """The next number of the counter in channel names (``PJSIP/alice-00000001``)."""
        return next(self._seq)

    # -- applications and what they watch ------------------------------------------------------

    def register(self, name: str, subscribe_all: bool) -> App:
        """A websocket for ``name`` is up: the application is registered (again: with the
        channels and bridges it was watching, as Asterisk keeps an application that still
        has channels)."""
        app = self.apps.get(name) or self.dormant.pop(name, None)
        if app is None:
            app = App(name)
        self.apps[name] = app
        if subscribe_all:
            app.all_channels = app.all_bridges = app.all_endpoints = app.all_devices = (
                True
            )
        return app

    def unregister(self, name: str) -> None:
        """The websocket of ``name`` is gone: kept, dormant, while it still has channels."""
        app = self.apps.pop(name, None)
        if app is not None and (app.channels or app.bridges):
            self.dormant[name] = app

    def subscribe_channel(self, app: str | None, chan: Channel, delta: int = 1) -> None:
        """``app`` watches ``chan`` for one more reason (``delta`` -1: one fewer)."""
        found = self.apps.get(app) if app else None
        if found is not None:
            add_reference(found.channels, chan.id, delta)

    def subscribe_bridge(self, app: str | None, bridge: Bridge, delta: int = 1) -> None:
        """``app`` watches ``bridge`` for one more reason (``delta`` -1: one fewer)."""
        found = self.apps.get(app) if app else None
        if found is not None:
            add_reference(found.bridges, bridge.id, delta)

    # -- the operations ------------------------------------------------------------------------

    def handlers(self) -> Dict[str, Handler]:
        """``{"channels.get": handler, ...}``: every operation the stub models.

        A resource class answers ``resource.nickname`` with its method
        ``op_resource__nickname``.
        """
        found: Dict[str, Handler] = {}
        for part in self.resources:
            for attr in dir(part):
                if attr.startswith("op_"):
                    resource, _, nickname = attr[3:].partition("__")
                    found[f"{resource}.{nickname}"] = getattr(part, attr)
        return found

    def find_channel(
        self, r: StubRequest, message: str = "Channel not found"
    ) -> Channel:
        """The channel the request's path names (404 ``message`` if there is none)."""
        chan = self.channels.get(r.path_params.get("channelId", ""))
        if chan is None or chan.gone:
            raise StubError(404, message)
        return chan

    def find_control(
        self, r: StubRequest, message: str = "Channel not found"
    ) -> Channel:
        """The channel, which must be in Stasis (Asterisk's find_control)."""
        chan = self.find_channel(r, message)
        if chan.app is None:
            raise StubError(409, "Channel not in Stasis application")
        return chan

    def find_bridge(self, r: StubRequest, message: str = "Bridge not found") -> Bridge:
        """The bridge the request's path names (404 ``message`` if there is none)."""
        bridge = self.bridges.get(r.path_params.get("bridgeId", ""))
        if bridge is None or bridge.gone:
            raise StubError(404, message)
        return bridge
