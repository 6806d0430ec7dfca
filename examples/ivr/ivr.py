"""An IVR on the generated client: answer, play a greeting, collect digits, record a message,
hang up; every call in an asyncio task of its own, waiting for the events of its own channel.

    pip install ./generated
    python examples/ivr/ivr.py --url http://localhost:8088/ari --user asterisk --password asterisk

(a dialplan sends calls to it with ``Stasis(ivr)``). The tests run it against
``ari_client.testing.StubAri`` (``tests/test_ivr.py``) and type-check it with ``mypy --strict``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import List, Sequence

from ari_client import AsyncAriClient
from ari_client.errors import NotFound, Timeout
from ari_client.events import AsyncWatch, WatchEnded
from ari_client.models import (
    Channel,
    ChannelDtmfReceived,
    Event,
    PlaybackFinished,
    RecordingFailed,
    RecordingFinished,
    StasisStart,
)

log = logging.getLogger("ivr")


@dataclass
class Call:
    """What happened on one call."""

    channel_id: str
    digits: str = ""
    recording: str | None = None
    """The stored recording's name, when the caller left a message."""
    hung_up: bool = False
    """The caller hung up before the IVR was done."""


@dataclass
class Ivr:
    ari: AsyncAriClient
    greeting: str = "sound:hello-world"
    after_digits: str = "sound:vm-intro"
    max_digits: int = 4
    digit_timeout: float = 5.0
    """Seconds to wait for each key."""
    media_timeout: float = 60.0
    record_seconds: int = 30

    async def handle(self, channel: Channel) -> Call:
        """One call, from its StasisStart to its hangup."""
        call = Call(channel.id)
        try:
            # keys are collected from the start (pressed during the greeting, they count);
            # the watch ends, and keys.next raises WatchEnded, when the caller hangs up
            async with self.ari.watch(ChannelDtmfReceived, channel=channel) as keys:
                await self.ari.channels.answer(channel_id=channel.id)
                await self.play(channel, self.greeting)
                call.digits = await self.collect(keys)
            await self.play(channel, self.after_digits)
            call.recording = await self.record(channel, f"ivr-{channel.id}")
            await self.ari.channels.hangup(channel_id=channel.id)
        except (WatchEnded, NotFound):  # the caller hung up (the channel is gone)
            call.hung_up = True
        log.info("call %s: %s", channel.id, call)
        return call

    async def play(self, channel: Channel, media: str) -> None:
        """Play ``media`` and wait until it has finished."""
        playback_id = str(uuid.uuid4())
        # with: the wait is cancelled if play() fails (the caller hung up meanwhile)
        with self.ari.expect(PlaybackFinished, playback=playback_id) as finished:
            await self.ari.channels.play(
                channel_id=channel.id, media=media, playback_id=playback_id
            )
            await finished.wait(timeout=self.media_timeout)

    async def collect(self, keys: AsyncWatch[ChannelDtmfReceived]) -> str:
        """Up to ``max_digits`` keys, ``#`` ending early; a pause ends them too."""
        digits = ""
        while len(digits) < self.max_digits:
            try:
                event = await keys.next(timeout=self.digit_timeout)
            except Timeout:
                break
            if event.digit == "#":
                break
            digits += event.digit
        return digits

    async def record(self, channel: Channel, name: str) -> str | None:
        """Record a message (``#`` ends it); its stored name, or None if recording failed."""
        # one wait for either end of the recording: RecordingFinished or RecordingFailed
        with self.ari.expect(
            Event,
            recording=name,
            where=lambda e: isinstance(e, (RecordingFinished, RecordingFailed)),
        ) as ended:
            await self.ari.channels.record(
                channel_id=channel.id,
                name=name,
                format="wav",
                max_duration_seconds=self.record_seconds,
                beep=True,
                terminate_on="#",
                if_exists="overwrite",
            )
            event = await ended.wait(timeout=self.record_seconds + self.media_timeout)
        return name if isinstance(event, RecordingFinished) else None


async def serve(
    ari: AsyncAriClient, ivr: Ivr, app: str, calls: int | None = None
) -> List[Call]:
    """Answer every call to ``app`` until ``calls`` calls are done (None: forever)."""
    done: List[Call] = []

    @ari.on(StasisStart, spawn=True)  # each call in a task of its own
    async def incoming(event: StasisStart) -> None:
        done.append(await ivr.handle(event.channel))
        if calls is not None and len(done) >= calls:
            await ari.stop()

    await ari.run(app=app)
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8088/ari")
    parser.add_argument("--user", default="asterisk")
    parser.add_argument("--password", default="asterisk")
    parser.add_argument("--app", default="ivr")
    parser.add_argument(
        "--calls", type=int, default=None, help="stop after this many calls"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    async def run() -> List[Call]:
        async with AsyncAriClient(
            args.url, username=args.user, password=args.password
        ) as ari:
            return await serve(ari, Ivr(ari), args.app, args.calls)

    for call in asyncio.run(run()):
        print(call)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
