"""The bridges, playbacks and recordings resources of the in-memory Asterisk: the media an
application mixes, plays and records, on channels and bridges alike. The playing and recording
themselves (queues, timers, events) are ``_pbx_core.Media``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Dict, List

from ._pbx_objects import (
    FORMATS,
    Bridge,
    Channel,
    Playback,
    Recording,
    Stored,
    StubError,
    StubRequest,
    StubResponse,
    comma_list,
    now,
    variables_of,
)

if TYPE_CHECKING:
    from ._pbx import Pbx

__all__ = ["BridgeVariables", "Bridges", "Playbacks", "Recordings"]


class Bridges:
    """The bridges resource (``/bridges``): create, list, get, destroy; channels in and out,
    video source, music on hold. Playing and recording on a bridge are with ``Playbacks`` and
    ``Recordings``."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_bridges__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [b.snapshot() for b in self.pbx.bridges.values()]

    def op_bridges__get(self, r: StubRequest) -> Dict[str, Any]:
        return self.pbx.find_bridge(r).snapshot()

    def op_bridges__create(self, r: StubRequest) -> Dict[str, Any]:
        p = r.params
        bid = r.path_params.get("bridgeId") or p.get("bridgeId") or str(uuid.uuid4())
        if bid in self.pbx.bridges:
            raise StubError(409, f"Bridge with id '{bid}' already exists")
        types = comma_list(p.get("type")) or ["mixing"]
        known = {
            "mixing",
            "holding",
            "dtmf_events",
            "proxy_media",
            "video_sfu",
            "video_single",
            "sdp_label",
        }
        if (
            any(t not in known for t in types)
            or ("holding" in types and "mixing" in types)
            or (types == ["video_single"])
        ):
            raise StubError(
                500, f"Unable to create bridge. Possible duplicate bridge id '{bid}'"
            )
        holding = "holding" in types
        technology = (
            "holding_bridge"
            if holding
            else ("softmix" if "video_sfu" in types else "simple_bridge")
        )
        bridge = Bridge(bid, "holding" if holding else "mixing", technology,
                        str(p.get("name") or ""), now())  # fmt: skip
        if "video_sfu" in types:
            bridge.video_mode = "sfu"
        self.pbx.bridges[bid] = bridge
        everyone = [a.name for a in self.pbx.apps.values() if a.all_bridges]
        self.pbx.emit("BridgeCreated", everyone, bridge=bridge.snapshot())
        return bridge.snapshot()

    op_bridges__createWithId = op_bridges__create

    def op_bridges__destroy(self, r: StubRequest) -> None:
        bridge = self.pbx.find_bridge(r)
        bridge.gone = True

        def destroy() -> None:
            for item in list(bridge.media):
                if isinstance(item, Playback):
                    self.pbx.media.playback_finished(item, "done")
                else:
                    self.pbx.media.recording_finished(item, "done")
            for chan in list(bridge.channels):
                self.pbx.bridging.leave(bridge, chan)
            self.pbx.emit(
                "BridgeDestroyed",
                self.pbx.bridge_apps(bridge),
                bridge=bridge.snapshot(),
            )
            self.pbx.bridges.pop(bridge.id, None)
            for app in self.pbx.apps.values():
                app.bridges.pop(bridge.id, None)

        self.pbx.defer(destroy)

    def _members(self, r: StubRequest, key: str = "channel") -> List[Channel]:
        """The channels the request lists (400 if one does not exist)."""
        found = []
        for cid in comma_list(r.params.get(key)):
            chan = self.pbx.channels.get(cid)
            if chan is None or chan.gone:
                raise StubError(400, "Channel not found")
            found.append(chan)
        return found

    def op_bridges__addChannel(self, r: StubRequest) -> None:
        bridge = self.pbx.find_bridge(r)
        chans = self._members(r)
        for chan in chans:
            if chan.app is None:
                raise StubError(422, "Channel not in Stasis application")
            if any(
                isinstance(m, Recording) and m.state in ("recording", "paused")
                for m in chan.media
            ):
                raise StubError(409, f"Channel {chan.id} currently recording")

        def add() -> None:
            for chan in chans:
                self.pbx.bridging.enter(bridge, chan)
            self.pbx.bridging.set_peers(bridge)

        self.pbx.defer(add)

    def op_bridges__removeChannel(self, r: StubRequest) -> None:
        bridge = self.pbx.find_bridge(r)
        chans = self._members(r)
        for chan in chans:
            if chan.bridge is not bridge:
                raise StubError(422, "Channel not in this bridge")

        def remove() -> None:
            for chan in chans:
                self.pbx.bridging.leave(bridge, chan)

        self.pbx.defer(remove)

    def op_bridges__setVideoSource(self, r: StubRequest) -> None:
        bridge = self.pbx.find_bridge(r)
        chan = self.pbx.channels.get(r.path_params.get("channelId", ""))
        if chan is None or chan.gone:
            raise StubError(400, "Channel not found")
        if chan.bridge is not bridge:
            raise StubError(422, "Channel not in this bridge")

        def change() -> None:
            old = bridge.video_source
            bridge.video_mode, bridge.video_source = "single", chan.id
            bridge.video_cleared = None
            extra = {"old_video_source_id": old} if old else {}
            self.pbx.emit("BridgeVideoSourceChanged", self.pbx.bridge_apps(bridge),
                          bridge=bridge.snapshot(), **extra)  # fmt: skip

        self.pbx.defer(change)

    def op_bridges__clearVideoSource(self, r: StubRequest) -> None:
        bridge = self.pbx.find_bridge(r)
        if bridge.video_source is not None:
            bridge.video_cleared = bridge.video_source
        bridge.video_mode, bridge.video_source = "talker", None

    def op_bridges__startMoh(self, r: StubRequest) -> None:
        bridge = self.pbx.find_bridge(r)
        if not bridge.moh:
            bridge.moh = True
            self.pbx.defer(
                lambda: setattr(
                    bridge, "moh_name", self.pbx.bridging.add_extra(bridge, "ARI_MOH")
                )
            )

    def op_bridges__stopMoh(self, r: StubRequest) -> None:
        bridge = self.pbx.find_bridge(r)
        if not bridge.moh:
            raise StubError(409, "Bridge isn't playing music")
        bridge.moh = False
        self.pbx.defer(lambda: self.pbx.bridging.remove_extra(bridge, bridge.moh_name))


class BridgeVariables:
    """``bridges.getBridgeVar``, ``setBridgeVar`` and their bulk twins (``report_events``
    puts a variable in the bridge's ``bridgevars``)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_bridges__getBridgeVar(self, r: StubRequest) -> Dict[str, str]:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        bridge = self.pbx.find_bridge(r)
        if name not in bridge.vars:
            raise StubError(404, "Provided variable was not found")
        return {"value": bridge.vars[name]}

    def op_bridges__setBridgeVar(self, r: StubRequest) -> None:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        bridge = self.pbx.find_bridge(r)
        value = r.params.get("value")
        if value is None:
            bridge.vars.pop(name, None)
        else:
            bridge.vars[name] = str(value)
            if r.params.get("report_events") and name not in bridge.reported:
                bridge.reported.append(name)

    def op_bridges__getBridgeVars(self, r: StubRequest) -> Dict[str, Any]:
        names = comma_list(r.params.get("variables"))
        if not names:
            raise StubError(400, "At least one variable name is required")
        bridge = self.pbx.find_bridge(r, "Provided bridge was not found")
        found = {}
        for name in names:
            if name not in bridge.vars:
                raise StubError(404, "Provided variable was not found")
            found[name] = bridge.vars[name]
        return {"variables": found}

    def op_bridges__setBridgeVars(self, r: StubRequest) -> None:
        if "variables" not in r.params:
            raise StubError(400, "The 'variables' field is required")
        bridge = self.pbx.find_bridge(r, "Provided bridge was not found")
        for name, value, report in variables_of(r.params.get("variables"), bulk=True):
            bridge.vars[name] = value
            if report and name not in bridge.reported:
                bridge.reported.append(name)


class Playbacks:
    """Playbacks: started by ``channels.play`` and ``bridges.play``, then ``/playbacks``
    (get, stop, control)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def _play(self, r: StubRequest, target: Channel | Bridge) -> StubResponse:
        """A new playback of the request's ``media`` queued on ``target``."""
        p = r.params
        media = [m for m in comma_list(p.get("media"))]
        if not media:
            raise StubError(500, "Failed to queue media for playback")
        pid = (
            r.path_params.get("playbackId") or p.get("playbackId") or str(uuid.uuid4())
        )
        playback = Playback(
            pid, media, target, str(p.get("lang") or "en"), int(p.get("skipms") or 3000)
        )
        self.pbx.playbacks[pid] = playback
        self.pbx.media.queue(target, playback)
        return StubResponse(201, playback.snapshot())

    def op_channels__play(self, r: StubRequest) -> StubResponse:
        return self._play(r, self.pbx.find_control(r))

    op_channels__playWithId = op_channels__play

    def op_bridges__play(self, r: StubRequest) -> StubResponse:
        return self._play(r, self.pbx.find_bridge(r))

    op_bridges__playWithId = op_bridges__play

    def _playback(self, r: StubRequest) -> Playback:
        """The playback the request's path names (404 if there is none)."""
        found = self.pbx.playbacks.get(r.path_params.get("playbackId", ""))
        if found is None:
            raise StubError(404, "Playback not found")
        return found

    def op_playbacks__get(self, r: StubRequest) -> Dict[str, Any]:
        return self._playback(r).snapshot()

    def op_playbacks__stop(self, r: StubRequest) -> None:
        playback = self._playback(r)
        self.pbx.defer(lambda: self.pbx.media.playback_finished(playback, "done"))

    def op_playbacks__control(self, r: StubRequest) -> None:
        """pause, unpause, restart; reverse and forward are accepted and change nothing."""
        operation = r.params.get("operation") or ""
        if not operation:
            raise StubError(400, "Missing operation")
        if operation not in ("restart", "pause", "unpause", "reverse", "forward"):
            raise StubError(400, f"Invalid operation {operation}")
        playback = self._playback(r)
        if playback.state not in ("playing", "paused"):
            raise StubError(409, f"Can only {operation} while media is playing")
        if operation == "pause" and playback.state == "playing":
            playback.state = "paused"
            if playback.timer is not None:
                playback.left = max(0.0, playback.timer.due - self.pbx.clock.now())
                playback.timer.cancel()
                playback.timer = None
        elif operation == "unpause" and playback.state == "paused":
            playback.state = "playing"
            if playback.left is not None:
                left, playback.left = playback.left, None
                playback.timer = self.pbx.clock.later(
                    left, lambda: self.pbx.media.media_done(playback)
                )
            self.pbx.defer(lambda: self._started_again(playback))
        elif operation == "restart" and playback.state == "playing":
            if playback.timer is not None:
                playback.timer.cancel()
                length = self.pbx.media.length(playback.media[playback.index]) or 0.0
                playback.timer = self.pbx.clock.later(
                    max(0.0, length), lambda: self.pbx.media.media_done(playback)
                )

    def _started_again(self, playback: Playback) -> None:
        """PlaybackStarted once more: an unpaused playback plays again."""
        apps = self.pbx.target_apps(playback.target)
        self.pbx.emit("PlaybackStarted", apps, playback=playback.snapshot())


class Recordings:
    """Recordings: started by ``channels.record`` and ``bridges.record``, live ones
    (``/recordings/live``: pause, mute, stop, cancel) and stored ones (``/recordings/stored``).
    """

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def _record_on(self, r: StubRequest, target: Channel | Bridge) -> StubResponse:
        """A new live recording of ``target``, queued after what plays there."""
        p = r.params
        name = str(p.get("name") or "")
        if not name:
            raise StubError(400, "Recording name is required")
        fmt = str(p.get("format") or "")
        if fmt not in FORMATS:
            raise StubError(422, "specified format is unknown on this system")
        if_exists = str(p.get("ifExists") or "fail")
        exists = f"Recording '{name}' already exists and can not be overwritten"
        if name in self.pbx.live or (if_exists == "fail" and name in self.pbx.stored):
            raise StubError(409, exists)
        recording = Recording(
            name, fmt, target,
            max_duration=int(p.get("maxDurationSeconds") or 0),
            max_silence=int(p.get("maxSilenceSeconds") or 0),
            if_exists=if_exists,
            beep=bool(p.get("beep")),
            terminate_on=str(p.get("terminateOn") or "none"),
        )  # fmt: skip
        self.pbx.live[name] = recording
        self.pbx.media.queue(target, recording)
        return StubResponse(201, recording.snapshot())

    def op_channels__record(self, r: StubRequest) -> StubResponse:
        return self._record_on(r, self.pbx.find_control(r))

    def op_bridges__record(self, r: StubRequest) -> StubResponse:
        return self._record_on(r, self.pbx.find_bridge(r))

    def _live(self, r: StubRequest) -> Recording:
        """The live recording the request's path names (404 if there is none)."""
        found = self.pbx.live.get(r.path_params.get("recordingName", ""))
        if found is None:
            raise StubError(404, "Recording not found")
        return found

    def _stored(self, r: StubRequest) -> Stored:
        """The stored recording the request's path names (404 if there is none)."""
        found = self.pbx.stored.get(r.path_params.get("recordingName", ""))
        if found is None:
            raise StubError(404, "Recording not found")
        return found

    def op_recordings__listStored(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [s.snapshot() for _, s in sorted(self.pbx.stored.items())]

    def op_recordings__getStored(self, r: StubRequest) -> Dict[str, Any]:
        return self._stored(r).snapshot()

    def op_recordings__getStoredFile(self, r: StubRequest) -> StubResponse:
        stored = self._stored(r)
        kind = {"wav": "audio/wav", "wav16": "audio/wav", "gsm": "audio/x-gsm"}.get(
            stored.format, "application/octet-stream"
        )
        return StubResponse(200, stored.content, kind)

    def op_recordings__deleteStored(self, r: StubRequest) -> None:
        del self.pbx.stored[self._stored(r).name]

    def op_recordings__copyStored(self, r: StubRequest) -> Dict[str, Any]:
        stored = self._stored(r)
        name = r.params.get("destinationRecordingName") or ""
        if not name:
            raise StubError(400, "Invalid destination recording name")
        if name in self.pbx.stored:
            raise StubError(
                409, "A recording with the same name already exists on the system"
            )
        self.pbx.stored[name] = Stored(
            name, stored.format, stored.content, stored.duration
        )
        return self.pbx.stored[name].snapshot()

    def op_recordings__getLive(self, r: StubRequest) -> Dict[str, Any]:
        return self._live(r).snapshot()

    def op_recordings__stop(self, r: StubRequest) -> None:
        recording = self._live(r)
        self.pbx.defer(lambda: self.pbx.media.recording_finished(recording, "done"))

    def op_recordings__cancel(self, r: StubRequest) -> None:
        recording = self._live(r)
        self.pbx.defer(
            lambda: self.pbx.media.recording_finished(recording, "done", keep=False)
        )

    def op_recordings__pause(self, r: StubRequest) -> None:
        recording = self._live(r)
        if recording.state == "recording":
            recording.state = "paused"
            recording.paused_at = self.pbx.clock.now()
            if recording.timer is not None:
                recording.timer.cancel()
                recording.timer = None

    def op_recordings__unpause(self, r: StubRequest) -> None:
        recording = self._live(r)
        if recording.state == "paused" and recording.paused_at is not None:
            recording.paused_total += self.pbx.clock.now() - recording.paused_at
            recording.paused_at = None
            recording.state = "recording"
            if recording.max_duration > 0:
                left = recording.max_duration - self.pbx.media.recording_seconds(
                    recording
                )
                recording.timer = self.pbx.clock.later(
                    left, lambda: self.pbx.media.recording_finished(recording, "done")
                )

    def op_recordings__mute(self, r: StubRequest) -> None:
        self._live(r).muted = True

    def op_recordings__unmute(self, r: StubRequest) -> None:
        self._live(r).muted = False
