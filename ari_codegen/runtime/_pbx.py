"""The in-memory Asterisk behind ``testing.StubAri``: state, statuses and events.

What a real Asterisk does with each operation, as measured against one (the integration suite
runs the same tests on both, and the traffic it recorded): the state an operation changes, the
status it answers in each situation (404, 409 "not in Stasis", 400, 422, ...), and the events it
sends, in Asterisk's order, to the applications subscribed to what changed. Nothing here does
I/O: the server (``testing``) routes requests to ``Pbx.handlers`` and delivers what ``Pbx``
emits; time comes from ``Clock``, which a test may drive.
"""

from __future__ import annotations

import fnmatch
import heapq
import itertools
import re
import struct
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, List, Mapping, Sequence, Tuple

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


# --- requests and answers ---------------------------------------------------------------------


@dataclass
class StubRequest:
    """One request as the stub received it."""

    method: str
    path: str  # as sent, percent-encoded, without the query
    query: List[Tuple[str, str]]  # decoded pairs, in order
    body: Any  # the decoded JSON body, or None
    headers: Dict[str, str]  # lower-case names
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
        self._loop = loop
        self._t0 = loop.time()
        self._arm()

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._loop = None

    def now(self) -> float:
        if self.scale and self._loop is not None:
            elapsed: float = self._loop.time() - self._t0
            return self._offset + elapsed / self.scale
        return self._offset

    def later(self, delay: float, fn: Callable[[], None]) -> _Timer:
        timer = _Timer(self.now() + max(0.0, delay), next(self._seq), fn)
        heapq.heappush(self._heap, timer)
        self._arm()
        return timer

    def _arm(self) -> None:
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
        self._handle = None
        current = self.now()
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
        self.on_fire()
        self._arm()

    def advance(self, seconds: float) -> None:
        """Move time forward, firing every timer due meanwhile, in order."""
        target = self.now() + max(0.0, seconds)
        while self._heap and self._heap[0].due <= target:
            timer = heapq.heappop(self._heap)
            if timer.cancelled:
                continue
            self._offset += max(0.0, timer.due - self.now())
            timer.fn()
        self._offset += max(0.0, target - self.now())
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
    pending_app: str | None = (
        None  # the application an originate puts it in when answered
    )
    pending_args: List[str] = field(default_factory=list)
    after_answer: Tuple[str, str, int] | None = (
        None  # (context, exten, priority) to run
    )
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
    via_app: bool = (
        True  # in Stasis through the Stasis() application (sets STASISSTATUS)
    )
    remote: bool = False  # a far end the test drives (PJSIP/alice): a "caller"
    dtmf_heard: List[str] = field(default_factory=list)  # DTMF sent to a remote party
    media_heard: List[str] = field(
        default_factory=list
    )  # media played to a remote party

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
    video_cleared: str | None = (
        None  # the source a clear dropped, reported with the next change
    )
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


def _ref(table: Dict[str, int], key: str, delta: int) -> None:
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


def _args(text: str) -> List[str]:
    return text.split(",") if text else []


class Pbx:
    """The whole in-memory Asterisk: see the module's docstring."""

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
        self.modules: Dict[str, Tuple[str, str, bool]] = {
            name: (desc, level, reload) for name, desc, level, reload in MODULES
        }
        self.available_modules = dict(self.modules)
        self.log_channels: Dict[str, Tuple[str, str]] = {
            "/var/log/asterisk/messages": ("File", "NOTICE WARNING ERROR VERBOSE "),
            "": ("Console", "NOTICE WARNING ERROR VERBOSE "),
        }
        self.config_log = set(self.log_channels)
        self.ari_config: Dict[str, Dict[str, str]] = {
            "general": {
                "enabled": "yes",
                "pretty": "no",
                "allowed_origins": "*",
                "auth_realm": "Asterisk REST Interface",
                "websocket_write_timeout": "100",
                "channelvars": "",
            }
        }
        self.started = now()
        self.deferred: List[Callable[[], None]] = []
        self._seq = itertools.count()
        self._ids = itertools.count(int(time.time()))
        self._unique = itertools.count()

    # -- plumbing ------------------------------------------------------------------------------

    def defer(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the current request's response is on its way (or at once outside a
        request): what Asterisk does after it answered."""
        self.deferred.append(fn)

    def run_deferred(self) -> None:
        while self.deferred:
            fn = self.deferred.pop(0)
            fn()

    def emit(self, kind: str, apps: Iterable[str], **fields: Any) -> None:
        targets = []
        for name in dict.fromkeys(apps):
            app = self.apps.get(name)
            if app is not None and app.accepts(kind):
                targets.append(name)
        if targets:
            self.deliver({"type": kind, **fields}, targets)

    def channel_apps(self, *channels: Channel | None) -> List[str]:
        found: List[str] = []
        for chan in channels:
            if chan is None:
                continue
            for app in self.apps.values():
                if app.all_channels or chan.id in app.channels:
                    found.append(app.name)
        return found

    def bridge_apps(self, bridge: Bridge | None) -> List[str]:
        if bridge is None:
            return []
        return [
            a.name
            for a in self.apps.values()
            if a.all_bridges or bridge.id in a.bridges
        ]

    def unique_id(self) -> str:
        return f"{next(self._ids)}.{next(self._unique)}"

    def counter(self) -> int:
        return next(self._seq)

    # -- applications --------------------------------------------------------------------------

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
        app = self.apps.pop(name, None)
        if app is not None and (app.channels or app.bridges):
            self.dormant[name] = app

    def subscribe_channel(self, app: str | None, chan: Channel, delta: int = 1) -> None:
        found = self.apps.get(app) if app else None
        if found is not None:
            _ref(found.channels, chan.id, delta)

    def subscribe_bridge(self, app: str | None, bridge: Bridge, delta: int = 1) -> None:
        found = self.apps.get(app) if app else None
        if found is not None:
            _ref(found.bridges, bridge.id, delta)

    # -- channels: making them -----------------------------------------------------------------

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
        cid = channel_id or self.unique_id()
        if number is None:
            number = self.counter()
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
        self.channels[cid] = chan
        self.emit("ChannelCreated", self.channel_apps(chan), channel=chan.snapshot())
        return chan

    def ch_event(self, kind: str, chan: Channel, **fields: Any) -> None:
        self.emit(kind, self.channel_apps(chan), channel=chan.snapshot(), **fields)

    def set_state(self, chan: Channel, state: str) -> None:
        if chan.state != state and not chan.gone:
            chan.state = state
            self.ch_event("ChannelStateChange", chan)

    def set_var(
        self, chan: Channel, name: str, value: str, report: bool = False
    ) -> None:
        chan.vars[name] = value
        if report and name not in chan.reported:
            chan.reported.append(name)
        self.ch_event("ChannelVarset", chan, variable=name, value=value)

    def set_caller(self, chan: Channel, caller_id: str) -> None:
        found = re.match(
            r'^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]*)>\s*$', caller_id
        )
        if found:
            name = (found.group(1) or found.group(2) or "").replace('\\"', '"')
            number = found.group(3)
        else:
            name, number = "", caller_id.strip()
        chan.caller = {"name": name.strip(), "number": number}

    def dial_event(
        self, peer: Channel, status: str, dialstring: str | None = None
    ) -> None:
        apps = self.channel_apps(peer, peer.peer)
        self.emit(
            "Dial",
            apps,
            dialstatus=status,
            forward="",
            dialstring=peer.dialstring if dialstring is None else dialstring,
            peer=peer.snapshot(),
        )

    # -- Stasis --------------------------------------------------------------------------------

    def enter_stasis(self, chan: Channel, app: str, args: List[str]) -> None:
        """The channel runs Stasis(app): StasisStart, or hung up when nobody listens."""
        if chan.gone:
            return
        chan.app_name, chan.app_data = "Stasis", ",".join([app, *args])
        self.subscribe_channel(app, chan)
        if app not in self.apps:
            self.set_var(chan, "STASISSTATUS", "")
            self.set_var(chan, "STASISSTATUS", "FAILED")
            self.hangup(chan, 0)
            return
        self.set_var(chan, "STASISSTATUS", "")
        chan.app, chan.app_args = app, list(args)
        self.emit(
            "StasisStart",
            self.channel_apps(chan),
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
        self.emit("StasisEnd", self.channel_apps(chan), channel=chan.snapshot())
        self.subscribe_channel(app, chan, -1)
        if not chan.via_app:
            return
        chan.vars["STASISSTATUS"] = status
        if gone:  # Stasis() returns and sets STASISSTATUS
            self.emit(
                "ChannelVarset",
                self.channel_apps(chan),
                variable="STASISSTATUS",
                value=status,
                channel=chan.snapshot(),
            )

    # -- the dialplan --------------------------------------------------------------------------

    def run_dialplan(
        self, chan: Channel, context: str, exten: str, priority: int = 1
    ) -> None:
        chan.context, chan.exten, chan.priority = context, exten, priority
        self._step(chan)

    def _substitute(self, chan: Channel, text: str) -> str:
        def value(found: re.Match[str]) -> str:
            name = found.group(1)
            if name == "EXTEN":
                return chan.exten
            if name == "CONTEXT":
                return chan.context
            return chan.vars.get(name, self.global_vars.get(name, ""))

        return re.sub(r"\$\{([^}]+)\}", value, text)

    def _step(self, chan: Channel) -> None:
        if chan.gone or chan.app is not None:
            return
        steps = [
            s
            for s in self.dialplan.steps(chan.context, chan.exten)
            if s.priority >= chan.priority
        ]
        if not steps:
            self.hangup(chan, 16)
            return
        step = steps[0]
        chan.priority = step.priority
        app, data = step.app, self._substitute(chan, step.data)
        lower = app.lower()
        if not (lower == "answer" and chan.state == "Up"):
            chan.app_name, chan.app_data = app, data
            self.ch_event(
                "ChannelDialplan", chan, dialplan_app=app, dialplan_app_data=data
            )

        def then() -> None:
            if not chan.gone and chan.app is None and chan.priority == step.priority:
                chan.priority = step.priority + 1
                self._step(chan)

        if lower == "answer":
            was_up = chan.state == "Up"
            self.answer(chan)
            # Asterisk's Answer() waits for the first voice frame (up to 500 ms) before the
            # next priority runs
            chan.timer = self.clock.later(0.0 if was_up else ANSWER_WAIT, then)
        elif lower == "stasis":
            parts = _args(data)
            self.enter_stasis(chan, parts[0] if parts else "", parts[1:])
        elif lower == "hangup":
            self.hangup(chan, int(data) if data.isdigit() else 16)
        elif lower == "wait":
            try:
                seconds = float(data or 0)
            except ValueError:
                seconds = 0.0
            chan.timer = self.clock.later(seconds, then)
        elif lower == "playback":
            sound = self.sounds.get(data.split(",")[0])
            chan.timer = self.clock.later(sound.duration if sound else 0.0, then)
        elif lower == "echo":
            pass  # until hung up
        elif lower == "set":
            name, _, value = data.partition("=")
            self.set_var(chan, name.strip(), value)
            then()
        elif lower == "ringing":
            self.set_state(chan, "Ringing")
            then()
        elif lower == "progress":
            then()
        else:
            then()

    # -- answering and hanging up --------------------------------------------------------------

    def answer(self, chan: Channel) -> None:
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
            self.enter_stasis(chan, app, args)
        elif chan.after_answer is not None:
            context, exten, priority = chan.after_answer
            chan.after_answer = None
            self.run_dialplan(chan, context, exten, priority)

    def hangup(self, chan: Channel, cause: int = 16, soft: bool = False) -> None:
        """Hang ``chan`` up with ``cause``; a Local channel's other half follows it. ``soft``:
        requested through ARI (a soft hangup request comes first, as Asterisk sends it).
        """
        if chan.gone:
            return
        peer = chan.peer if chan.peer is not None and not chan.peer.gone else None
        if soft:
            self.ch_event("ChannelHangupRequest", chan, cause=32, soft=True)
        self._tear_down(chan)
        if peer is None:
            self._destroy(chan, cause)
            return
        self.ch_event("ChannelHangupRequest", peer, cause=cause)
        self.leave_stasis(peer, gone=True)
        self._destroy(chan, cause)
        self.ch_event("ChannelHangupRequest", peer, cause=16, soft=True)
        self._tear_down(peer)
        self._destroy(peer, cause)

    def _tear_down(self, chan: Channel) -> None:
        chan.gone = True
        if chan.timer is not None:
            chan.timer.cancel()
            chan.timer = None
        for item in list(chan.media):
            if isinstance(item, Playback):
                self.playback_finished(item, "failed")
            else:
                self.recording_finished(item, "done")
        if chan.bridge is not None:
            self.leave_bridge(chan.bridge, chan)
        for other in list(self.channels.values()):
            if other.snooped is chan and not other.gone:
                self.hangup(other, 16)
        self.leave_stasis(chan, gone=True)

    def _destroy(self, chan: Channel, cause: int) -> None:
        chan.gone = True
        if chan.state != "Up" and chan.half == 1 and chan.peer is not None:
            self.dial_event(chan, "CANCEL" if cause == 16 else "NOANSWER")
        self.ch_event(
            "ChannelDestroyed",
            chan,
            cause=cause,
            cause_txt=CAUSES.get(cause, "Unknown"),
        )
        self.channels.pop(chan.id, None)
        for app in self.apps.values():
            app.channels.pop(chan.id, None)
        for endpoint in self.endpoints.values():
            if chan.id in endpoint.channel_ids:
                endpoint.channel_ids.remove(chan.id)

    # -- DTMF ----------------------------------------------------------------------------------

    def dtmf_received(self, chan: Channel, digit: str, duration: int) -> None:
        if chan.gone:
            return
        self.ch_event("ChannelDtmfReceived", chan, digit=digit, duration_ms=duration)
        for item in list(chan.media):
            if isinstance(item, Recording) and item.state in ("recording", "paused"):
                stop = item.terminate_on
                if stop == "any" or (stop not in ("none", "") and digit in stop):
                    self.recording_finished(item, "done")

    def send_dtmf(
        self, chan: Channel, digits: str, before: int, between: int, duration: int
    ) -> None:
        """DTMF sent on ``chan`` is heard by the other half of a Local channel (or a remote
        party, who keeps it in ``dtmf_heard``)."""
        heard = chan.peer
        delay = before / 1000.0
        for digit in digits:
            if heard is not None:
                self.clock.later(
                    delay + duration / 1000.0,
                    self._dtmf_later(heard, digit, max(duration, 100)),
                )
            elif chan.remote:
                chan.dtmf_heard.append(digit)
            delay += (duration + between) / 1000.0

    def _dtmf_later(
        self, chan: Channel, digit: str, duration: int
    ) -> Callable[[], None]:
        return lambda: self.dtmf_received(chan, digit, duration)

    # -- media: playbacks and recordings -------------------------------------------------------

    def queue_media(self, target: Channel | Bridge, item: Any) -> None:
        target.media.append(item)
        if target.media[0] is item:
            self.defer(lambda: self._start_media(target))

    def _start_media(self, target: Channel | Bridge) -> None:
        if not target.media or target.gone:
            return
        item = target.media[0]
        if isinstance(item, Playback):
            if item.state == "queued":
                self._play_current(item)
        elif item.state == "queued":
            self._record(item)

    def _next_media(self, target: Channel | Bridge, item: Any) -> None:
        if item in target.media:
            target.media.remove(item)
            if target.media:
                self._start_media(target)

    def _target_apps(self, target: Channel | Bridge) -> List[str]:
        if isinstance(target, Channel):
            return self.channel_apps(target)
        return self.bridge_apps(target)

    def media_length(self, uri: str) -> float | None:
        """Seconds ``uri`` plays; None: until stopped; a negative number: it fails."""
        scheme, _, rest = uri.partition(":")
        if scheme == "sound":
            sound = self.sounds.get(rest)
            return sound.duration if sound else -1.0
        if scheme == "tone":
            return None
        if scheme == "recording":
            stored = self.stored.get(rest)
            return stored.duration if stored else -1.0
        if scheme in ("digits", "characters"):
            return 0.0
        return -1.0

    def _play_current(self, playback: Playback) -> None:
        if isinstance(playback.target, Bridge) and playback.announcer is None:
            playback.announcer = self.bridge_extra(playback.target, "ARI", quiet=True)
        playback.state = "playing"
        apps = self._target_apps(playback.target)
        self.emit("PlaybackStarted", apps, playback=playback.snapshot())
        uri = playback.media[playback.index]
        target = playback.target
        if isinstance(target, Channel):
            if target.remote:
                target.media_heard.append(uri)
            if target.rtp is not None:
                self._send_rtp(target)
        length = self.media_length(uri)
        if length is None:
            return
        if length < 0:
            playback.timer = self.clock.later(
                0.0, lambda: self.playback_finished(playback, "failed")
            )
            return
        playback.timer = self.clock.later(length, lambda: self._media_done(playback))

    def _media_done(self, playback: Playback) -> None:
        playback.timer = None
        if playback.index + 1 < len(playback.media):
            playback.state = "continuing"
            apps = self._target_apps(playback.target)
            self.emit("PlaybackContinuing", apps, playback=playback.snapshot())
            playback.index += 1
            self._play_current(playback)
            return
        self.playback_finished(playback, "done")

    def playback_finished(self, playback: Playback, state: str) -> None:
        if playback.timer is not None:
            playback.timer.cancel()
            playback.timer = None
        if playback.state in ("done", "failed"):
            return
        was_queued = playback.state == "queued"
        playback.state = state
        self.playbacks.pop(playback.id, None)
        if not was_queued:
            apps = self._target_apps(playback.target)
            self.emit("PlaybackFinished", apps, playback=playback.snapshot())
        if isinstance(playback.target, Bridge):
            self.bridge_extra_gone(playback.target, playback.announcer)
        self._next_media(playback.target, playback)

    def _send_rtp(self, chan: Channel) -> None:
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

    def _record(self, recording: Recording) -> None:
        target = recording.target
        if isinstance(target, Channel) and target.bridge is not None:
            recording.state, recording.cause = (
                "failed",
                "Cannot record channel while in bridge",
            )
            self.live.pop(recording.name, None)
            self.emit(
                "RecordingFailed",
                self._target_apps(target),
                recording=recording.snapshot(),
            )
            self._next_media(target, recording)
            return

        def start() -> None:
            if recording.state != "queued":
                return
            if isinstance(target, Bridge):
                recording.recorder = self.bridge_extra(target, "REC")
            recording.state = "recording"
            recording.started = self.clock.now()
            self.emit(
                "RecordingStarted",
                self._target_apps(target),
                recording=recording.snapshot(),
            )
            if recording.max_duration > 0:
                recording.timer = self.clock.later(
                    recording.max_duration,
                    lambda: self.recording_finished(recording, "done"),
                )

        if recording.beep:
            recording.timer = self.clock.later(0.25, start)
        else:
            start()

    def recording_seconds(self, recording: Recording) -> float:
        if recording.state == "queued":
            return 0.0
        end = (
            recording.paused_at if recording.paused_at is not None else self.clock.now()
        )
        return max(0.0, end - recording.started - recording.paused_total)

    def recording_finished(
        self, recording: Recording, state: str, keep: bool = True
    ) -> None:
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
        self.live.pop(recording.name, None)
        if keep:
            old = self.stored.get(recording.name)
            if recording.if_exists == "append" and old is not None:
                seconds += old.duration
            content = (
                wav_file(seconds)
                if recording.format.startswith("wav")
                else b"\x00\x00" * int(8000 * seconds)
            )
            self.stored[recording.name] = Stored(
                recording.name, recording.format, content, seconds
            )
        if not was_queued or state == "done":
            self.emit(
                "RecordingFinished",
                self._target_apps(recording.target),
                recording=recording.snapshot(),
            )
        if isinstance(recording.target, Bridge):
            self.bridge_extra_gone(recording.target, recording.recorder)
        self._next_media(recording.target, recording)

    # -- bridges -------------------------------------------------------------------------------

    def _bridge_peers(self, bridge: Bridge, quiet: bool = False) -> None:
        """BRIDGEPEER of each member: the others (the Announcer or Recorder that plays or
        records in a mixing bridge too), as Asterisk sets it on every change."""
        for chan in list(bridge.channels):
            others = [c.name for c in reversed(bridge.channels) if c is not chan]
            value = ",".join(list(reversed(bridge.extras)) + others)
            if chan.vars.get("BRIDGEPEER", "") != value:
                if quiet:
                    chan.vars["BRIDGEPEER"] = value
                else:
                    self.set_var(chan, "BRIDGEPEER", value)

    def bridge_extra(
        self, bridge: Bridge, kind: str | None, quiet: bool = False
    ) -> str | None:
        """An Announcer/Recorder joins a mixing bridge (``kind``: "ARI", "ARI_MOH", a recorder
        with "REC"); returns its name, to pass to ``bridge_extra_gone``."""
        if bridge.bridge_type != "mixing" or kind is None:
            return None
        tech = "Recorder" if kind == "REC" else "Announcer"
        name = f"{tech}/{'ARI' if kind == 'REC' else kind}-{self.counter():08x};2"
        bridge.extras.append(name)
        self._bridge_peers(bridge, quiet)
        return name

    def bridge_extra_gone(self, bridge: Bridge, name: str | None) -> None:
        if name is not None and name in bridge.extras:
            bridge.extras.remove(name)
            if not bridge.gone:
                self._bridge_peers(bridge)

    def _video_changed(self, bridge: Bridge) -> None:
        if bridge.video_cleared is not None:
            old, bridge.video_cleared = bridge.video_cleared, None
            self.emit(
                "BridgeVideoSourceChanged",
                self.bridge_apps(bridge),
                bridge=bridge.snapshot(),
                old_video_source_id=old,
            )

    def enter_bridge(self, bridge: Bridge, chan: Channel) -> None:
        if chan.bridge is bridge:
            return
        if chan.bridge is not None:
            self.leave_bridge(chan.bridge, chan)
        bridge.channels.append(chan)
        chan.bridge = bridge
        self.subscribe_bridge(chan.app, bridge)
        if bridge.bridge_type == "mixing" and len(bridge.channels) > 2:
            bridge.technology = "softmix"
        self.emit(
            "ChannelEnteredBridge",
            self.bridge_apps(bridge) + self.channel_apps(chan),
            bridge=bridge.snapshot(),
            channel=chan.snapshot(),
        )
        self._video_changed(bridge)

    def leave_bridge(self, bridge: Bridge, chan: Channel) -> None:
        if chan not in bridge.channels:
            return
        if chan.vars.get("BRIDGEPEER"):
            self.set_var(chan, "BRIDGEPEER", "")
        bridge.channels.remove(chan)
        chan.bridge = None
        if bridge.video_source == chan.id:
            bridge.video_source = None
            bridge.video_mode = "talker"
        apps = self.bridge_apps(bridge) + self.channel_apps(chan)
        self.emit(
            "ChannelLeftBridge", apps, bridge=bridge.snapshot(), channel=chan.snapshot()
        )
        self.subscribe_bridge(chan.app, bridge, -1)
        self._bridge_peers(bridge)
        self._video_changed(bridge)

    # -- the operations ------------------------------------------------------------------------

    def handlers(self) -> Dict[str, Callable[[StubRequest], Any]]:
        """``{"channels.get": handler, ...}``: every operation the stub models."""
        found: Dict[str, Callable[[StubRequest], Any]] = {}
        for attr in dir(self):
            if attr.startswith("op_"):
                resource, _, nickname = attr[3:].partition("__")
                found[f"{resource}.{nickname}"] = getattr(self, attr)
        return found

    def _chan(self, r: StubRequest, message: str = "Channel not found") -> Channel:
        chan = self.channels.get(r.path_params.get("channelId", ""))
        if chan is None or chan.gone:
            raise StubError(404, message)
        return chan

    def _control(self, r: StubRequest, message: str = "Channel not found") -> Channel:
        """The channel, which must be in Stasis (Asterisk's find_control)."""
        chan = self._chan(r, message)
        if chan.app is None:
            raise StubError(409, "Channel not in Stasis application")
        return chan

    def _bridge(self, r: StubRequest, message: str = "Bridge not found") -> Bridge:
        bridge = self.bridges.get(r.path_params.get("bridgeId", ""))
        if bridge is None or bridge.gone:
            raise StubError(404, message)
        return bridge

    @staticmethod
    def _list(value: Any) -> List[str]:
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        return [p for item in items for p in str(item).split(",") if p != ""]

    def _variables(self, raw: Any, bulk: bool = False) -> List[Tuple[str, str, bool]]:
        """``{"A": "1", "B": {"value": "2", "report_events": true}}`` → (name, value, report)."""
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

    # -- asterisk ------------------------------------------------------------------------------

    def op_asterisk__getInfo(self, r: StubRequest) -> Dict[str, Any]:
        info: Dict[str, Any] = {
            "build": {
                "os": "Linux",
                "kernel": "stub",
                "machine": "x86_64",
                "options": "OPTIONAL_API",
                "date": self.started[:10],
                "user": "stub",
            },
            "system": {"version": self.version, "entity_id": self.asterisk_id},
            "config": {
                "name": "",
                "default_language": "en",
                "setid": {"user": "asterisk", "group": "asterisk"},
            },
            "status": {"startup_time": self.started, "last_reload_time": self.started},
        }
        only = self._list(r.params.get("only"))
        return {k: v for k, v in info.items() if not only or k in only}

    version = "0.0.0"

    def op_asterisk__ping(self, r: StubRequest) -> Dict[str, Any]:
        return {"ping": "pong", "timestamp": now(), "asterisk_id": self.asterisk_id}

    def op_asterisk__getGlobalVar(self, r: StubRequest) -> Dict[str, Any]:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        return {"value": self.global_vars.get(name, "")}

    def op_asterisk__setGlobalVar(self, r: StubRequest) -> None:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        value = r.params.get("value")
        if value is None or value == "":
            self.global_vars.pop(name, None)
        else:
            self.global_vars[name] = str(value)
        everyone = [a.name for a in self.apps.values() if a.all_channels]
        self.emit("ChannelVarset", everyone, variable=name, value=str(value or ""))

    def _module(self, name: str) -> Dict[str, Any]:
        desc, level, _ = self.modules[name]
        uses = 13 if name == "res_ari.so" else (1 if name.startswith("res_ari_") else 0)
        return {
            "name": name,
            "description": desc,
            "use_count": uses,
            "status": "Running",
            "support_level": level,
        }

    def op_asterisk__listModules(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [self._module(n) for n in sorted(self.modules)]

    def op_asterisk__getModule(self, r: StubRequest) -> Dict[str, Any]:
        name = r.path_params["moduleName"]
        if name in self.modules:
            return self._module(name)
        if f"{name}.so" in self.modules:
            raise StubError(409, "Module information could not be retrieved")
        raise StubError(404, "Module could not be found in running modules")

    def op_asterisk__loadModule(self, r: StubRequest) -> None:
        name = r.path_params["moduleName"]
        if name in self.modules:
            raise StubError(409, "Module is already loaded")
        if name not in self.available_modules:
            raise StubError(409, "Module load declined")
        self.modules[name] = self.available_modules[name]

    def op_asterisk__unloadModule(self, r: StubRequest) -> None:
        name = r.path_params["moduleName"]
        if name not in self.modules:
            raise StubError(404, "Module not found in running modules")
        del self.modules[name]

    def op_asterisk__reloadModule(self, r: StubRequest) -> None:
        name = r.path_params["moduleName"]
        if name not in self.modules:
            raise StubError(404, "Module not found in running modules")
        if not self.modules[name][2]:
            raise StubError(409, "Module does not support reloading")

    def op_asterisk__listLogChannels(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [
            {
                "channel": path,
                "type": kind,
                "status": "Enabled",
                "configuration": levels,
            }
            for path, (kind, levels) in self.log_channels.items()
        ]

    def _log_path(self, name: str) -> str | None:
        for path in self.log_channels:
            if path == name or (path and path.rsplit("/", 1)[-1] == name):
                return path
        return None

    def op_asterisk__addLog(self, r: StubRequest) -> None:
        name = r.path_params["logChannelName"]
        levels = [
            p.strip().upper()
            for p in str(r.params.get("configuration") or "").split(",")
            if p.strip()
        ]
        if not levels:
            raise StubError(400, "Configuration levels are required")
        if self._log_path(name) is not None:
            raise StubError(409, "Log channel already exists")
        path = name if name.startswith("/") else f"/var/log/asterisk/{name}"
        self.log_channels[path] = ("File", "".join(f"{lvl} " for lvl in levels))

    def op_asterisk__deleteLog(self, r: StubRequest) -> None:
        path = self._log_path(r.path_params["logChannelName"])
        if path is None:
            raise StubError(404, "Log channel does not exist")
        del self.log_channels[path]

    def op_asterisk__rotateLog(self, r: StubRequest) -> None:
        if self._log_path(r.path_params["logChannelName"]) is None:
            raise StubError(404, "Log channel does not exist")
        # Asterisk re-reads logger.conf when it rotates: channels added at run time are gone
        for path in [p for p in self.log_channels if p not in self.config_log]:
            del self.log_channels[path]

    # dynamic configuration (sorcery): res_mwi_external's mailboxes (the mailboxes resource),
    # res_ari's general section (from a file: read-only), res_websocket_client (read-only)
    _SORCERY = {
        "res_mwi_external": ("mailboxes",),
        "res_ari": ("general", "user"),
        "res_websocket_client": ("websocket_client",),
    }

    def _sorcery(self, r: StubRequest) -> Tuple[str, str, str]:
        cls, kind, oid = (
            r.path_params["configClass"],
            r.path_params["objectType"],
            r.path_params["id"],
        )
        if cls not in self._SORCERY:
            raise StubError(404, f"configClass '{cls}' not found")
        if kind not in self._SORCERY[cls]:
            raise StubError(404, f"objectType '{kind}' not found")
        return cls, kind, oid

    def _object(self, cls: str, kind: str, oid: str) -> Dict[str, str] | None:
        if cls == "res_mwi_external":
            box = self.mailboxes.get(oid)
            if box is None:
                return None
            return {"msgs_new": str(box[1]), "msgs_old": str(box[0])}
        if cls == "res_ari" and kind == "general":
            return self.ari_config.get(oid)
        return None

    @staticmethod
    def _tuples(fields: Mapping[str, str]) -> List[Dict[str, str]]:
        return [{"attribute": k, "value": v} for k, v in fields.items()]

    def op_asterisk__getObject(self, r: StubRequest) -> List[Dict[str, str]]:
        cls, kind, oid = self._sorcery(r)
        found = self._object(cls, kind, oid)
        if found is None:
            raise StubError(404, f"Object with id '{oid}' not found")
        return self._tuples(found)

    def op_asterisk__updateObject(self, r: StubRequest) -> List[Dict[str, str]]:
        cls, kind, oid = self._sorcery(r)
        existing = self._object(cls, kind, oid)
        body = r.params.get("fields")
        if isinstance(r.body, dict) and "fields" in r.body:
            body = r.body["fields"]
        fields = body if isinstance(body, list) else []
        if cls != "res_mwi_external":
            if existing is None:
                raise StubError(403, f"Cannot create sorcery objects of type '{kind}'")
            raise StubError(403, f"Cannot update sorcery objects of type '{kind}'")
        if existing is not None and not fields:
            raise StubError(400, f"Fields must be provided to update object '{oid}'")
        values = dict(existing or {"msgs_new": "0", "msgs_old": "0"})
        for item in fields:
            attribute = item.get("attribute") if isinstance(item, dict) else None
            value = item.get("value") if isinstance(item, dict) else None
            if (
                attribute not in ("msgs_new", "msgs_old")
                or not str(value).lstrip("-").isdigit()
            ):
                what = "Update" if existing is not None else "Creation"
                raise StubError(
                    400, f"{what} of object '{oid}' failed field value validation"
                )
            values[str(attribute)] = str(int(str(value)))
        self.mailboxes[oid] = (int(values["msgs_old"]), int(values["msgs_new"]))
        return self._tuples(values)

    def op_asterisk__deleteObject(self, r: StubRequest) -> None:
        cls, kind, oid = self._sorcery(r)
        if self._object(cls, kind, oid) is None:
            raise StubError(404, f"Object with id '{oid}' not found")
        if cls != "res_mwi_external":
            raise StubError(403, f"Could not delete object with id '{oid}'")
        del self.mailboxes[oid]

    # -- applications --------------------------------------------------------------------------

    def _app(self, r: StubRequest) -> App:
        app = self.apps.get(r.path_params.get("applicationName", ""))
        if app is None:
            raise StubError(404, "Application not found")
        return app

    def op_applications__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [a.snapshot() for _, a in sorted(self.apps.items())]

    def op_applications__get(self, r: StubRequest) -> Dict[str, Any]:
        return self._app(r).snapshot()

    def _sources(self, raw: Any, user_event: bool = False) -> List[Tuple[str, str]]:
        sources = []
        for source in self._list(raw):
            scheme, colon, rest = source.partition(":")
            schemes = ("channel", "bridge", "endpoint") if user_event else (
                "channel", "bridge", "endpoint", "deviceState",
            )  # fmt: skip
            if not colon or scheme not in schemes:
                raise StubError(400, "Invalid event source URI scheme")
            sources.append((scheme, rest))
        return sources

    def _source_exists(self, scheme: str, rest: str) -> bool:
        if scheme == "channel":
            chan = self.channels.get(rest)
            return chan is not None and not chan.gone
        if scheme == "bridge":
            return rest in self.bridges
        if scheme == "endpoint":
            tech, _, res = rest.partition("/")
            return (tech, res) in self.endpoints
        return True

    def op_applications__subscribe(self, r: StubRequest) -> Dict[str, Any]:
        app = self._app(r)
        sources = self._sources(r.params.get("eventSource"))
        for scheme, rest in sources:
            if rest and not self._source_exists(scheme, rest):
                raise StubError(422, "Event source does not exist")
        for scheme, rest in sources:
            if not rest:
                setattr(app, {"channel": "all_channels", "bridge": "all_bridges",
                              "endpoint": "all_endpoints", "deviceState": "all_devices"}[scheme], True)  # fmt: skip
                continue
            table = {"channel": app.channels, "bridge": app.bridges,
                     "endpoint": app.endpoints, "deviceState": app.devices}[scheme]  # fmt: skip
            _ref(table, rest, 1)
        return app.snapshot()

    def op_applications__unsubscribe(self, r: StubRequest) -> Dict[str, Any]:
        app = self._app(r)
        sources = self._sources(r.params.get("eventSource"))
        for scheme, rest in sources:
            if not rest:
                if scheme != "deviceState":
                    raise StubError(501, "Method not implemented")
                continue
            table = {"channel": app.channels, "bridge": app.bridges,
                     "endpoint": app.endpoints, "deviceState": app.devices}[scheme]  # fmt: skip
            if rest not in table:
                raise StubError(422, "Event source was not subscribed to")
        for scheme, rest in sources:
            if not rest:
                app.all_devices = False
                continue
            table = {"channel": app.channels, "bridge": app.bridges,
                     "endpoint": app.endpoints, "deviceState": app.devices}[scheme]  # fmt: skip
            table.pop(rest, None)
        return app.snapshot()

    def op_applications__filter(self, r: StubRequest) -> Dict[str, Any]:
        app = self._app(r)
        body = r.params.get("filter")
        if body is None:
            app.allowed, app.disallowed = [], []
            return app.snapshot()
        lists = {}
        for key in ("allowed", "disallowed"):
            if key in body:
                value = body[key]
                if not isinstance(value, list) or not all(
                    isinstance(v, dict) for v in value
                ):
                    raise StubError(400, "Invalid format definition")
                lists[key] = value
        if "allowed" in lists:
            app.allowed = lists["allowed"]
        if "disallowed" in lists:
            app.disallowed = lists["disallowed"]
        return app.snapshot()

    # -- events --------------------------------------------------------------------------------

    def op_events__userEvent(self, r: StubRequest) -> None:
        name = r.path_params["eventName"]
        application = r.params.get("application") or ""
        if not application:
            raise StubError(400, "Missing parameter application")
        if application not in self.apps:
            raise StubError(404, "Application not found")
        sources = self._sources(r.params.get("source"), user_event=True)
        objects: Dict[str, Any] = {}
        for scheme, rest in sources:
            if not self._source_exists(scheme, rest):
                raise StubError(422, "Event source was not found")
            if scheme == "channel":
                objects["channel"] = self.channels[rest].snapshot()
            elif scheme == "bridge":
                objects["bridge"] = self.bridges[rest].snapshot()
            else:
                tech, _, res = rest.partition("/")
                objects["endpoint"] = self.endpoints[(tech, res)].snapshot()
        variables = r.params.get("variables") or {}
        self.emit(
            "ChannelUserevent",
            [application],
            eventname=name,
            userevent={**variables, "eventname": name},
            **objects,
        )

    def op_events__claimChannel(self, r: StubRequest) -> None:
        if not r.params.get("channelId"):
            raise StubError(400, "channelId parameter is required")
        if not r.params.get("application"):
            raise StubError(400, "application parameter is required")
        raise StubError(
            501,
            "Broadcast functionality not available (res_stasis_broadcast not loaded)",
        )

    # -- device states, mailboxes --------------------------------------------------------------

    def op_deviceStates__list(self, r: StubRequest) -> List[Dict[str, str]]:
        return [{"name": n, "state": s} for n, s in self.device_states.items()]

    def op_deviceStates__get(self, r: StubRequest) -> Dict[str, str]:
        name = r.path_params["deviceName"]
        if not name.startswith("Stasis:"):
            return {"name": name, "state": "INVALID"}
        return {"name": name, "state": self.device_states.get(name, "UNKNOWN")}

    def op_deviceStates__update(self, r: StubRequest) -> None:
        name = r.path_params["deviceName"]
        if not name.startswith("Stasis:"):
            raise StubError(409, "Uncontrolled device specified")
        state = str(r.params.get("deviceState") or "").upper()
        if state not in DEVICE_STATES or state == "UNKNOWN":
            raise StubError(500, "Unknown device")
        self.set_device_state(name, state)

    def set_device_state(self, name: str, state: str) -> None:
        self.device_states[name] = state
        apps = [
            a.name for a in self.apps.values() if a.all_devices or name in a.devices
        ]
        self.emit(
            "DeviceStateChanged", apps, device_state={"name": name, "state": state}
        )

    def op_deviceStates__delete(self, r: StubRequest) -> None:
        name = r.path_params["deviceName"]
        if not name.startswith("Stasis:"):
            raise StubError(409, "Uncontrolled device specified")
        self.device_states.pop(name, None)

    def op_mailboxes__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [
            {"name": n, "old_messages": old, "new_messages": new}
            for n, (old, new) in sorted(self.mailboxes.items())
        ]

    def op_mailboxes__get(self, r: StubRequest) -> Dict[str, Any]:
        name = r.path_params["mailboxName"]
        if name not in self.mailboxes:
            raise StubError(404, "Mailbox is does not exist")
        old, new = self.mailboxes[name]
        return {"name": name, "old_messages": old, "new_messages": new}

    def op_mailboxes__update(self, r: StubRequest) -> None:
        self.mailboxes[r.path_params["mailboxName"]] = (
            int(r.params.get("oldMessages") or 0),
            int(r.params.get("newMessages") or 0),
        )

    def op_mailboxes__delete(self, r: StubRequest) -> None:
        if self.mailboxes.pop(r.path_params["mailboxName"], None) is None:
            raise StubError(404, "Mailbox does not exist")

    # -- sounds, endpoints ---------------------------------------------------------------------

    @staticmethod
    def _sound(sound: Sound) -> Dict[str, Any]:
        data: Dict[str, Any] = {
            "id": sound.id,
            "formats": [
                {"language": lang, "format": fmt} for lang, fmt in sound.formats
            ],
        }
        if sound.text is not None:
            data["text"] = sound.text
        return data

    def op_sounds__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        lang, fmt = r.params.get("lang"), r.params.get("format")
        found = [
            self._sound(s)
            for s in self.sounds.values()
            if any(
                (not lang or lang == la) and (not fmt or fmt == f)
                for la, f in s.formats
            )
        ]
        if not found:
            raise StubError(404, "No sounds found that matched the query")
        return found

    def op_sounds__get(self, r: StubRequest) -> Dict[str, Any]:
        sound = self.sounds.get(r.path_params["soundId"])
        if sound is None:
            raise StubError(404, "Sound not found")
        return self._sound(sound)

    def op_endpoints__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [e.snapshot() for e in self.endpoints.values()]

    def op_endpoints__listByTech(self, r: StubRequest) -> List[Dict[str, Any]]:
        tech = r.path_params["tech"]
        found = [
            e.snapshot()
            for (t, _), e in self.endpoints.items()
            if t.lower() == tech.lower()
        ]
        if not found:
            raise StubError(404, f"No Endpoints found - invalid tech {tech}")
        return found

    def op_endpoints__get(self, r: StubRequest) -> Dict[str, Any]:
        found = self.endpoints.get((r.path_params["tech"], r.path_params["resource"]))
        if found is None:
            raise StubError(404, "Endpoint not found")
        return found.snapshot()

    def _endpoint_of(self, uri: str) -> Endpoint | None:
        tech, _, rest = uri.partition(":")
        resource = rest.split("@")[0]
        for (t, res), endpoint in self.endpoints.items():
            if t.lower() == tech.lower() and res == resource:
                return endpoint
        return None

    def _message_variables(self, r: StubRequest) -> Dict[str, str]:
        variables = r.params.get("variables") or {}
        if any(not isinstance(v, str) for v in variables.values()):
            raise StubError(400, "Only string values in the 'variables' object allowed")
        return dict(variables)

    def op_endpoints__sendMessage(self, r: StubRequest) -> StubResponse:
        to = r.params.get("to") or ""
        if not to:
            raise StubError(400, "To must be specified")
        variables = self._message_variables(r)
        if self._endpoint_of(to) is None:
            raise StubError(404, "Endpoint not found")
        self.messages.append(
            {
                "to": to,
                "from": r.params.get("from"),
                "body": r.params.get("body"),
                "variables": variables,
            }
        )
        return StubResponse(202)

    def op_endpoints__sendMessageToEndpoint(self, r: StubRequest) -> StubResponse:
        key = (r.path_params["tech"], r.path_params["resource"])
        variables = self._message_variables(r)
        if key not in self.endpoints:
            raise StubError(404, "Endpoint not found")
        self.messages.append(
            {"to": f"{key[0].lower()}:{key[1]}", "from": r.params.get("from"),
             "body": r.params.get("body"), "variables": variables}
        )  # fmt: skip
        return StubResponse(202)

    def op_endpoints__refer(self, r: StubRequest) -> StubResponse:
        if not r.params.get("to"):
            raise StubError(400, "To must be specified")
        self._message_variables(r)
        if self._endpoint_of(str(r.params["to"])) is None:
            raise StubError(404, "Endpoint not found")
        return StubResponse(202)

    def op_endpoints__referToEndpoint(self, r: StubRequest) -> StubResponse:
        self._message_variables(r)
        if (r.path_params["tech"], r.path_params["resource"]) not in self.endpoints:
            raise StubError(404, "Endpoint not found")
        return StubResponse(202)

    # -- channels ------------------------------------------------------------------------------

    def op_channels__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [c.snapshot() for c in self.channels.values() if not c.gone]

    def op_channels__get(self, r: StubRequest) -> Dict[str, Any]:
        return self._chan(r).snapshot()

    def _check_originate(self, r: StubRequest, create: bool = False) -> Tuple[str, str]:
        p = r.params
        endpoint = str(p.get("endpoint") or "")
        if not endpoint:
            raise StubError(400, "Endpoint must be specified")
        tech, slash, resource = endpoint.partition("/")
        if not slash or not resource:
            raise StubError(400, "Invalid endpoint specified")
        if not create and not p.get("app") and not p.get("extension"):
            raise StubError(400, "Application or extension must be specified")
        for fmt in self._list(p.get("formats")):
            if fmt not in FORMATS:
                raise StubError(400, f"Provided format ({fmt}) was not found")
        originator = p.get("originator")
        if originator and originator not in self.channels:
            raise StubError(400, "Provided originator channel was not found")
        for key in ("channelId", "otherChannelId"):
            cid = r.path_params.get(key) or p.get(key)
            if cid and cid in self.channels:
                raise StubError(409, "Channel with given unique ID already exists")
        if tech != "Local" and tech not in self.technologies and tech != "UnicastRTP":
            raise StubError(500, "Allocation failed")
        label = p.get("label")
        if label:
            context = p.get("context") or "default"
            steps = self.dialplan.steps(context, p.get("extension") or "s")
            if not any(s.label == label for s in steps):
                raise StubError(404, "Requested label can not be found")
        return tech, resource

    def _make_call(self, r: StubRequest, tech: str, resource: str) -> Channel:
        """The channel(s) of an originate or a create: ;1 (returned) and, for Local, ;2."""
        p = r.params
        cid = r.path_params.get("channelId") or p.get("channelId")
        other = p.get("otherChannelId")
        number = self.counter()
        chan = self.new_channel(
            tech, resource, cid, half=1 if tech == "Local" else 0, number=number
        )
        chan.dialstring = resource
        if tech == "Local":
            exten, _, context = resource.split("/")[0].partition("@")
            chan.context, chan.exten = context or "default", exten
            half = self.new_channel(
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
            if key in self.endpoints:
                self.endpoints[key].channel_ids.append(chan.id)
        chan.app_name, chan.app_data = "AppDial2", "(Outgoing Line)"
        caller = p.get("callerId")
        if caller:
            self.set_caller(chan, caller)
            chan.connected = dict(chan.caller)
        for name, value, _ in self._variables(p.get("variables")):
            if name.startswith("CALLERID("):
                self._callerid_var(chan, name, value, quiet=True)
            else:
                chan.vars[name] = value
        return chan

    def op_channels__originate(self, r: StubRequest) -> Dict[str, Any]:
        tech, resource = self._check_originate(r)
        p = r.params
        chan = self._make_call(r, tech, resource)
        app = p.get("app")
        if app:
            chan.pending_app, chan.pending_args = app, _args(p.get("appArgs") or "")
            self.subscribe_channel(app, chan)
            if chan.peer is not None:
                self.subscribe_channel(app, chan.peer)
        else:
            chan.after_answer = (
                p.get("context") or "default",
                p.get("extension") or "s",
                int(p.get("priority") or 1),
            )
        timeout = p.get("timeout")
        timeout = 30 if timeout is None else int(timeout)
        variables = self._variables(p.get("variables"))
        caller = p.get("callerId")
        self.defer(lambda: self._dial_out(chan, variables, caller, timeout))
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
                self.set_var(far, name, value, report)
                if report and name not in chan.reported:
                    chan.reported.append(name)
            if caller:
                self.set_caller(far, caller)
                far.connected = dict(far.caller)
                self.ch_event("ChannelCallerId", far, caller_presentation=0,
                              caller_presentation_txt="Presentation Allowed, Not Screened")  # fmt: skip
                self.ch_event("ChannelConnectedLine", far)
        self.dial_event(chan, "")
        if timeout > 0:
            chan.timer = self.clock.later(timeout, lambda: self._no_answer(chan))
        if far is not None:
            self.run_dialplan(far, far.context, far.exten, 1)
        elif chan.rtp is not None:
            self.originate_answered(chan)
        elif chan.remote and self.answer_after is not None:
            self.clock.later(self.answer_after, lambda: self._remote_answer(chan))

    def _remote_answer(self, chan: Channel) -> None:
        if not chan.gone and chan.state != "Up":
            self.originate_answered(chan)

    def _no_answer(self, chan: Channel) -> None:
        chan.timer = None
        if not chan.gone and chan.state != "Up":
            self.hangup(chan, 19)

    def op_channels__create(self, r: StubRequest) -> Dict[str, Any]:
        tech, resource = self._check_originate(r, create=True)
        chan = self._make_call(r, tech, resource)
        chan.created = True
        app = r.params.get("app") or ""
        args = _args(r.params.get("appArgs") or "")
        self.subscribe_channel(app, chan)
        snapshot = chan.snapshot()

        def start() -> None:
            chan.app_name, chan.app_data = "Stasis", app
            self.ch_event(
                "ChannelDialplan", chan, dialplan_app="Stasis", dialplan_app_data=app
            )
            self.enter_stasis(chan, app, args)

        self.defer(start)
        return snapshot

    def op_channels__dial(self, r: StubRequest) -> None:
        chan = self._control(r)
        if not chan.created or chan.state != "Down" or chan.dialstring == "":
            raise StubError(409, "Channel is not in the 'Down' state")
        chan.created = False
        timeout = int(r.params.get("timeout") or 0)

        def dial() -> None:
            self.dial_event(chan, "")
            far = chan.peer
            if far is not None:
                self.run_dialplan(far, far.context, far.exten, 1)
                if far.state == "Up":
                    return
            if timeout > 0:
                chan.timer = self.clock.later(timeout, lambda: self._no_answer(chan))
            if chan.remote and self.answer_after is not None:
                self.clock.later(self.answer_after, lambda: self._remote_answer(chan))

        self.defer(dial)

    def op_channels__hangup(self, r: StubRequest) -> None:
        reason, code = r.params.get("reason"), r.params.get("reason_code")
        if reason and code:
            raise StubError(400, "The reason and reason_code can't both be specified")
        if reason and reason not in REASONS:
            raise StubError(400, "Invalid reason for hangup reason provided")
        chan = self._chan(r)
        cause = (
            REASONS[reason]
            if reason
            else (int(code) if code and str(code).isdigit() else 16)
        )
        self.defer(lambda: self.hangup(chan, cause, soft=True))

    def op_channels__answer(self, r: StubRequest) -> None:
        chan = self._control(r)
        if chan.created:
            raise StubError(412, "Channel in invalid state")
        self.defer(lambda: self.answer(chan))

    def op_channels__ring(self, r: StubRequest) -> None:
        chan = self._control(r)
        peer = chan.peer
        if peer is not None and chan.half == 2 and peer.state not in ("Up", "Ringing"):

            def ring() -> None:
                self.set_state(peer, "Ringing")
                self.dial_event(peer, "RINGING")

            self.defer(ring)

    def op_channels__ringStop(self, r: StubRequest) -> None:
        self._control(r)

    def op_channels__progress(self, r: StubRequest) -> None:
        chan = self._control(r)
        peer = chan.peer
        if peer is not None and chan.half == 2 and peer.state != "Up":
            self.defer(lambda: self.dial_event(peer, "PROGRESS"))

    def _direction(self, r: StubRequest) -> str:
        direction = r.params.get("direction")
        if not direction:
            raise StubError(400, "Direction is required")
        if direction not in ("both", "in", "out"):
            raise StubError(400, "Invalid direction specified")
        return str(direction)

    def op_channels__mute(self, r: StubRequest) -> None:
        direction = self._direction(r)
        self._control(r).muted.update(
            ("in", "out") if direction == "both" else (direction,)
        )

    def op_channels__unmute(self, r: StubRequest) -> None:
        direction = self._direction(r)
        self._control(r).muted.difference_update(
            ("in", "out") if direction == "both" else (direction,)
        )

    def op_channels__hold(self, r: StubRequest) -> None:
        self._control(r).held = True

    def op_channels__unhold(self, r: StubRequest) -> None:
        self._control(r).held = False

    def op_channels__startMoh(self, r: StubRequest) -> None:
        self._control(r).moh = True

    def op_channels__stopMoh(self, r: StubRequest) -> None:
        self._control(r).moh = False

    def op_channels__startSilence(self, r: StubRequest) -> None:
        self._control(r).silence = True

    def op_channels__stopSilence(self, r: StubRequest) -> None:
        self._control(r).silence = False

    def op_channels__transfer_progress(self, r: StubRequest) -> None:
        chan = self._control(r)
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
        chan = self._control(r)
        p = r.params
        before, between = int(p.get("before") or 0), int(p.get("between") or 100)
        duration = int(p.get("duration") or 100)
        self.defer(lambda: self.send_dtmf(chan, str(digits), before, between, duration))

    def op_channels__continueInDialplan(self, r: StubRequest) -> None:
        chan = self._control(r)
        p = r.params
        context = p.get("context") or chan.context
        exten = p.get("extension") or chan.exten
        priority = int(p.get("priority") or 0)
        label = p.get("label")
        if label:
            steps = self.dialplan.steps(context, exten)
            found = [s for s in steps if s.label == label]
            if not found:
                raise StubError(404, "Requested label can not be found")
            priority = found[0].priority
        if not priority:
            priority = chan.priority + 1 if not p.get("extension") else 1

        def go() -> None:
            self.leave_stasis(chan)
            self.run_dialplan(chan, context, exten, priority)

        self.defer(go)

    def op_channels__move(self, r: StubRequest) -> None:
        chan = self._control(r)
        app = str(r.params.get("app") or "")
        args = _args(r.params.get("appArgs") or "")

        def move() -> None:
            if app not in self.apps:
                self.emit("ApplicationMoveFailed", [chan.app or ""], channel=chan.snapshot(),
                          destination=app, args=args)  # fmt: skip
                return
            old = chan.app
            chan.app = None
            self.emit("StasisEnd", [old or ""], channel=chan.snapshot())
            self.subscribe_channel(old, chan, -1)
            chan.app, chan.app_args = app, args
            chan.app_data = ",".join([app, *args])
            self.subscribe_channel(app, chan)
            self.emit("StasisStart", [app], args=args, channel=chan.snapshot())

        self.defer(move)

    def op_channels__redirect(self, r: StubRequest) -> None:
        endpoint = str(r.params.get("endpoint") or "")
        if not endpoint:
            raise StubError(400, "Required parameter 'endpoint' not provided.")
        chan = self._control(r)
        tech = endpoint.partition("/")[0]
        if tech.lower() != chan.tech.lower():
            raise StubError(
                422,
                f"Endpoint technology '{tech}' does not match channel technology '{chan.tech}'",
            )

    def _callerid_var(
        self, chan: Channel, name: str, value: str, quiet: bool = False
    ) -> None:
        item = name[len("CALLERID(") : -1].lower()
        if item == "all":
            self.set_caller(chan, value)
        elif item in ("name", "num", "number"):
            chan.caller["name" if item == "name" else "number"] = value
        if not quiet:
            self.ch_event("ChannelCallerId", chan, caller_presentation=0,
                          caller_presentation_txt="Presentation Allowed, Not Screened")  # fmt: skip

    def _read_var(self, chan: Channel, name: str) -> str | None:
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
        chan = self._chan(r, "Provided channel was not found")
        value = self._read_var(chan, name)
        if value is None:
            raise StubError(404, "Provided variable was not found")
        return {"value": value}

    def op_channels__setChannelVar(self, r: StubRequest) -> None:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        chan = self._control(r)
        value = r.params.get("value")
        report = bool(r.params.get("report_events"))
        if name.startswith("CALLERID("):
            self.defer(lambda: self._callerid_var(chan, name, str(value or "")))
        elif value is None:
            chan.vars.pop(name, None)
        else:
            self.defer(lambda: self.set_var(chan, name, str(value), report))

    def op_channels__getChannelVars(self, r: StubRequest) -> Dict[str, Any]:
        names = self._list(r.params.get("variables"))
        if not names:
            raise StubError(400, "At least one variable name is required")
        chan = self._chan(r, "Provided channel was not found")
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
        chan = self._control(r, "Provided channel was not found")
        variables = self._variables(r.params.get("variables"), bulk=True)

        def set_all() -> None:
            for name, value, report in variables:
                self.set_var(chan, name, value, report)

        self.defer(set_all)

    def _snoop(self, r: StubRequest) -> Dict[str, Any]:
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
        chan = self._chan(r, "Provided channel was not found")
        sid = r.path_params.get("snoopId") or p.get("snoopId")
        if sid and sid in self.channels:
            raise StubError(500, "Snoop channel could not be created")
        count = sum(1 for c in self.channels.values() if c.snooped is chan)
        snoop = self.new_channel(
            "Snoop", chan.id, sid, name=f"Snoop/{chan.id}-{count:08x}", state="Up"
        )
        snoop.snooped = chan
        snoop.via_app = False
        snoop.app_name, snoop.app_data = "Stasis", app
        args = _args(p.get("appArgs") or "")
        self.defer(lambda: self._snoop_start(snoop, app, args))
        return snoop.snapshot()

    def _snoop_start(self, snoop: Channel, app: str, args: List[str]) -> None:
        if snoop.gone:
            return
        snoop.app, snoop.app_args = app, list(args)
        self.subscribe_channel(app, snoop)
        self.emit(
            "StasisStart",
            self.channel_apps(snoop),
            args=list(args),
            channel=snoop.snapshot(),
        )

    op_channels__snoopChannel = _snoop
    op_channels__snoopChannelWithId = _snoop

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
        if cid and cid in self.channels:
            raise StubError(409, "Channel with given unique ID already exists")
        app = p.get("app") or ""
        if transport == "websocket":
            chan = self.new_channel(
                "WebSocket",
                "INCOMING",
                cid,
                name=f"WebSocket/INCOMING/0x{self.counter() + 0x7F0000000000:x}",
            )
        else:
            chan = self.new_channel("UnicastRTP", host, cid)
            hostname, _, port = host.rpartition(":")
            chan.rtp = (hostname or "127.0.0.1", int(port) if port.isdigit() else 0)
            chan.rtp_format = fmt
        chan.dialstring = f"{host}/c({fmt})"
        chan.app_name, chan.app_data = "AppDial2", "(Outgoing Line)"
        for name, value, _ in self._variables(p.get("variables")):
            chan.vars[name] = value
        self.subscribe_channel(app, chan)
        args = _args(p.get("data") or "") if p.get("data") else []
        chan.pending_app, chan.pending_args = app, args
        snapshot = chan.snapshot()

        def connect() -> None:
            self.dial_event(chan, "")
            if transport != "websocket":
                self.originate_answered(chan)

        self.defer(connect)
        return snapshot

    def op_channels__rtpstatistics(self, r: StubRequest) -> Dict[str, Any]:
        chan = self._chan(r)
        if chan.tech == "UnicastRTP":
            raise StubError(404, "RTP info not found")
        raise StubError(403, "Unsupported channel type")

    # -- media on channels and bridges ---------------------------------------------------------

    def _play(self, r: StubRequest, target: Channel | Bridge) -> StubResponse:
        p = r.params
        media = [m for m in self._list(p.get("media"))]
        if not media:
            raise StubError(500, "Failed to queue media for playback")
        pid = (
            r.path_params.get("playbackId") or p.get("playbackId") or str(uuid.uuid4())
        )
        playback = Playback(
            pid, media, target, str(p.get("lang") or "en"), int(p.get("skipms") or 3000)
        )
        self.playbacks[pid] = playback
        self.queue_media(target, playback)
        return StubResponse(201, playback.snapshot())

    def op_channels__play(self, r: StubRequest) -> StubResponse:
        return self._play(r, self._control(r))

    op_channels__playWithId = op_channels__play

    def op_bridges__play(self, r: StubRequest) -> StubResponse:
        return self._play(r, self._bridge(r))

    op_bridges__playWithId = op_bridges__play

    def _record_on(self, r: StubRequest, target: Channel | Bridge) -> StubResponse:
        p = r.params
        name = str(p.get("name") or "")
        if not name:
            raise StubError(400, "Recording name is required")
        fmt = str(p.get("format") or "")
        if fmt not in FORMATS:
            raise StubError(422, "specified format is unknown on this system")
        if_exists = str(p.get("ifExists") or "fail")
        exists = f"Recording '{name}' already exists and can not be overwritten"
        if name in self.live or (if_exists == "fail" and name in self.stored):
            raise StubError(409, exists)
        recording = Recording(
            name, fmt, target,
            max_duration=int(p.get("maxDurationSeconds") or 0),
            max_silence=int(p.get("maxSilenceSeconds") or 0),
            if_exists=if_exists,
            beep=bool(p.get("beep")),
            terminate_on=str(p.get("terminateOn") or "none"),
        )  # fmt: skip
        self.live[name] = recording
        self.queue_media(target, recording)
        return StubResponse(201, recording.snapshot())

    def op_channels__record(self, r: StubRequest) -> StubResponse:
        return self._record_on(r, self._control(r))

    def op_bridges__record(self, r: StubRequest) -> StubResponse:
        return self._record_on(r, self._bridge(r))

    # -- bridges -------------------------------------------------------------------------------

    def op_bridges__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [b.snapshot() for b in self.bridges.values()]

    def op_bridges__get(self, r: StubRequest) -> Dict[str, Any]:
        return self._bridge(r).snapshot()

    def op_bridges__create(self, r: StubRequest) -> Dict[str, Any]:
        p = r.params
        bid = r.path_params.get("bridgeId") or p.get("bridgeId") or str(uuid.uuid4())
        if bid in self.bridges:
            raise StubError(409, f"Bridge with id '{bid}' already exists")
        types = self._list(p.get("type")) or ["mixing"]
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
        self.bridges[bid] = bridge
        everyone = [a.name for a in self.apps.values() if a.all_bridges]
        self.emit("BridgeCreated", everyone, bridge=bridge.snapshot())
        return bridge.snapshot()

    op_bridges__createWithId = op_bridges__create

    def op_bridges__destroy(self, r: StubRequest) -> None:
        bridge = self._bridge(r)
        bridge.gone = True

        def destroy() -> None:
            for item in list(bridge.media):
                if isinstance(item, Playback):
                    self.playback_finished(item, "done")
                else:
                    self.recording_finished(item, "done")
            for chan in list(bridge.channels):
                self.leave_bridge(bridge, chan)
            self.emit(
                "BridgeDestroyed", self.bridge_apps(bridge), bridge=bridge.snapshot()
            )
            self.bridges.pop(bridge.id, None)
            for app in self.apps.values():
                app.bridges.pop(bridge.id, None)

        self.defer(destroy)

    def _members(self, r: StubRequest, key: str = "channel") -> List[Channel]:
        found = []
        for cid in self._list(r.params.get(key)):
            chan = self.channels.get(cid)
            if chan is None or chan.gone:
                raise StubError(400, "Channel not found")
            found.append(chan)
        return found

    def op_bridges__addChannel(self, r: StubRequest) -> None:
        bridge = self._bridge(r)
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
                self.enter_bridge(bridge, chan)
            self._bridge_peers(bridge)

        self.defer(add)

    def op_bridges__removeChannel(self, r: StubRequest) -> None:
        bridge = self._bridge(r)
        chans = self._members(r)
        for chan in chans:
            if chan.bridge is not bridge:
                raise StubError(422, "Channel not in this bridge")

        def remove() -> None:
            for chan in chans:
                self.leave_bridge(bridge, chan)

        self.defer(remove)

    def op_bridges__setVideoSource(self, r: StubRequest) -> None:
        bridge = self._bridge(r)
        chan = self.channels.get(r.path_params.get("channelId", ""))
        if chan is None or chan.gone:
            raise StubError(400, "Channel not found")
        if chan.bridge is not bridge:
            raise StubError(422, "Channel not in this bridge")

        def change() -> None:
            old = bridge.video_source
            bridge.video_mode, bridge.video_source = "single", chan.id
            bridge.video_cleared = None
            extra = {"old_video_source_id": old} if old else {}
            self.emit("BridgeVideoSourceChanged", self.bridge_apps(bridge),
                      bridge=bridge.snapshot(), **extra)  # fmt: skip

        self.defer(change)

    def op_bridges__clearVideoSource(self, r: StubRequest) -> None:
        bridge = self._bridge(r)
        if bridge.video_source is not None:
            bridge.video_cleared = bridge.video_source
        bridge.video_mode, bridge.video_source = "talker", None

    def op_bridges__startMoh(self, r: StubRequest) -> None:
        bridge = self._bridge(r)
        if not bridge.moh:
            bridge.moh = True
            self.defer(
                lambda: setattr(
                    bridge, "moh_name", self.bridge_extra(bridge, "ARI_MOH")
                )
            )

    def op_bridges__stopMoh(self, r: StubRequest) -> None:
        bridge = self._bridge(r)
        if not bridge.moh:
            raise StubError(409, "Bridge isn't playing music")
        bridge.moh = False
        self.defer(lambda: self.bridge_extra_gone(bridge, bridge.moh_name))

    def op_bridges__getBridgeVar(self, r: StubRequest) -> Dict[str, str]:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        bridge = self._bridge(r)
        if name not in bridge.vars:
            raise StubError(404, "Provided variable was not found")
        return {"value": bridge.vars[name]}

    def op_bridges__setBridgeVar(self, r: StubRequest) -> None:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        bridge = self._bridge(r)
        value = r.params.get("value")
        if value is None:
            bridge.vars.pop(name, None)
        else:
            bridge.vars[name] = str(value)
            if r.params.get("report_events") and name not in bridge.reported:
                bridge.reported.append(name)

    def op_bridges__getBridgeVars(self, r: StubRequest) -> Dict[str, Any]:
        names = self._list(r.params.get("variables"))
        if not names:
            raise StubError(400, "At least one variable name is required")
        bridge = self._bridge(r, "Provided bridge was not found")
        found = {}
        for name in names:
            if name not in bridge.vars:
                raise StubError(404, "Provided variable was not found")
            found[name] = bridge.vars[name]
        return {"variables": found}

    def op_bridges__setBridgeVars(self, r: StubRequest) -> None:
        if "variables" not in r.params:
            raise StubError(400, "The 'variables' field is required")
        bridge = self._bridge(r, "Provided bridge was not found")
        for name, value, report in self._variables(
            r.params.get("variables"), bulk=True
        ):
            bridge.vars[name] = value
            if report and name not in bridge.reported:
                bridge.reported.append(name)

    # -- playbacks -----------------------------------------------------------------------------

    def _playback(self, r: StubRequest) -> Playback:
        found = self.playbacks.get(r.path_params.get("playbackId", ""))
        if found is None:
            raise StubError(404, "Playback not found")
        return found

    def op_playbacks__get(self, r: StubRequest) -> Dict[str, Any]:
        return self._playback(r).snapshot()

    def op_playbacks__stop(self, r: StubRequest) -> None:
        playback = self._playback(r)
        self.defer(lambda: self.playback_finished(playback, "done"))

    def op_playbacks__control(self, r: StubRequest) -> None:
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
                playback.left = max(0.0, playback.timer.due - self.clock.now())
                playback.timer.cancel()
                playback.timer = None
        elif operation == "unpause" and playback.state == "paused":
            playback.state = "playing"
            if playback.left is not None:
                left, playback.left = playback.left, None
                playback.timer = self.clock.later(
                    left, lambda: self._media_done(playback)
                )
            self.defer(lambda: self.emit("PlaybackStarted", self._target_apps(playback.target),
                                         playback=playback.snapshot()))  # fmt: skip
        elif operation == "restart" and playback.state == "playing":
            if playback.timer is not None:
                playback.timer.cancel()
                length = self.media_length(playback.media[playback.index]) or 0.0
                playback.timer = self.clock.later(
                    max(0.0, length), lambda: self._media_done(playback)
                )

    # -- recordings ----------------------------------------------------------------------------

    def _live(self, r: StubRequest) -> Recording:
        found = self.live.get(r.path_params.get("recordingName", ""))
        if found is None:
            raise StubError(404, "Recording not found")
        return found

    def _stored(self, r: StubRequest) -> Stored:
        found = self.stored.get(r.path_params.get("recordingName", ""))
        if found is None:
            raise StubError(404, "Recording not found")
        return found

    def op_recordings__listStored(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [s.snapshot() for _, s in sorted(self.stored.items())]

    def op_recordings__getStored(self, r: StubRequest) -> Dict[str, Any]:
        return self._stored(r).snapshot()

    def op_recordings__getStoredFile(self, r: StubRequest) -> StubResponse:
        stored = self._stored(r)
        kind = {"wav": "audio/wav", "wav16": "audio/wav", "gsm": "audio/x-gsm"}.get(
            stored.format, "application/octet-stream"
        )
        return StubResponse(200, stored.content, kind)

    def op_recordings__deleteStored(self, r: StubRequest) -> None:
        del self.stored[self._stored(r).name]

    def op_recordings__copyStored(self, r: StubRequest) -> Dict[str, Any]:
        stored = self._stored(r)
        name = r.params.get("destinationRecordingName") or ""
        if not name:
            raise StubError(400, "Invalid destination recording name")
        if name in self.stored:
            raise StubError(
                409, "A recording with the same name already exists on the system"
            )
        self.stored[name] = Stored(name, stored.format, stored.content, stored.duration)
        return self.stored[name].snapshot()

    def op_recordings__getLive(self, r: StubRequest) -> Dict[str, Any]:
        return self._live(r).snapshot()

    def op_recordings__stop(self, r: StubRequest) -> None:
        recording = self._live(r)
        self.defer(lambda: self.recording_finished(recording, "done"))

    def op_recordings__cancel(self, r: StubRequest) -> None:
        recording = self._live(r)
        self.defer(lambda: self.recording_finished(recording, "done", keep=False))

    def op_recordings__pause(self, r: StubRequest) -> None:
        recording = self._live(r)
        if recording.state == "recording":
            recording.state = "paused"
            recording.paused_at = self.clock.now()
            if recording.timer is not None:
                recording.timer.cancel()
                recording.timer = None

    def op_recordings__unpause(self, r: StubRequest) -> None:
        recording = self._live(r)
        if recording.state == "paused" and recording.paused_at is not None:
            recording.paused_total += self.clock.now() - recording.paused_at
            recording.paused_at = None
            recording.state = "recording"
            if recording.max_duration > 0:
                left = recording.max_duration - self.recording_seconds(recording)
                recording.timer = self.clock.later(
                    left, lambda: self.recording_finished(recording, "done")
                )

    def op_recordings__mute(self, r: StubRequest) -> None:
        self._live(r).muted = True

    def op_recordings__unmute(self, r: StubRequest) -> None:
        self._live(r).muted = False
