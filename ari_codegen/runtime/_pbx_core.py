"""What happens inside the in-memory Asterisk, whatever sets it off (an operation, a timer, the
test driving a far end): channels are made, answered and hung up (``CallControl``), run the
dialplan or enter an application (``DialplanRunner``), play and record (``Media``), join and
leave bridges (``Bridging``).

Each part is one object of a ``Pbx`` (``pbx.calls``, ``pbx.runner``, ``pbx.media``,
``pbx.bridging``); it keeps no state of its own but reaches the objects, the events and the
other parts through that ``Pbx``. The resource classes (``_pbx_channels``, ``_pbx_media``,
``_pbx_resources``) call them to do what an operation asks.
"""

from __future__ import annotations

import re
import struct
from typing import TYPE_CHECKING, Any, List

from ._pbx_objects import (
    ANSWER_WAIT,
    CAUSES,
    RTP_PAYLOAD,
    Bridge,
    Channel,
    Playback,
    Recording,
    Stored,
    now,
    split_args,
    wav_file,
)

if TYPE_CHECKING:
    from ._pbx import Pbx

__all__ = ["Bridging", "CallControl", "DialplanRunner", "Media"]


class CallControl:
    """Channels and what happens to them: made, changing state, variables and caller id,
    dialed, answered, hung up (with the other half of a Local channel), DTMF."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def new_channel(
        self,
        tech: str,
        resource: str,
        channel_id: str | None = None,
        *,
        name: str | None = None,
        state: str = "Down",
        half: int = 0,
        number: int | None = None,
    ) -> Channel:
        """A new channel (ChannelCreated); its name is made as Asterisk makes it."""
        cid = channel_id or self.pbx.unique_id()
        if number is None:
            number = self.pbx.counter()
        if name is None:
            if tech == "Local":
                name = f"Local/{resource.split('/')[0]}-{number:08x};{half or 1}"
            elif tech == "UnicastRTP":
                name = (
                    f"UnicastRTP/{resource.split('/')[0]}-0x{number + 0x7F0000000000:x}"
                )
            else:
                name = f"{tech}/{resource.split('/')[0]}-{number:08x}"
        chan = Channel(cid, name, tech, resource, now(), state=state, half=half)
        self.pbx.channels[cid] = chan
        self.pbx.emit(
            "ChannelCreated", self.pbx.channel_apps(chan), channel=chan.snapshot()
        )
        return chan

    def event(self, kind: str, chan: Channel, **fields: Any) -> None:
        """Send a channel event (``kind``) about ``chan`` to the applications watching it."""
        self.pbx.emit(
            kind, self.pbx.channel_apps(chan), channel=chan.snapshot(), **fields
        )

    def set_state(self, chan: Channel, state: str) -> None:
        """A new state (ChannelStateChange), unless the channel is in it or gone."""
        if chan.state != state and not chan.gone:
            chan.state = state
            self.event("ChannelStateChange", chan)

    def set_var(
        self, chan: Channel, name: str, value: str, report: bool = False
    ) -> None:
        """Set a channel variable (ChannelVarset); ``report``: in ``channelvars`` from now."""
        chan.vars[name] = value
        if report and name not in chan.reported:
            chan.reported.append(name)
        self.event("ChannelVarset", chan, variable=name, value=value)

    def set_caller(self, chan: Channel, caller_id: str) -> None:
        """Set the caller id from ``"Name" <number>`` (or a bare number)."""
        found = re.match(
            r'^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]*)>\s*$', caller_id
        )
        if found:
            name = (found.group(1) or found.group(2) or "").replace('\\"', '"')
            number = found.group(3)
        else:
            name, number = "", caller_id.strip()
        chan.caller = {"name": name.strip(), "number": number}

    def set_callerid(
        self, chan: Channel, name: str, value: str, quiet: bool = False
    ) -> None:
        """Set ``CALLERID(all|name|num)`` (ChannelCallerId unless ``quiet``)."""
        item = name[len("CALLERID(") : -1].lower()
        if item == "all":
            self.set_caller(chan, value)
        elif item in ("name", "num", "number"):
            chan.caller["name" if item == "name" else "number"] = value
        if not quiet:
            self.event("ChannelCallerId", chan, caller_presentation=0,
                       caller_presentation_txt="Presentation Allowed, Not Screened")  # fmt: skip

    def dial_event(
        self, peer: Channel, status: str, dialstring: str | None = None
    ) -> None:
        """A Dial event about ``peer``, the channel being dialed."""
        apps = self.pbx.channel_apps(peer, peer.peer)
        self.pbx.emit(
            "Dial",
            apps,
            dialstatus=status,
            forward="",
            dialstring=peer.dialstring if dialstring is None else dialstring,
            peer=peer.snapshot(),
        )

    def answer(self, chan: Channel) -> None:
        """Answer ``chan``; the ;2 half of a Local channel answers the originate of ;1."""
        if chan.state == "Up" or chan.gone:
            return
        self.set_state(chan, "Up")
        peer = chan.peer
        if peer is not None and chan.half == 2 and peer.state != "Up":
            self.originate_answered(peer)

    def originate_answered(self, chan: Channel) -> None:
        """The far end of an originated channel answered: the originate completes."""
        if chan.timer is not None:
            chan.timer.cancel()
            chan.timer = None
        self.set_state(chan, "Up")
        self.dial_event(chan, "ANSWER")
        if chan.pending_app is not None:
            app, args = chan.pending_app, chan.pending_args
            chan.pending_app = None
            self.pbx.runner.enter_stasis(chan, app, args)
        elif chan.after_answer is not None:
            context, exten, priority = chan.after_answer
            chan.after_answer = None
            self.pbx.runner.run(chan, context, exten, priority)

    def hangup(self, chan: Channel, cause: int = 16, soft: bool = False) -> None:
        """Hang ``chan`` up with ``cause``; a Local channel's other half follows it. ``soft``:
        requested through ARI (a soft hangup request comes first, as Asterisk sends it).
        """
        if chan.gone:
            return
        peer = chan.peer if chan.peer is not None and not chan.peer.gone else None
        if soft:
            self.event("ChannelHangupRequest", chan, cause=32, soft=True)
        self._tear_down(chan)
        if peer is None:
            self._destroy(chan, cause)
            return
        self.event("ChannelHangupRequest", peer, cause=cause)
        self.pbx.runner.leave_stasis(peer, gone=True)
        self._destroy(chan, cause)
        self.event("ChannelHangupRequest", peer, cause=16, soft=True)
        self._tear_down(peer)
        self._destroy(peer, cause)

    def _tear_down(self, chan: Channel) -> None:
        """What goes with a channel that hangs up: its timer, media, bridge, snoops, Stasis."""
        chan.gone = True
        if chan.timer is not None:
            chan.timer.cancel()
            chan.timer = None
        for item in list(chan.media):
            if isinstance(item, Playback):
                self.pbx.media.playback_finished(item, "failed")
            else:
                self.pbx.media.recording_finished(item, "done")
        if chan.bridge is not None:
            self.pbx.bridging.leave(chan.bridge, chan)
        for other in list(self.pbx.channels.values()):
            if other.snooped is chan and not other.gone:
                self.hangup(other, 16)
        self.pbx.runner.leave_stasis(chan, gone=True)

    def _destroy(self, chan: Channel, cause: int) -> None:
        """ChannelDestroyed, and the channel is forgotten."""
        chan.gone = True
        if chan.state != "Up" and chan.half == 1 and chan.peer is not None:
            self.dial_event(chan, "CANCEL" if cause == 16 else "NOANSWER")
        self.event(
            "ChannelDestroyed",
            chan,
            cause=cause,
            cause_txt=CAUSES.get(cause, "Unknown"),
        )
        self.pbx.channels.pop(chan.id, None)
        for app in self.pbx.apps.values():
            app.channels.pop(chan.id, None)
        for endpoint in self.pbx.endpoints.values():
            if chan.id in endpoint.channel_ids:
                endpoint.channel_ids.remove(chan.id)

    def dtmf_received(self, chan: Channel, digit: str, duration: int) -> None:
        """ChannelDtmfReceived; a digit in a recording's ``terminateOn`` ends it."""
        if chan.gone:
            return
        self.event("ChannelDtmfReceived", chan, digit=digit, duration_ms=duration)
        for item in list(chan.media):
            if isinstance(item, Recording) and item.state in ("recording", "paused"):
                stop = item.terminate_on
                if stop == "any" or (stop not in ("none", "") and digit in stop):
                    self.pbx.media.recording_finished(item, "done")

    def send_dtmf(
        self, chan: Channel, digits: str, before: int, between: int, duration: int
    ) -> None:
        """DTMF sent on ``chan`` is heard by the other half of a Local channel (or a remote
        party, who keeps it in ``dtmf_heard``)."""
        heard = chan.peer
        delay = before / 1000.0
        for digit in digits:
            if heard is not None:
                self.dtmf_later(
                    heard, digit, max(duration, 100), delay + duration / 1000.0
                )
            elif chan.remote:
                chan.dtmf_heard.append(digit)
            delay += (duration + between) / 1000.0

    def dtmf_later(
        self, chan: Channel, digit: str, duration: int, delay: float
    ) -> None:
        """``chan`` receives ``digit`` (``duration`` ms long) ``delay`` seconds from now."""
        self.pbx.clock.later(delay, lambda: self.dtmf_received(chan, digit, duration))


class DialplanRunner:
    """What a channel runs: the dialplan, priority by priority, and Stasis(), which hands it
    to an application (StasisStart) until it leaves (StasisEnd)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def run(self, chan: Channel, context: str, exten: str, priority: int = 1) -> None:
        """Run the dialplan on ``chan`` from ``exten@context``, ``priority``."""
        chan.context, chan.exten, chan.priority = context, exten, priority
        self._step(chan)

    def _substitute(self, chan: Channel, text: str) -> str:
        """``${EXTEN}``, ``${CONTEXT}`` and ``${VAR}`` (channel, then global) in ``text``."""

        def value(found: re.Match[str]) -> str:
            name = found.group(1)
            if name == "EXTEN":
                return chan.exten
            if name == "CONTEXT":
                return chan.context
            return chan.vars.get(name, self.pbx.global_vars.get(name, ""))

        return re.sub(r"\$\{([^}]+)\}", value, text)

    def _step(self, chan: Channel) -> None:
        """Run the current priority; the next runs once it is done (at once, or on a timer)."""
        if chan.gone or chan.app is not None:
            return
        steps = [
            s
            for s in self.pbx.dialplan.steps(chan.context, chan.exten)
            if s.priority >= chan.priority
        ]
        if not steps:
            self.pbx.calls.hangup(chan, 16)
            return
        step = steps[0]
        chan.priority = step.priority
        app, data = step.app, self._substitute(chan, step.data)
        lower = app.lower()
        if not (lower == "answer" and chan.state == "Up"):
            chan.app_name, chan.app_data = app, data
            self.pbx.calls.event(
                "ChannelDialplan", chan, dialplan_app=app, dialplan_app_data=data
            )

        def then() -> None:
            if not chan.gone and chan.app is None and chan.priority == step.priority:
                chan.priority = step.priority + 1
                self._step(chan)

        if lower == "answer":
            was_up = chan.state == "Up"
            self.pbx.calls.answer(chan)
            # Asterisk's Answer() waits for the first voice frame (up to 500 ms) before the
            # next priority runs
            chan.timer = self.pbx.clock.later(0.0 if was_up else ANSWER_WAIT, then)
        elif lower == "stasis":
            parts = split_args(data)
            self.enter_stasis(chan, parts[0] if parts else "", parts[1:])
        elif lower == "hangup":
            self.pbx.calls.hangup(chan, int(data) if data.isdigit() else 16)
        elif lower == "wait":
            try:
                seconds = float(data or 0)
            except ValueError:
                seconds = 0.0
            chan.timer = self.pbx.clock.later(seconds, then)
        elif lower == "playback":
            sound = self.pbx.sounds.get(data.split(",")[0])
            chan.timer = self.pbx.clock.later(sound.duration if sound else 0.0, then)
        elif lower == "echo":
            pass  # until hung up
        elif lower == "set":
            name, _, value = data.partition("=")
            self.pbx.calls.set_var(chan, name.strip(), value)
            then()
        elif lower == "ringing":
            self.pbx.calls.set_state(chan, "Ringing")
            then()
        elif lower == "progress":
            then()
        else:
            then()

    def enter_stasis(self, chan: Channel, app: str, args: List[str]) -> None:
        """The channel runs Stasis(app): StasisStart, or hung up when nobody listens."""
        if chan.gone:
            return
        chan.app_name, chan.app_data = "Stasis", ",".join([app, *args])
        self.pbx.subscribe_channel(app, chan)
        if app not in self.pbx.apps:
            self.pbx.calls.set_var(chan, "STASISSTATUS", "")
            self.pbx.calls.set_var(chan, "STASISSTATUS", "FAILED")
            self.pbx.calls.hangup(chan, 0)
            return
        self.pbx.calls.set_var(chan, "STASISSTATUS", "")
        chan.app, chan.app_args = app, list(args)
        self.pbx.emit(
            "StasisStart",
            self.pbx.channel_apps(chan),
            args=list(args),
            channel=chan.snapshot(),
        )

    def leave_stasis(
        self, chan: Channel, status: str = "SUCCESS", gone: bool = False
    ) -> None:
        """StasisEnd. The application stops watching the channel then, unless it watches it
        for another reason (it originated it, subscribed to it): only then does it get the
        channel's later events (a ChannelDestroyed)."""
        app = chan.app
        if app is None:
            return
        chan.app = None
        self.pbx.emit("StasisEnd", self.pbx.channel_apps(chan), channel=chan.snapshot())
        self.pbx.subscribe_channel(app, chan, -1)
        if not chan.via_app:
            return
        chan.vars["STASISSTATUS"] = status
        if gone:  # Stasis() returns and sets STASISSTATUS
            self.pbx.emit(
                "ChannelVarset",
                self.pbx.channel_apps(chan),
                variable="STASISSTATUS",
                value=status,
                channel=chan.snapshot(),
            )


class Media:
    """Playbacks and recordings, queued per channel or bridge and run one at a time: each
    starts when the one before it ends, and ends on its own by the stub's clock."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def queue(self, target: Channel | Bridge, item: Any) -> None:
        """Queue a playback or a recording on ``target`` (the first starts after the answer)."""
        target.media.append(item)
        if target.media[0] is item:
            self.pbx.defer(lambda: self._start(target))

    def _start(self, target: Channel | Bridge) -> None:
        """Start the first item queued on ``target``."""
        if not target.media or target.gone:
            return
        item = target.media[0]
        if isinstance(item, Playback):
            if item.state == "queued":
                self.start_playback(item)
        elif item.state == "queued":
            self._start_recording(item)

    def _next(self, target: Channel | Bridge, item: Any) -> None:
        """``item`` is over: the next one on ``target`` starts."""
        if item in target.media:
            target.media.remove(item)
            if target.media:
                self._start(target)

    def length(self, uri: str) -> float | None:
        """Seconds ``uri`` plays; None: until stopped; a negative number: it fails."""
        scheme, _, rest = uri.partition(":")
        if scheme == "sound":
            sound = self.pbx.sounds.get(rest)
            return sound.duration if sound else -1.0
        if scheme == "tone":
            return None
        if scheme == "recording":
            stored = self.pbx.stored.get(rest)
            return stored.duration if stored else -1.0
        if scheme in ("digits", "characters"):
            return 0.0
        return -1.0

    def start_playback(self, playback: Playback) -> None:
        """Play the current media URI of ``playback`` (PlaybackStarted); a timer ends it."""
        if isinstance(playback.target, Bridge) and playback.announcer is None:
            playback.announcer = self.pbx.bridging.add_extra(
                playback.target, "ARI", quiet=True
            )
        playback.state = "playing"
        apps = self.pbx.target_apps(playback.target)
        self.pbx.emit("PlaybackStarted", apps, playback=playback.snapshot())
        uri = playback.media[playback.index]
        target = playback.target
        if isinstance(target, Channel):
            if target.remote:
                target.media_heard.append(uri)
            if target.rtp is not None:
                self._send_rtp(target)
        length = self.length(uri)
        if length is None:
            return
        if length < 0:
            playback.timer = self.pbx.clock.later(
                0.0, lambda: self.playback_finished(playback, "failed")
            )
            return
        playback.timer = self.pbx.clock.later(length, lambda: self.media_done(playback))

    def media_done(self, playback: Playback) -> None:
        """The current media URI ended: the next plays (PlaybackContinuing), or it is done."""
        playback.timer = None
        if playback.index + 1 < len(playback.media):
            playback.state = "continuing"
            apps = self.pbx.target_apps(playback.target)
            self.pbx.emit("PlaybackContinuing", apps, playback=playback.snapshot())
            playback.index += 1
            self.start_playback(playback)
            return
        self.playback_finished(playback, "done")

    def playback_finished(self, playback: Playback, state: str) -> None:
        """End ``playback`` in ``state`` ("done", "failed"): PlaybackFinished if it started."""
        if playback.timer is not None:
            playback.timer.cancel()
            playback.timer = None
        if playback.state in ("done", "failed"):
            return
        was_queued = playback.state == "queued"
        playback.state = state
        self.pbx.playbacks.pop(playback.id, None)
        if not was_queued:
            apps = self.pbx.target_apps(playback.target)
            self.pbx.emit("PlaybackFinished", apps, playback=playback.snapshot())
        if isinstance(playback.target, Bridge):
            self.pbx.bridging.remove_extra(playback.target, playback.announcer)
        self._next(playback.target, playback)

    def _send_rtp(self, chan: Channel) -> None:
        """A few RTP packets to where an UnicastRTP channel sends its media."""
        import socket

        assert chan.rtp is not None
        payload = RTP_PAYLOAD.get(chan.rtp_format, 0)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for seq in range(3):
                header = struct.pack("!BBHII", 0x80, payload, seq, seq * 160, 0x5354)
                try:
                    sock.sendto(header + b"\xff" * 160, chan.rtp)
                except OSError:
                    return

    def _start_recording(self, recording: Recording) -> None:
        """Start ``recording`` (after a beep if asked): RecordingStarted, or RecordingFailed."""
        target = recording.target
        if isinstance(target, Channel) and target.bridge is not None:
            recording.state, recording.cause = (
                "failed",
                "Cannot record channel while in bridge",
            )
            self.pbx.live.pop(recording.name, None)
            self.pbx.emit(
                "RecordingFailed",
                self.pbx.target_apps(target),
                recording=recording.snapshot(),
            )
            self._next(target, recording)
            return

        def start() -> None:
            if recording.state != "queued":
                return
            if isinstance(target, Bridge):
                recording.recorder = self.pbx.bridging.add_extra(target, "REC")
            recording.state = "recording"
            recording.started = self.pbx.clock.now()
            self.pbx.emit(
                "RecordingStarted",
                self.pbx.target_apps(target),
                recording=recording.snapshot(),
            )
            if recording.max_duration > 0:
                recording.timer = self.pbx.clock.later(
                    recording.max_duration,
                    lambda: self.recording_finished(recording, "done"),
                )

        if recording.beep:
            recording.timer = self.pbx.clock.later(0.25, start)
        else:
            start()

    def recording_seconds(self, recording: Recording) -> float:
        """How long ``recording`` has recorded so far, pauses left out."""
        if recording.state == "queued":
            return 0.0
        end = (
            recording.paused_at
            if recording.paused_at is not None
            else self.pbx.clock.now()
        )
        return max(0.0, end - recording.started - recording.paused_total)

    def recording_finished(
        self, recording: Recording, state: str, keep: bool = True
    ) -> None:
        """End ``recording`` in ``state``: stored (unless not ``keep``), RecordingFinished."""
        if recording.timer is not None:
            recording.timer.cancel()
            recording.timer = None
        if recording.state in ("done", "failed", "canceled"):
            return
        was_queued = recording.state == "queued"
        seconds = self.recording_seconds(recording)
        if recording.max_duration:
            seconds = min(seconds, float(recording.max_duration))
        recording.state = state
        recording.duration = int(round(seconds))
        self.pbx.live.pop(recording.name, None)
        if keep:
            old = self.pbx.stored.get(recording.name)
            if recording.if_exists == "append" and old is not None:
                seconds += old.duration
            content = (
                wav_file(seconds)
                if recording.format.startswith("wav")
                else b"\x00\x00" * int(8000 * seconds)
            )
            self.pbx.stored[recording.name] = Stored(
                recording.name, recording.format, content, seconds
            )
        if not was_queued or state == "done":
            self.pbx.emit(
                "RecordingFinished",
                self.pbx.target_apps(recording.target),
                recording=recording.snapshot(),
            )
        if isinstance(recording.target, Bridge):
            self.pbx.bridging.remove_extra(recording.target, recording.recorder)
        self._next(recording.target, recording)


class Bridging:
    """Channels entering and leaving bridges, with what Asterisk updates on each change:
    BRIDGEPEER, the Announcer/Recorder channels of a mixing bridge, the video source."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def set_peers(self, bridge: Bridge, quiet: bool = False) -> None:
        """BRIDGEPEER of each member: the others (the Announcer or Recorder that plays or
        records in a mixing bridge too), as Asterisk sets it on every change."""
        for chan in list(bridge.channels):
            others = [c.name for c in reversed(bridge.channels) if c is not chan]
            value = ",".join(list(reversed(bridge.extras)) + others)
            if chan.vars.get("BRIDGEPEER", "") != value:
                if quiet:
                    chan.vars["BRIDGEPEER"] = value
                else:
                    self.pbx.calls.set_var(chan, "BRIDGEPEER", value)

    def add_extra(
        self, bridge: Bridge, kind: str | None, quiet: bool = False
    ) -> str | None:
        """An Announcer/Recorder joins a mixing bridge (``kind``: "ARI", "ARI_MOH", a recorder
        with "REC"); returns its name, to pass to ``remove_extra``."""
        if bridge.bridge_type != "mixing" or kind is None:
            return None
        tech = "Recorder" if kind == "REC" else "Announcer"
        name = f"{tech}/{'ARI' if kind == 'REC' else kind}-{self.pbx.counter():08x};2"
        bridge.extras.append(name)
        self.set_peers(bridge, quiet)
        return name

    def remove_extra(self, bridge: Bridge, name: str | None) -> None:
        """The Announcer/Recorder ``name`` leaves the bridge."""
        if name is not None and name in bridge.extras:
            bridge.extras.remove(name)
            if not bridge.gone:
                self.set_peers(bridge)

    def _video_changed(self, bridge: Bridge) -> None:
        """BridgeVideoSourceChanged once a cleared video source is replaced."""
        if bridge.video_cleared is not None:
            old, bridge.video_cleared = bridge.video_cleared, None
            self.pbx.emit(
                "BridgeVideoSourceChanged",
                self.pbx.bridge_apps(bridge),
                bridge=bridge.snapshot(),
                old_video_source_id=old,
            )

    def enter(self, bridge: Bridge, chan: Channel) -> None:
        """``chan`` enters ``bridge`` (leaving the one it was in): ChannelEnteredBridge."""
        if chan.bridge is bridge:
            return
        if chan.bridge is not None:
            self.leave(chan.bridge, chan)
        bridge.channels.append(chan)
        chan.bridge = bridge
        self.pbx.subscribe_bridge(chan.app, bridge)
        if bridge.bridge_type == "mixing" and len(bridge.channels) > 2:
            bridge.technology = "softmix"
        self.pbx.emit(
            "ChannelEnteredBridge",
            self.pbx.bridge_apps(bridge) + self.pbx.channel_apps(chan),
            bridge=bridge.snapshot(),
            channel=chan.snapshot(),
        )
        self._video_changed(bridge)

    def leave(self, bridge: Bridge, chan: Channel) -> None:
        """``chan`` leaves ``bridge``: ChannelLeftBridge, the others' BRIDGEPEER updated."""
        if chan not in bridge.channels:
            return
        if chan.vars.get("BRIDGEPEER"):
            self.pbx.calls.set_var(chan, "BRIDGEPEER", "")
        bridge.channels.remove(chan)
        chan.bridge = None
        if bridge.video_source == chan.id:
            bridge.video_source = None
            bridge.video_mode = "talker"
        apps = self.pbx.bridge_apps(bridge) + self.pbx.channel_apps(chan)
        self.pbx.emit(
            "ChannelLeftBridge", apps, bridge=bridge.snapshot(), channel=chan.snapshot()
        )
        self.pbx.subscribe_bridge(chan.app, bridge, -1)
        self.set_peers(bridge)
        self._video_changed(bridge)
