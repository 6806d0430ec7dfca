"""An example ARI application using the generated models: it reads recorded websocket messages
(one JSON object per line), checks each against the spec, decodes it into its typed class and
reacts to it with ``isinstance`` dispatch.

    python app.py ../data/traffic/events.jsonl

It is type-checked with ``mypy --strict`` by the test suite.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Sequence

from ari_client.models import (
    Channel,
    ChannelDestroyed,
    ChannelDtmfReceived,
    ChannelState,
    ChannelStateChange,
    ChannelVarset,
    Dial,
    Event,
    Message,
    PlaybackFinished,
    PlaybackState,
    Problem,
    StasisEnd,
    StasisStart,
    ValidationError,
    parse_message,
    validate_channel_destroyed,
    validate_channel_dtmf_received,
    validate_channel_state_change,
    validate_channel_varset,
    validate_dial,
    validate_event,
    validate_message,
    validate_playback_finished,
    validate_stasis_end,
    validate_stasis_start,
)

Validator = Callable[[Any, str], List[Problem]]

VALIDATORS: Dict[str, Validator] = {
    "StasisStart": validate_stasis_start,
    "StasisEnd": validate_stasis_end,
    "ChannelStateChange": validate_channel_state_change,
    "ChannelVarset": validate_channel_varset,
    "ChannelDtmfReceived": validate_channel_dtmf_received,
    "ChannelDestroyed": validate_channel_destroyed,
    "Dial": validate_dial,
    "PlaybackFinished": validate_playback_finished,
}


def check(data: Dict[str, Any]) -> List[Problem]:
    """The strict verdict on one message: its own type's validator, else Event's or Message's."""
    kind = data.get("type")
    validator = VALIDATORS.get(kind) if isinstance(kind, str) else None
    if validator is None:
        validator = validate_event if "application" in data else validate_message
    return validator(data, "")


@dataclass
class CallState:
    """What the application knows about one channel."""

    name: str
    state: ChannelState | str
    caller_number: str
    entered: datetime
    digits: List[str] = field(default_factory=list)
    variables: Dict[str, str] = field(default_factory=dict)


@dataclass
class App:
    """Tracks channels in Stasis and logs every event in a stable, readable form."""

    calls: Dict[str, CallState] = field(default_factory=dict)
    log: List[str] = field(default_factory=list)

    def track(self, channel: Channel, when: datetime) -> CallState:
        call = self.calls.get(channel.id)
        if call is None:
            call = CallState(channel.name, channel.state, channel.caller.number, when)
            self.calls[channel.id] = call
        return call

    def handle(self, message: Message) -> str:
        line = self.describe(message)
        self.log.append(line)
        return line

    def describe(self, message: Message) -> str:
        if not isinstance(message, Event):
            return f"message {message.type}"
        at = message.timestamp.astimezone(timezone.utc).strftime("%H:%M:%S.%f")[:-3]
        if isinstance(message, StasisStart):
            call = self.track(message.channel, message.timestamp)
            args = ",".join(message.args)
            return f"{at} {message.application}: {call.name} entered Stasis (args: {args!r})"
        if isinstance(message, StasisEnd):
            self.calls.pop(message.channel.id, None)
            return f"{at} {message.application}: {message.channel.name} left Stasis"
        if isinstance(message, ChannelStateChange):
            call = self.track(message.channel, message.timestamp)
            call.state = message.channel.state
            answered = message.channel.state == ChannelState.UP
            return f"{at} {message.channel.name} is {call.state}{' (answered)' if answered else ''}"
        if isinstance(message, ChannelVarset):
            target = message.channel.name if message.channel is not None else "global"
            if message.channel is not None:
                self.track(message.channel, message.timestamp).variables[message.variable] = message.value
            return f"{at} {target}: {message.variable}={message.value!r}"
        if isinstance(message, ChannelDtmfReceived):
            call = self.track(message.channel, message.timestamp)
            call.digits.append(message.digit)
            caller = message.channel.caller
            return f"{at} DTMF {message.digit} ({message.duration_ms} ms) from {caller.name} <{caller.number}>"
        if isinstance(message, Dial):
            who = message.caller.name if message.caller is not None else "(no caller)"
            status = message.dialstatus or "(dialing)"
            return f"{at} Dial {who} -> {message.peer.name} via {message.dialstring!r}: {status}"
        if isinstance(message, PlaybackFinished):
            state = message.playback.state
            known = isinstance(state, PlaybackState)
            return f"{at} playback {message.playback.media_uri} on {message.playback.target_uri}: {state}{'' if known else ' (unknown state)'}"
        if isinstance(message, ChannelDestroyed):
            self.calls.pop(message.channel.id, None)
            return f"{at} {message.channel.name} destroyed: {message.cause} {message.cause_txt}"
        return f"{at} {message.application}: {message.type}"


def read_messages(lines: Iterable[str]) -> Iterator[Dict[str, Any]]:
    for line in lines:
        if line.strip():
            value = json.loads(line)
            if not isinstance(value, dict):
                raise ValueError("a websocket message is a JSON object")
            yield value


def run(lines: Iterable[str]) -> List[str]:
    """Feed every message to an App; a message breaking the spec is reported, not fatal."""
    app = App()
    out: List[str] = []
    for data in read_messages(lines):
        problems = check(data)
        if problems:
            out.append("invalid: " + "; ".join(str(p) for p in problems))
        try:
            message = parse_message(data)
        except ValidationError as exc:
            out.append(f"rejected {exc.model}: " + "; ".join(f"{p.path}: {p.message}" for p in exc.problems))
            continue
        out.append(app.handle(message))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: app.py EVENTS.jsonl", file=sys.stderr)
        return 2
    for line in run(Path(args[0]).read_text(encoding="utf-8").splitlines()):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
