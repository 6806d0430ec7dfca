"""The channels resource (``/channels``) of the in-memory Asterisk, in four parts: outgoing
calls, control of a channel in Stasis, channel variables, and the channels that carry media
(snoop, external media). Playing and recording on a channel are with the playbacks and
recordings (``_pbx_media``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Tuple

from ._pbx_objects import (
    FORMATS,
    REASONS,
    Channel,
    StubError,
    StubRequest,
    comma_list,
    split_args,
    variables_of,
)

if TYPE_CHECKING:
    from ._pbx import Pbx

__all__ = ["ChannelControl", "ChannelVariables", "MediaChannels", "OutgoingCalls"]


class OutgoingCalls:
    """``channels.originate``, ``create`` and ``dial``: the calls the application makes. The
    channel (both halves for Local) exists at once; the far end is called once the request is
    answered, then rings and answers (or not, until the timeout)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def _check_originate(self, r: StubRequest, create: bool = False) -> Tuple[str, str]:
        """The checks of an originate (or a create), in Asterisk's order: (tech, resource)."""
        p = r.params
        endpoint = str(p.get("endpoint") or "")
        if not endpoint:
            raise StubError(400, "Endpoint must be specified")
        tech, slash, resource = endpoint.partition("/")
        if not slash or not resource:
            raise StubError(400, "Invalid endpoint specified")
        if not create and not p.get("app") and not p.get("extension"):
            raise StubError(400, "Application or extension must be specified")
        for fmt in comma_list(p.get("formats")):
            if fmt not in FORMATS:
                raise StubError(400, f"Provided format ({fmt}) was not found")
        originator = p.get("originator")
        if originator and originator not in self.pbx.channels:
            raise StubError(400, "Provided originator channel was not found")
        for key in ("channelId", "otherChannelId"):
            cid = r.path_params.get(key) or p.get(key)
            if cid and cid in self.pbx.channels:
                raise StubError(409, "Channel with given unique ID already exists")
        if (
            tech != "Local"
            and tech not in self.pbx.technologies
            and tech != "UnicastRTP"
        ):
            raise StubError(500, "Allocation failed")
        label = p.get("label")
        if label:
            context = p.get("context") or "default"
            steps = self.pbx.dialplan.steps(context, p.get("extension") or "s")
            if not any(s.label == label for s in steps):
                raise StubError(404, "Requested label can not be found")
        return tech, resource

    def _make_call(self, r: StubRequest, tech: str, resource: str) -> Channel:
        """The channel(s) of an originate or a create: ;1 (returned) and, for Local, ;2."""
        p = r.params
        cid = r.path_params.get("channelId") or p.get("channelId")
        other = p.get("otherChannelId")
        number = self.pbx.counter()
        chan = self.pbx.calls.new_channel(
            tech, resource, cid, half=1 if tech == "Local" else 0, number=number
        )
        chan.dialstring = resource
        if tech == "Local":
            exten, _, context = resource.split("/")[0].partition("@")
            chan.context, chan.exten = context or "default", exten
            half = self.pbx.calls.new_channel(
                tech,
                resource,
                other or f"{chan.id};2",
                half=2,
                state="Ring",
                number=number,
            )
            half.context, half.exten = chan.context, chan.exten
            chan.peer, half.peer = half, chan
        elif tech == "UnicastRTP":
            host, _, port = resource.split("/")[0].rpartition(":")
            chan.rtp = (host or "127.0.0.1", int(port) if port.isdigit() else 0)
        else:
            chan.remote = True
            key = (tech, resource.split("/")[0].split("@")[0])
            if key in self.pbx.endpoints:
                self.pbx.endpoints[key].channel_ids.append(chan.id)
        chan.app_name, chan.app_data = "AppDial2", "(Outgoing Line)"
        caller = p.get("callerId")
        if caller:
            self.pbx.calls.set_caller(chan, caller)
            chan.connected = dict(chan.caller)
        for name, value, _ in variables_of(p.get("variables")):
            if name.startswith("CALLERID("):
                self.pbx.calls.set_callerid(chan, name, value, quiet=True)
            else:
                chan.vars[name] = value
        return chan

    def op_channels__originate(self, r: StubRequest) -> Dict[str, Any]:
        tech, resource = self._check_originate(r)
        p = r.params
        chan = self._make_call(r, tech, resource)
        app = p.get("app")
        if app:
            chan.pending_app, chan.pending_args = app, split_args(
                p.get("appArgs") or ""
            )
            self.pbx.subscribe_channel(app, chan)
            if chan.peer is not None:
                self.pbx.subscribe_channel(app, chan.peer)
        else:
            chan.after_answer = (
                p.get("context") or "default",
                p.get("extension") or "s",
                int(p.get("priority") or 1),
            )
        timeout = p.get("timeout")
        timeout = 30 if timeout is None else int(timeout)
        variables = variables_of(p.get("variables"))
        caller = p.get("callerId")
        self.pbx.defer(lambda: self._dial_out(chan, variables, caller, timeout))
        return chan.snapshot()

    op_channels__originateWithId = op_channels__originate

    def _dial_out(
        self,
        chan: Channel,
        variables: List[Tuple[str, str, bool]],
        caller: str | None,
        timeout: int,
    ) -> None:
        """After the originate answered: the far end is called, rings, answers (or not)."""
        if chan.gone:
            return
        far = chan.peer
        if far is not None:
            for name, value, report in variables:
                if name.startswith("CALLERID("):
                    continue
                self.pbx.calls.set_var(far, name, value, report)
                if report and name not in chan.reported:
                    chan.reported.append(name)
            if caller:
                self.pbx.calls.set_caller(far, caller)
                far.connected = dict(far.caller)
                self.pbx.calls.event(
                    "ChannelCallerId",
                    far,
                    caller_presentation=0,
                    caller_presentation_txt="Presentation Allowed, Not Screened",
                )
                self.pbx.calls.event("ChannelConnectedLine", far)
        self.pbx.calls.dial_event(chan, "")
        if timeout > 0:
            chan.timer = self.pbx.clock.later(timeout, lambda: self._no_answer(chan))
        if far is not None:
            self.pbx.runner.run(far, far.context, far.exten, 1)
        elif chan.rtp is not None:
            self.pbx.calls.originate_answered(chan)
        elif chan.remote and self.pbx.answer_after is not None:
            self.pbx.clock.later(
                self.pbx.answer_after, lambda: self._remote_answer(chan)
            )

    def _remote_answer(self, chan: Channel) -> None:
        """A remote far end answers, after ``answer_after`` seconds."""
        if not chan.gone and chan.state != "Up":
            self.pbx.calls.originate_answered(chan)

    def _no_answer(self, chan: Channel) -> None:
        """The originate timed out: the channel hangs up (no answer)."""
        chan.timer = None
        if not chan.gone and chan.state != "Up":
            self.pbx.calls.hangup(chan, 19)

    def op_channels__create(self, r: StubRequest) -> Dict[str, Any]:
        tech, resource = self._check_originate(r, create=True)
        chan = self._make_call(r, tech, resource)
        chan.created = True
        app = r.params.get("app") or ""
        args = split_args(r.params.get("appArgs") or "")
        self.pbx.subscribe_channel(app, chan)
        snapshot = chan.snapshot()

        def start() -> None:
            chan.app_name, chan.app_data = "Stasis", app
            self.pbx.calls.event(
                "ChannelDialplan", chan, dialplan_app="Stasis", dialplan_app_data=app
            )
            self.pbx.runner.enter_stasis(chan, app, args)

        self.pbx.defer(start)
        return snapshot

    def op_channels__dial(self, r: StubRequest) -> None:
        chan = self.pbx.find_control(r)
        if not chan.created or chan.state != "Down" or chan.dialstring == "":
            raise StubError(409, "Channel is not in the 'Down' state")
        chan.created = False
        timeout = int(r.params.get("timeout") or 0)

        def dial() -> None:
            self.pbx.calls.dial_event(chan, "")
            far = chan.peer
            if far is not None:
                self.pbx.runner.run(far, far.context, far.exten, 1)
                if far.state == "Up":
                    return
            if timeout > 0:
                chan.timer = self.pbx.clock.later(
                    timeout, lambda: self._no_answer(chan)
                )
            if chan.remote and self.pbx.answer_after is not None:
                self.pbx.clock.later(
                    self.pbx.answer_after, lambda: self._remote_answer(chan)
                )

        self.pbx.defer(dial)


class ChannelControl:
    """The operations on one channel in Stasis (``channels/{channelId}/...``): answer,
    ring, hold, mute, MOH, silence, DTMF, hangup, continue, move, redirect; list and get.
    """

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_channels__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [c.snapshot() for c in self.pbx.channels.values() if not c.gone]

    def op_channels__get(self, r: StubRequest) -> Dict[str, Any]:
        return self.pbx.find_channel(r).snapshot()

    def op_channels__hangup(self, r: StubRequest) -> None:
        reason, code = r.params.get("reason"), r.params.get("reason_code")
        if reason and code:
            raise StubError(400, "The reason and reason_code can't both be specified")
        if reason and reason not in REASONS:
            raise StubError(400, "Invalid reason for hangup reason provided")
        chan = self.pbx.find_channel(r)
        cause = (
            REASONS[reason]
            if reason
            else (int(code) if code and str(code).isdigit() else 16)
        )
        self.pbx.defer(lambda: self.pbx.calls.hangup(chan, cause, soft=True))

    def op_channels__answer(self, r: StubRequest) -> None:
        chan = self.pbx.find_control(r)
        if chan.created:
            raise StubError(412, "Channel in invalid state")
        self.pbx.defer(lambda: self.pbx.calls.answer(chan))

    def op_channels__ring(self, r: StubRequest) -> None:
        chan = self.pbx.find_control(r)
        peer = chan.peer
        if peer is not None and chan.half == 2 and peer.state not in ("Up", "Ringing"):

            def ring() -> None:
                self.pbx.calls.set_state(peer, "Ringing")
                self.pbx.calls.dial_event(peer, "RINGING")

            self.pbx.defer(ring)

    def op_channels__ringStop(self, r: StubRequest) -> None:
        self.pbx.find_control(r)

    def op_channels__progress(self, r: StubRequest) -> None:
        chan = self.pbx.find_control(r)
        peer = chan.peer
        if peer is not None and chan.half == 2 and peer.state != "Up":
            self.pbx.defer(lambda: self.pbx.calls.dial_event(peer, "PROGRESS"))

    def _direction(self, r: StubRequest) -> str:
        """The ``direction`` of a mute or unmute (400 unless both, in or out)."""
        direction = r.params.get("direction")
        if not direction:
            raise StubError(400, "Direction is required")
        if direction not in ("both", "in", "out"):
            raise StubError(400, "Invalid direction specified")
        return str(direction)

    def op_channels__mute(self, r: StubRequest) -> None:
        direction = self._direction(r)
        self.pbx.find_control(r).muted.update(
            ("in", "out") if direction == "both" else (direction,)
        )

    def op_channels__unmute(self, r: StubRequest) -> None:
        direction = self._direction(r)
        self.pbx.find_control(r).muted.difference_update(
            ("in", "out") if direction == "both" else (direction,)
        )

    def op_channels__hold(self, r: StubRequest) -> None:
        self.pbx.find_control(r).held = True

    def op_channels__unhold(self, r: StubRequest) -> None:
        self.pbx.find_control(r).held = False

    def op_channels__startMoh(self, r: StubRequest) -> None:
        self.pbx.find_control(r).moh = True

    def op_channels__stopMoh(self, r: StubRequest) -> None:
        self.pbx.find_control(r).moh = False

    def op_channels__startSilence(self, r: StubRequest) -> None:
        self.pbx.find_control(r).silence = True

    def op_channels__stopSilence(self, r: StubRequest) -> None:
        self.pbx.find_control(r).silence = False

    def op_channels__transfer_progress(self, r: StubRequest) -> None:
        chan = self.pbx.find_control(r)
        states = (
            "channel_progress",
            "channel_answered",
            "channel_unavailable",
            "channel_declined",
        )
        if r.params.get("states") not in states:
            raise StubError(400, "Invalid states value")
        del chan

    def op_channels__sendDTMF(self, r: StubRequest) -> None:
        digits = r.params.get("dtmf") or ""
        if not digits:
            raise StubError(400, "DTMF is required")
        chan = self.pbx.find_control(r)
        p = r.params
        before, between = int(p.get("before") or 0), int(p.get("between") or 100)
        duration = int(p.get("duration") or 100)
        self.pbx.defer(
            lambda: self.pbx.calls.send_dtmf(
                chan, str(digits), before, between, duration
            )
        )

    def op_channels__continueInDialplan(self, r: StubRequest) -> None:
        chan = self.pbx.find_control(r)
        p = r.params
        context = p.get("context") or chan.context
        exten = p.get("extension") or chan.exten
        priority = int(p.get("priority") or 0)
        label = p.get("label")
        if label:
            steps = self.pbx.dialplan.steps(context, exten)
            found = [s for s in steps if s.label == label]
            if not found:
                raise StubError(404, "Requested label can not be found")
            priority = found[0].priority
        if not priority:
            priority = chan.priority + 1 if not p.get("extension") else 1

        def go() -> None:
            self.pbx.runner.leave_stasis(chan)
            self.pbx.runner.run(chan, context, exten, priority)

        self.pbx.defer(go)

    def op_channels__move(self, r: StubRequest) -> None:
        chan = self.pbx.find_control(r)
        app = str(r.params.get("app") or "")
        args = split_args(r.params.get("appArgs") or "")

        def move() -> None:
            if app not in self.pbx.apps:
                self.pbx.emit(
                    "ApplicationMoveFailed",
                    [chan.app or ""],
                    channel=chan.snapshot(),
                    destination=app,
                    args=args,
                )
                return
            old = chan.app
            chan.app = None
            self.pbx.emit("StasisEnd", [old or ""], channel=chan.snapshot())
            self.pbx.subscribe_channel(old, chan, -1)
            chan.app, chan.app_args = app, args
            chan.app_data = ",".join([app, *args])
            self.pbx.subscribe_channel(app, chan)
            self.pbx.emit("StasisStart", [app], args=args, channel=chan.snapshot())

        self.pbx.defer(move)

    def op_channels__redirect(self, r: StubRequest) -> None:
        endpoint = str(r.params.get("endpoint") or "")
        if not endpoint:
            raise StubError(400, "Required parameter 'endpoint' not provided.")
        chan = self.pbx.find_control(r)
        tech = endpoint.partition("/")[0]
        if tech.lower() != chan.tech.lower():
            raise StubError(
                422,
                f"Endpoint technology '{tech}' does not match channel technology '{chan.tech}'",
            )

    def op_channels__rtpstatistics(self, r: StubRequest) -> Dict[str, Any]:
        chan = self.pbx.find_channel(r)
        if chan.tech == "UnicastRTP":
            raise StubError(404, "RTP info not found")
        raise StubError(403, "Unsupported channel type")


class ChannelVariables:
    """``channels.getChannelVar``, ``setChannelVar`` and their bulk twins: channel variables
    and the functions a read understands (``CHANNEL(...)``, ``CALLERID(...)``)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def _read_var(self, chan: Channel, name: str) -> str | None:
        """A variable of ``chan``, or a function Asterisk computes; None if unset."""
        functions = {
            "CHANNEL(state)": chan.state,
            "CHANNEL(name)": chan.name,
            "CHANNEL(language)": chan.language,
            "CHANNEL(uniqueid)": chan.id,
            "CALLERID(name)": chan.caller["name"],
            "CALLERID(num)": chan.caller["number"],
            "CALLERID(all)": f'"{chan.caller["name"]}" <{chan.caller["number"]}>',
        }
        if name in functions:
            return functions[name]
        return chan.vars.get(name)

    def op_channels__getChannelVar(self, r: StubRequest) -> Dict[str, str]:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        chan = self.pbx.find_channel(r, "Provided channel was not found")
        value = self._read_var(chan, name)
        if value is None:
            raise StubError(404, "Provided variable was not found")
        return {"value": value}

    def op_channels__setChannelVar(self, r: StubRequest) -> None:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        chan = self.pbx.find_control(r)
        value = r.params.get("value")
        report = bool(r.params.get("report_events"))
        if name.startswith("CALLERID("):
            self.pbx.defer(
                lambda: self.pbx.calls.set_callerid(chan, name, str(value or ""))
            )
        elif value is None:
            chan.vars.pop(name, None)
        else:
            self.pbx.defer(
                lambda: self.pbx.calls.set_var(chan, name, str(value), report)
            )

    def op_channels__getChannelVars(self, r: StubRequest) -> Dict[str, Any]:
        names = comma_list(r.params.get("variables"))
        if not names:
            raise StubError(400, "At least one variable name is required")
        chan = self.pbx.find_channel(r, "Provided channel was not found")
        found = {}
        for name in names:
            value = self._read_var(chan, name)
            if value is None:
                raise StubError(404, "Provided variable was not found")
            found[name] = value
        return {"variables": found}

    def op_channels__setChannelVars(self, r: StubRequest) -> None:
        if "variables" not in r.params:
            raise StubError(400, "The 'variables' field is required")
        chan = self.pbx.find_control(r, "Provided channel was not found")
        variables = variables_of(r.params.get("variables"), bulk=True)

        def set_all() -> None:
            for name, value, report in variables:
                self.pbx.calls.set_var(chan, name, value, report)

        self.pbx.defer(set_all)


class MediaChannels:
    """Channels made to carry media for the application: snoops (spying or whispering on a
    channel) and external media (UnicastRTP to a host, or a WebSocket)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_channels__snoopChannel(self, r: StubRequest) -> Dict[str, Any]:
        p = r.params
        spy, whisper = p.get("spy") or "none", p.get("whisper") or "none"
        for name, value in (("spy", spy), ("whisper", whisper)):
            if value not in ("none", "both", "out", "in"):
                raise StubError(400, f"Invalid direction specified for {name}")
        if spy == "none" and whisper == "none":
            raise StubError(
                400, "Direction must be specified for at least spy or whisper"
            )
        app = p.get("app") or ""
        if not app:
            raise StubError(400, "Application name is required")
        chan = self.pbx.find_channel(r, "Provided channel was not found")
        sid = r.path_params.get("snoopId") or p.get("snoopId")
        if sid and sid in self.pbx.channels:
            raise StubError(500, "Snoop channel could not be created")
        count = sum(1 for c in self.pbx.channels.values() if c.snooped is chan)
        snoop = self.pbx.calls.new_channel(
            "Snoop", chan.id, sid, name=f"Snoop/{chan.id}-{count:08x}", state="Up"
        )
        snoop.snooped = chan
        snoop.via_app = False
        snoop.app_name, snoop.app_data = "Stasis", app
        args = split_args(p.get("appArgs") or "")
        self.pbx.defer(lambda: self._snoop_start(snoop, app, args))
        return snoop.snapshot()

    op_channels__snoopChannelWithId = op_channels__snoopChannel

    def _snoop_start(self, snoop: Channel, app: str, args: List[str]) -> None:
        """The snoop channel enters its application (StasisStart)."""
        if snoop.gone:
            return
        snoop.app, snoop.app_args = app, list(args)
        self.pbx.subscribe_channel(app, snoop)
        self.pbx.emit(
            "StasisStart",
            self.pbx.channel_apps(snoop),
            args=list(args),
            channel=snoop.snapshot(),
        )

    def op_channels__externalMedia(self, r: StubRequest) -> Dict[str, Any]:
        p = r.params
        transport = p.get("transport") or "udp"
        encapsulation = p.get("encapsulation") or "rtp"
        connection = p.get("connection_type") or "client"
        host = p.get("external_host") or ""
        if connection == "server" and transport != "websocket":
            raise StubError(
                400,
                "'server' connection_type can only be used with the websocket transport",
            )
        if not host and not (transport == "websocket" and connection == "server"):
            raise StubError(
                400,
                "external_host is required for all but websocket server connections",
            )
        fmt = p.get("format") or ""
        if not fmt:
            raise StubError(400, "format cannot be empty")
        if encapsulation not in ("rtp", "audiosocket", "none"):
            raise StubError(501, "The encapsulation and/or transport is not supported")
        if encapsulation == "rtp" and transport != "udp":
            raise StubError(400, "transport must be 'udp' for rtp encapsulation")
        if fmt not in FORMATS or encapsulation == "audiosocket":
            raise StubError(
                500, "An internal error prevented this request from being handled"
            )
        cid = p.get("channelId")
        if cid and cid in self.pbx.channels:
            raise StubError(409, "Channel with given unique ID already exists")
        app = p.get("app") or ""
        if transport == "websocket":
            chan = self.pbx.calls.new_channel(
                "WebSocket",
                "INCOMING",
                cid,
                name=f"WebSocket/INCOMING/0x{self.pbx.counter() + 0x7F0000000000:x}",
            )
        else:
            chan = self.pbx.calls.new_channel("UnicastRTP", host, cid)
            hostname, _, port = host.rpartition(":")
            chan.rtp = (hostname or "127.0.0.1", int(port) if port.isdigit() else 0)
            chan.rtp_format = fmt
        chan.dialstring = f"{host}/c({fmt})"
        chan.app_name, chan.app_data = "AppDial2", "(Outgoing Line)"
        for name, value, _ in variables_of(p.get("variables")):
            chan.vars[name] = value
        self.pbx.subscribe_channel(app, chan)
        args = split_args(p.get("data") or "") if p.get("data") else []
        chan.pending_app, chan.pending_args = app, args
        snapshot = chan.snapshot()

        def connect() -> None:
            self.pbx.calls.dial_event(chan, "")
            if transport != "websocket":
                self.pbx.calls.originate_answered(chan)

        self.pbx.defer(connect)
        return snapshot
