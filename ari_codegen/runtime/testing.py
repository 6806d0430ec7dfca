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

from typing import Any, Dict, List, Mapping, Sequence

from ._pbx_objects import (
    Channel,
    Clock,
    Dialplan,
    Sound,
    StubError,
    StubRequest,
    StubResponse,
)
from ._route import Param, Route
from ._spec import ROUTES
from ._stub_api import Faults, ModelAccess, Waiting
from ._stub_server import HttpServer

# importable from here too, as they were before the stub had modules of its own
from ._pbx import Handler as Handler
from ._pbx_objects import REMOTE_TECHNOLOGIES as REMOTE_TECHNOLOGIES
from ._pbx_objects import now as now
from ._stub_server import BASE_PATH as BASE_PATH
from ._stub_server import DEFAULT_VERSION as DEFAULT_VERSION
from ._stub_server import MAX_APP_NAME as MAX_APP_NAME

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


class Caller:
    """The far end of a channel, driven by the test: what a phone would do. It keeps what it
    got (DTMF, media) after the channel is gone."""

    def __init__(
        self, stub: StubAri, channel_id: str, channel: Channel | None = None
    ) -> None:
        self.stub = stub
        self.id = channel_id
        if channel is None:
            channel = stub._call(lambda: stub.pbx.channels.get(channel_id))
            if channel is None:
                raise KeyError(f"no channel {channel_id!r}")
        self._chan: Channel = channel

    def _channel(self) -> Channel:
        return self._chan

    @property
    def channel(self) -> Dict[str, Any]:
        """The channel as ARI shows it (a snapshot)."""
        return dict(self.stub._call(lambda: self._channel().snapshot()))

    @property
    def state(self) -> str:
        """The channel's state now ("Ring", "Up", ...)."""
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
                delay = i * (duration_ms + 100) / 1000.0
                self.stub.pbx.calls.dtmf_later(chan, digit, duration_ms, delay)

        self.stub._run(press)

    def answer(self) -> None:
        """Answer (an originate to this far end completes)."""

        def answer() -> None:
            chan = self._channel()
            if chan.state != "Up":
                self.stub.pbx.calls.originate_answered(chan)

        self.stub._run(answer)

    def ring(self) -> None:
        """Ring: the channel's state becomes Ringing."""
        self.stub._run(
            lambda: self.stub.pbx.calls.set_state(self._channel(), "Ringing")
        )

    def hangup(self, cause: int = 16) -> None:
        """Hang up, as the phone does (``cause`` 16: normal clearing, 17 busy, ...)."""

        def hangup() -> None:
            chan = self._channel()
            if chan.gone:
                return
            self.stub.pbx.calls.event("ChannelHangupRequest", chan, cause=cause)
            self.stub.pbx.calls.hangup(chan, cause)

        self.stub._run(hangup)


class StubAri(HttpServer, Faults, Waiting, ModelAccess):
    """A stub ARI server on 127.0.0.1; see the module's docstring.

    Its options (keywords): ``username`` and ``password``, the credentials it accepts;
    ``asterisk_version``, what ``asterisk/info`` reports (the spec's newest ``since``);
    ``asterisk_id``; ``port`` (0: any free one); ``dialplan``; ``sounds``; ``time_scale`` (see
    ``Clock``); ``technologies``, those of the far ends a test drives (PJSIP, SIP, ...);
    ``answer_after``, the seconds such a far end takes to answer an originate (None: when the
    test says so).

    It is made of parts sharing one state (``StubCore``): ``HttpServer`` (in ``_stub_server``:
    the server, the events websocket, the request checks), ``Faults``, ``Waiting`` and
    ``ModelAccess`` (in ``_stub_api``); the far ends of calls are here.
    """

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

        def make() -> Channel:
            chan = self._incoming(endpoint, channel_id, caller_id, variables)
            chan.context, chan.exten = context, extension
            pbx = self.pbx
            if app is not None:
                chan.app_name, chan.app_data = "Stasis", ",".join([app, *args])
                pbx.calls.event(
                    "ChannelDialplan",
                    chan,
                    dialplan_app="Stasis",
                    dialplan_app_data=chan.app_data,
                )
                pbx.runner.enter_stasis(chan, app, list(args))
            else:
                pbx.runner.run(chan, context, extension, 1)
            return chan

        chan: Channel = self._run(make)
        return Caller(self, chan.id, chan)

    def _incoming(
        self,
        endpoint: str,
        channel_id: str | None,
        caller_id: str | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Channel:
        """A new channel of an incoming call from ``endpoint``, ringing, in no application."""
        pbx = self.pbx
        if channel_id and channel_id in pbx.channels:
            raise ValueError(f"channel {channel_id!r} exists")
        tech, _, resource = endpoint.partition("/")
        chan = pbx.calls.new_channel(
            tech, resource or "caller", channel_id, state="Ring"
        )
        chan.remote = True
        if caller_id:
            pbx.calls.set_caller(chan, caller_id)
        for name, value in (variables or {}).items():
            chan.vars[name] = value
        return chan

    def caller(self, channel_id: str) -> Caller:
        """The far end of a channel (one the application originated to ``PJSIP/bob``, say)."""
        return Caller(self, channel_id)

    def add_channel(
        self, channel_id: str | None = None, app: str | None = None, **fields: Any
    ) -> Dict[str, Any]:
        """Make a channel exist (an incoming call from ``PJSIP/stub``, ringing) with these
        fields; with ``app``, it enters Stasis(app) as ``call`` does (and, as on Asterisk, is
        hung up if no websocket has that application). Returns its snapshot."""
        if app is not None:
            channel_id = self.call("PJSIP/stub", app=app, channel_id=channel_id).id

        def update() -> Dict[str, Any]:
            if app is None:
                chan = self._incoming("PJSIP/stub", channel_id)
            else:
                found = self.pbx.channels.get(str(channel_id))
                if found is None:
                    raise KeyError(f"no websocket has {app!r}: the channel was hung up")
                chan = found
            for key, value in fields.items():
                setattr(chan, key, value)
            return chan.snapshot()

        return dict(self._run(update))
