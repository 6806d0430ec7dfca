"""What the in-memory Asterisk (``_pbx``) is made of: requests and answers, time, sounds and the
dialplan, Asterisk's tables, and the objects it holds (channels, bridges, playbacks, ...).

Nothing here changes the model: the objects are plain data with their ARI snapshots, and the
helpers read what a request sent. ``_pbx.Pbx`` holds the objects; ``_pbx_core`` and the
resource modules change them.
"""

from __future__ import annotations

import heapq
import itertools
import re
import struct
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Tuple

__all__ = [
    "ALL_BRIDGES",
    "ALL_CHANNELS",
    "ALL_DEVICES",
    "ALL_ENDPOINTS",
    "ANSWER_WAIT",
    "App",
    "Bridge",
    "CAUSES",
    "Channel",
    "Clock",
    "DEVICE_STATES",
    "Dialplan",
    "Endpoint",
    "FORMATS",
    "MODULES",
    "Playback",
    "REASONS",
    "REMOTE_TECHNOLOGIES",
    "RTP_PAYLOAD",
    "Recording",
    "Sound",
    "Stored",
    "StubError",
    "StubRequest",
    "StubResponse",
    "add_reference",
    "comma_list",
    "now",
    "split_args",
    "variables_of",
    "wav_file",
]

# --- requests and answers ---------------------------------------------------------------------


@dataclass
class StubRequest:
    """One request as the stub received it. Its repr leaves out the query and the headers,
    where the credentials are (``api_key``, ``Authorization``)."""

    method: str
    path: str  # as sent, percent-encoded, without the query
    # decoded pairs, in order
    query: List[Tuple[str, str]] = field(repr=False)
    body: Any  # the decoded JSON body, or None
    # lower-case names
    headers: Dict[str, str] = field(repr=False)
    operation: str | None = None  # "channels.get" once routed
    path_params: Dict[str, str] = field(default_factory=dict)  # decoded
    params: Dict[str, Any] = field(default_factory=dict)  # query and body, typed
    over_websocket: bool = False
    status: int | None = None  # the status answered


@dataclass
class StubResponse:
    """What the stub answers: a JSON value, or bytes sent as they are."""

    status: int = 200
    body: Any = None
    content_type: str = "application/json"
    headers: Dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        """The body as sent: bytes as they are, anything else as JSON (None: empty)."""
        import json

        if isinstance(self.body, bytes):
            return self.body
        if self.body is None:
            return b""
        return json.dumps(self.body).encode()


class StubError(Exception):
    """Raised inside a handler: answer with ``status`` and ``{"message": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def now() -> str:
    """The current time as Asterisk writes it: ``2013-12-05T10:46:40.213+0000``."""
    value = datetime.now(timezone.utc)
    return (
        value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"
    )


# --- time -------------------------------------------------------------------------------------


class _Timer:
    """A call ``Clock.later`` will make at ``due``, unless cancelled first."""

    __slots__ = ("due", "seq", "fn", "cancelled")

    def __init__(self, due: float, seq: int, fn: Callable[[], None]) -> None:
        self.due = due
        self.seq = seq
        self.fn = fn
        self.cancelled = False

    def __lt__(self, other: _Timer) -> bool:
        return (self.due, self.seq) < (other.due, other.seq)

    def cancel(self) -> None:
        self.cancelled = True


class Clock:
    """The stub's time, in seconds since it started.

    ``scale`` is how many real seconds one stub second takes: 1.0 is real time, 0.1 ten times
    as fast, 0 as fast as the event loop goes (every timer fires at once, in order), None a
    manual clock that only ``advance`` moves. ``advance(seconds)`` works in every mode.
    """

    def __init__(self, scale: float | None = 1.0) -> None:
        self.scale = scale
        self._offset = 0.0
        self._t0 = 0.0
        self._heap: List[_Timer] = []
        self._seq = itertools.count()
        self._handle: Any = None
        self._loop: Any = None
        self.on_fire: Callable[[], None] = lambda: None

    def start(self, loop: Any) -> None:
        """Run on ``loop``'s time from now."""
        self._loop = loop
        self._t0 = loop.time()
        self._arm()

    def stop(self) -> None:
        """Stop firing timers (until ``start`` again)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._loop = None

    def now(self) -> float:
        """Seconds of stub time since it started."""
        if self.scale and self._loop is not None:
            elapsed: float = self._loop.time() - self._t0
            return self._offset + elapsed / self.scale
        return self._offset

    def later(self, delay: float, fn: Callable[[], None]) -> _Timer:
        """Call ``fn`` ``delay`` stub seconds from now; the timer can be cancelled."""
        timer = _Timer(self.now() + max(0.0, delay), next(self._seq), fn)
        heapq.heappush(self._heap, timer)
        self._arm()
        return timer

    def _arm(self) -> None:
        """Ask the loop to wake the clock when the next timer is due."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        if self._loop is None or not self._heap:
            return
        if self.scale is None:
            # a manual clock: only what is due now (a zero delay) fires on its own
            if self._heap[0].due <= self._offset:
                self._handle = self._loop.call_soon(self._fire)
            return
        wait = (self._heap[0].due - self.now()) * self.scale if self.scale else 0.0
        self._handle = self._loop.call_later(max(0.0, wait), self._fire)

    def _fire(self) -> None:
        """Fire the timers due (one per loop iteration at scale 0)."""
        self._handle = None
        current = self.now()
        try:
            while self._heap:
                timer = self._heap[0]
                if timer.cancelled:
                    heapq.heappop(self._heap)
                    continue
                if self.scale != 0 and timer.due > current + 1e-9:
                    break
                heapq.heappop(self._heap)
                if not self.scale:
                    self._offset = max(self._offset, timer.due)
                timer.fn()
                if self.scale == 0:
                    break  # one timer per loop iteration: requests interleave as with real time
        finally:  # a timer that raised (the loop reports it) stops neither the clock nor waiters
            self.on_fire()
            self._arm()

    def advance(self, seconds: float) -> None:
        """Move time forward, firing every timer due meanwhile, in order."""
        target = self.now() + max(0.0, seconds)
        try:
            while self._heap and self._heap[0].due <= target:
                timer = heapq.heappop(self._heap)
                if timer.cancelled:
                    continue
                self._offset += max(0.0, timer.due - self.now())
                timer.fn()
            self._offset += max(0.0, target - self.now())
        finally:  # a timer that raised: the test sees it, and the clock goes on
            self.on_fire()
            self._arm()


# --- configuration: sounds, dialplan ----------------------------------------------------------


@dataclass(frozen=True)
class Sound:
    """A sound file the stub can play: ``sound:<id>`` lasts ``duration`` seconds."""

    id: str
    duration: float
    formats: Tuple[Tuple[str, str], ...] = (("en", "slin"),)  # (language, format)
    text: str | None = None


@dataclass
class _Step:
    """One priority of an extension: ``exten,priority(label),app(data)``."""

    exten: str
    priority: int
    app: str
    data: str
    label: str | None


class Dialplan:
    """Extensions the stub runs, as ``extensions.conf`` would hold them.

    Applications understood: Answer, Wait(seconds), Stasis(app[,args]), Hangup([cause]), NoOp,
    Set(VAR=value), Ringing, Progress, Echo (waits until hung up), Playback(sound) (waits for
    the sound's length). Others run as NoOp. ``${EXTEN}`` and ``${VAR}`` are substituted.
    Patterns follow Asterisk: ``_`` then X, Z, N, [a-z], ``.`` and ``!``.
    """

    def __init__(self) -> None:
        self.contexts: Dict[str, List[_Step]] = {}

    def add(
        self,
        context: str,
        exten: str,
        priority: int,
        app: str,
        data: str = "",
        label: str | None = None,
    ) -> Dialplan:
        """Set ``exten,priority`` of ``context`` (replacing what was there); chainable."""
        steps = self.contexts.setdefault(context, [])
        steps[:] = [
            s for s in steps if not (s.exten == exten and s.priority == priority)
        ]
        steps.append(_Step(exten, priority, app, data, label))
        return self

    def extend(self, context: str, exten: str, *apps: str) -> Dialplan:
        """Add ``apps`` ("Answer()", "Wait(600)") as priorities 1, 2, ... of ``exten``."""
        for priority, text in enumerate(apps, 1):
            name, _, rest = text.partition("(")
            self.add(context, exten, priority, name.strip(), rest.rstrip(")"))
        return self

    @staticmethod
    def _matches(pattern: str, exten: str) -> bool:
        """Does ``exten`` match ``pattern`` (a literal, or ``_`` and pattern letters)?"""
        if not pattern.startswith("_"):
            return pattern == exten
        regex = ""
        body = pattern[1:]
        i = 0
        while i < len(body):
            c = body[i]
            if c in "Xx":
                regex += "[0-9]"
            elif c in "Zz":
                regex += "[1-9]"
            elif c in "Nn":
                regex += "[2-9]"
            elif c == "[":
                end = body.find("]", i)
                regex += "[" + body[i + 1 : end] + "]"
                i = end
            elif c == ".":
                regex += ".+"
            elif c == "!":
                regex += ".*"
            else:
                regex += re.escape(c)
            i += 1
        return re.fullmatch(regex, exten) is not None

    def steps(self, context: str, exten: str) -> List[_Step]:
        """The priorities of ``exten`` in ``context``, in order: the extension's own, else those
        of the first pattern that matches it."""
        found = [s for s in self.contexts.get(context, []) if s.exten == exten]
        if not found:
            patterns = [
                s
                for s in self.contexts.get(context, [])
                if self._matches(s.exten, exten)
            ]
            if patterns:
                first = patterns[0].exten
                found = [s for s in patterns if s.exten == first]
        return sorted(found, key=lambda s: s.priority)

    def exists(self, context: str, exten: str) -> bool:
        """Is there anything for ``exten`` in ``context``?"""
        return bool(self.steps(context, exten))

    @classmethod
    def default(cls) -> Dialplan:
        """``[default]``: ``wait`` answers and waits (Answer, Wait(600)); ``stasis`` puts the
        channel in the application ``demo``; ``echo`` answers and echoes."""
        plan = cls()
        plan.extend("default", "wait", "Answer()", "Wait(600)")
        plan.extend("default", "stasis", "Stasis(demo)")
        plan.extend("default", "echo", "Answer()", "Echo()")
        return plan


# --- tables -----------------------------------------------------------------------------------

CAUSES: Dict[int, str] = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    3: "No route to destination",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    21: "Call Rejected",
    26: "Answered elsewhere",
    27: "Destination out of order",
    28: "Invalid number format (addr incomplete)",
    31: "Normal, unspecified",
    34: "Circuit/channel congestion",
    58: "Bearer capability not available",
    127: "Interworking, unspecified",
}
"""Q.931 cause codes and Asterisk's text for them."""

REASONS: Dict[str, int] = {
    "normal": 16,
    "busy": 17,
    "congestion": 34,
    "no_answer": 19,
    "timeout": 18,
    "rejected": 21,
    "unallocated": 1,
    "normal_unspecified": 31,
    "number_incomplete": 28,
    "codec_mismatch": 58,
    "interworking": 127,
    "failure": 27,
    "answered_elsewhere": 26,
}
"""``channels.hangup`` reasons and the cause each one sets."""

FORMATS = (
    "ulaw alaw gsm wav wav16 wav49 sln slin sln16 slin16 sln48 g722 g726 g729 ilbc "
    "speex opus siren7 siren14 h263 h264"
).split()
"""Media formats the stub knows (originate ``formats``, recordings, external media)."""

RTP_PAYLOAD = {"ulaw": 0, "alaw": 8, "gsm": 3, "g722": 9, "g729": 18}

MODULES: Tuple[Tuple[str, str, str, bool], ...] = (
    ("res_ari.so", "Asterisk RESTful Interface", "core", False),
    (
        "res_ari_applications.so",
        "RESTful API module - Stasis application resources",
        "core",
        False,
    ),
    ("res_ari_asterisk.so", "RESTful API module - Asterisk resources", "core", False),
    ("res_ari_bridges.so", "RESTful API module - Bridge resources", "core", False),
    ("res_ari_channels.so", "RESTful API module - Channel resources", "core", False),
    (
        "res_ari_device_states.so",
        "RESTful API module - Device state resources",
        "core",
        False,
    ),
    ("res_ari_endpoints.so", "RESTful API module - Endpoint resources", "core", False),
    ("res_ari_events.so", "RESTful API module - WebSocket resource", "core", False),
    ("res_ari_mailboxes.so", "RESTful API module - Mailboxes resources", "core", False),
    (
        "res_ari_playbacks.so",
        "RESTful API module - Playback control resources",
        "core",
        False,
    ),
    (
        "res_ari_recordings.so",
        "RESTful API module - Recording resources",
        "core",
        False,
    ),
    ("res_ari_sounds.so", "RESTful API module - Sound resources", "core", False),
    ("res_stasis.so", "Stasis application support", "core", False),
    ("res_stasis_playback.so", "Stasis application playback support", "core", False),
    ("res_stasis_recording.so", "Stasis application recording support", "core", False),
    ("res_stasis_snoop.so", "Stasis application snoop support", "extended", False),
    (
        "res_stasis_device_state.so",
        "Stasis application device state support",
        "core",
        False,
    ),
    ("res_mwi_external.so", "Core external MWI resource", "ext", False),
    ("res_musiconhold.so", "Music On Hold Resource", "core", True),
    ("res_http_websocket.so", "HTTP WebSocket Support", "core", False),
    ("res_sorcery_astdb.so", "Sorcery Astdb Object Wizard", "core", False),
    (
        "res_sorcery_config.so",
        "Sorcery Configuration File Object Wizard",
        "core",
        False,
    ),
    ("res_websocket_client.so", "WebSocket Client Support", "core", True),
    (
        "chan_local.so",
        "Local Proxy Channel (Note: used internally by other modules)",
        "core",
        False,
    ),
    ("chan_rtp.so", "RTP Media Channel", "core", False),
    ("app_stasis.so", "Stasis dialplan application", "core", False),
    ("app_dial.so", "Dialing Application", "core", False),
    ("app_echo.so", "Simple Echo Application", "core", False),
    ("app_playback.so", "Sound File Playback Application", "core", False),
    ("codec_alaw.so", "A-law Coder/Decoder", "core", False),
    ("codec_ulaw.so", "mu-Law Coder/Decoder", "core", False),
    (
        "format_wav.so",
        "Microsoft WAV/WAV16 format (8kHz/16kHz Signed Linear)",
        "core",
        False,
    ),
    (
        "format_pcm.so",
        "Raw/Sun uLaw/ALaw 8KHz (PCM,PCMA,AU), G.722 16Khz",
        "core",
        False,
    ),
    (
        "format_sln.so",
        "Raw Signed Linear Audio support (SLN) 8khz-192khz",
        "core",
        False,
    ),
    ("func_md5.so", "MD5 digest dialplan functions", "core", False),
    ("pbx_config.so", "Text Extension Configuration", "core", True),
)
"""(name, description, support level, reloadable) of the modules the stub runs."""

ANSWER_WAIT = 0.5
"""Seconds the dialplan's Answer() takes before the next priority runs (Asterisk waits for the
first voice frame, up to 500 ms)."""

DEVICE_STATES = (
    "UNKNOWN NOT_INUSE INUSE BUSY INVALID UNAVAILABLE RINGING RINGINUSE ONHOLD".split()
)
ALL_CHANNELS, ALL_BRIDGES = "__AST_CHANNEL_ALL_TOPIC", "__AST_BRIDGE_ALL_TOPIC"
ALL_ENDPOINTS, ALL_DEVICES = "__AST_ENDPOINT_ALL_TOPIC", "__AST_DEVICE_STATE_ALL_TOPIC"
REMOTE_TECHNOLOGIES = ("PJSIP", "SIP", "IAX2", "DAHDI", "WebRTC", "Motif", "XMPP")


# --- the objects ------------------------------------------------------------------------------


@dataclass(eq=False)
class Channel:
    """One channel. A Local channel is two of them, ``;1`` and ``;2``, each the other's peer."""

    id: str
    name: str
    tech: str
    resource: str
    creationtime: str
    state: str = "Down"
    caller: Dict[str, str] = field(default_factory=lambda: {"name": "", "number": ""})
    connected: Dict[str, str] = field(
        default_factory=lambda: {"name": "", "number": ""}
    )
    accountcode: str = ""
    language: str = "en"
    context: str = "default"
    exten: str = "s"
    priority: int = 1
    app_name: str = ""
    app_data: str = ""
    vars: Dict[str, str] = field(default_factory=dict)
    reported: List[str] = field(default_factory=list)  # channelvars, in order
    peer: Channel | None = None  # the other half of a Local channel
    half: int = 0  # 1 or 2 for a Local channel
    app: str | None = None  # the Stasis application it is in
    app_args: List[str] = field(default_factory=list)
    # the application an originate puts it in when answered
    pending_app: str | None = None
    pending_args: List[str] = field(default_factory=list)
    # (context, exten, priority) to run
    after_answer: Tuple[str, str, int] | None = None
    bridge: Bridge | None = None
    media: List[Any] = field(default_factory=list)  # queued playbacks and recordings
    snooped: Channel | None = None
    created: bool = False  # channels.create: exists, not dialed yet
    dialstring: str = ""
    timer: _Timer | None = None  # a dialplan Wait, an originate timeout
    rtp: Tuple[str, int] | None = None  # where UnicastRTP media goes
    rtp_format: str = "ulaw"
    moh: bool = False
    silence: bool = False
    held: bool = False
    muted: set[str] = field(default_factory=set)
    gone: bool = False
    # in Stasis through the Stasis() application (sets STASISSTATUS)
    via_app: bool = True
    remote: bool = False  # a far end the test drives (PJSIP/alice): a "caller"
    dtmf_heard: List[str] = field(default_factory=list)  # DTMF sent to a remote party
    # media played to a remote party
    media_heard: List[str] = field(default_factory=list)

    def snapshot(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "protocol_id": "",
            "caller": dict(self.caller),
            "connected": dict(self.connected),
            "accountcode": self.accountcode,
            "dialplan": {
                "context": self.context,
                "exten": self.exten,
                "priority": self.priority,
                "app_name": self.app_name,
                "app_data": self.app_data,
            },
            "creationtime": self.creationtime,
            "language": self.language,
        }
        if self.reported:
            data["channelvars"] = {
                k: self.vars[k] for k in self.reported if k in self.vars
            }
        return data


@dataclass(eq=False)
class Bridge:
    """One bridge, with the channels in it (and the Announcer/Recorder channels it adds)."""

    id: str
    bridge_type: str
    technology: str
    name: str
    creationtime: str
    channels: List[Channel] = field(default_factory=list)
    vars: Dict[str, str] = field(default_factory=dict)
    reported: List[str] = field(default_factory=list)
    video_mode: str = "talker"
    video_source: str | None = None
    # the source a clear dropped, reported with the next change
    video_cleared: str | None = None
    moh: bool = False
    media: List[Any] = field(default_factory=list)
    gone: bool = False
    extras: List[str] = field(default_factory=list)  # Announcer/Recorder channels in it
    moh_name: str | None = None

    def snapshot(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "id": self.id,
            "technology": self.technology,
            "bridge_type": self.bridge_type,
            "bridge_class": "stasis",
            "creator": "Stasis",
            "name": self.name,
            "channels": [c.id for c in self.channels],
            "creationtime": self.creationtime,
            "video_mode": self.video_mode,
        }
        if self.video_source is not None:
            data["video_source_id"] = self.video_source
        if self.reported:
            data["bridgevars"] = {
                k: self.vars[k] for k in self.reported if k in self.vars
            }
        return data


@dataclass(eq=False)
class Playback:
    """A playback of one or more media URIs, in turn, on a channel or a bridge."""

    id: str
    media: List[str]
    target: Channel | Bridge
    language: str
    skipms: int = 3000
    index: int = 0
    state: str = "queued"
    timer: _Timer | None = None
    left: float | None = None  # seconds of the current media left when paused
    announcer: str | None = None  # the Announcer channel playing it into a bridge

    @property
    def target_uri(self) -> str:
        kind = "channel" if isinstance(self.target, Channel) else "bridge"
        return f"{kind}:{self.target.id}"

    def snapshot(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "id": self.id,
            "media_uri": self.media[self.index],
            "target_uri": self.target_uri,
            "language": self.language,
            "state": self.state,
        }
        if self.index + 1 < len(self.media):
            data["next_media_uri"] = self.media[self.index + 1]
        return data


@dataclass(eq=False)
class Recording:
    """A live recording of a channel or a bridge (``recordings/live``)."""

    name: str
    format: str
    target: Channel | Bridge
    max_duration: int = 0
    max_silence: int = 0
    if_exists: str = "fail"
    beep: bool = False
    terminate_on: str = "none"
    state: str = "queued"
    started: float = 0.0
    paused_at: float | None = None
    paused_total: float = 0.0
    muted: bool = False
    timer: _Timer | None = None
    cause: str | None = None
    duration: int | None = None
    recorder: str | None = None  # the Recorder channel in a bridge

    @property
    def target_uri(self) -> str:
        kind = "channel" if isinstance(self.target, Channel) else "bridge"
        return f"{kind}:{self.target.id}"

    def snapshot(self) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "name": self.name,
            "format": self.format,
            "state": self.state,
            "target_uri": self.target_uri,
        }
        if self.cause is not None:
            data["cause"] = self.cause
        if self.duration is not None:
            data["duration"] = self.duration
        return data


@dataclass
class Stored:
    """A stored recording (``recordings/stored``): its file's content and length."""

    name: str
    format: str
    content: bytes
    duration: float = 0.0

    def snapshot(self) -> Dict[str, Any]:
        return {"name": self.name, "format": self.format}


@dataclass(eq=False)
class App:
    """A registered Stasis application and what it is subscribed to."""

    name: str
    channels: Dict[str, int] = field(default_factory=dict)  # id -> references
    bridges: Dict[str, int] = field(default_factory=dict)
    endpoints: Dict[str, int] = field(default_factory=dict)
    devices: Dict[str, int] = field(default_factory=dict)
    all_channels: bool = False
    all_bridges: bool = False
    all_endpoints: bool = False
    all_devices: bool = False
    allowed: List[Any] = field(default_factory=list)
    disallowed: List[Any] = field(default_factory=list)

    def snapshot(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "channel_ids": (
                [ALL_CHANNELS] if self.all_channels else sorted(self.channels)
            ),
            "bridge_ids": [ALL_BRIDGES] if self.all_bridges else sorted(self.bridges),
            "endpoint_ids": (
                [ALL_ENDPOINTS] if self.all_endpoints else sorted(self.endpoints)
            ),
            "device_names": ([ALL_DEVICES] if self.all_devices else [])
            + list(self.devices),
            "events_allowed": list(self.allowed),
            "events_disallowed": list(self.disallowed),
        }

    def accepts(self, kind: str) -> bool:
        """Does the event filter let an event of type ``kind`` through?"""

        def types(rules: List[Any]) -> set[Any]:
            return {r.get("type") for r in rules if isinstance(r, dict)}

        if self.allowed and kind not in types(self.allowed):
            return False
        return not (self.disallowed and kind in types(self.disallowed))


@dataclass
class Endpoint:
    """An endpoint (``PJSIP/alice``) and the channels on it."""

    technology: str
    resource: str
    state: str = "online"
    channel_ids: List[str] = field(default_factory=list)

    def snapshot(self) -> Dict[str, Any]:
        return {
            "technology": self.technology,
            "resource": self.resource,
            "state": self.state,
            "channel_ids": list(self.channel_ids),
        }


def add_reference(table: Dict[str, int], key: str, delta: int) -> None:
    """Count ``delta`` more references to ``key`` in a subscription table (gone at zero)."""
    count = table.get(key, 0) + delta
    if count > 0:
        table[key] = count
    else:
        table.pop(key, None)


def wav_file(seconds: float, rate: int = 8000) -> bytes:
    """A RIFF/WAVE file of ``seconds`` of silence, 16-bit mono."""
    data = b"\x00\x00" * int(rate * max(0.0, seconds))
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + len(data), b"WAVE", b"fmt ", 16, 1, 1, rate, rate * 2, 2, 16,
        b"data", len(data),
    )  # fmt: skip
    return header + data


def split_args(text: str) -> List[str]:
    """Application arguments (``appArgs``, Stasis(app,args)): split at commas."""
    return text.split(",") if text else []


def comma_list(value: Any) -> List[str]:
    """A list parameter as Asterisk reads it: each item split at commas, empty parts dropped."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [p for item in items for p in str(item).split(",") if p != ""]


def variables_of(raw: Any, bulk: bool = False) -> List[Tuple[str, str, bool]]:
    """``{"A": "1", "B": {"value": "2", "report_events": true}}`` → (name, value, report).

    ``bulk``: the body of ``setChannelVars``/``setBridgeVars``, where a value that is neither a
    string nor an object is a 400 (elsewhere it is turned into a string)."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise StubError(400, "The 'variables' field must be a JSON object")
    found = []
    for name, value in raw.items():
        report = False
        if isinstance(value, dict):
            report = bool(value.get("report_events"))
            value = value.get("value", "")
        if not isinstance(value, str):
            if bulk:
                raise StubError(
                    400,
                    "Each value in 'variables' must be a string or an object with "
                    "'value' and optional 'report_events'",
                )
            value = str(value)
        found.append((str(name), value, report))
    return found
