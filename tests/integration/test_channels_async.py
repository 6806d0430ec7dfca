"""Channel, bridge, playback and recording flows through ``AsyncAriClient``: the same server
behaviour as the sync tests, driven with ``await`` and ``async with client.events(app=...)``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator, Awaitable, Callable

from .conftest import AsyncEventLog, Package, Server, raises


@contextlib.asynccontextmanager
async def connected(
    pkg: Package, server: Server, app: str
) -> AsyncIterator[tuple[Any, AsyncEventLog]]:
    """An async client and the events websocket of ``app``, open."""
    async with pkg.AsyncAriClient(
        server.url, username=server.user, password=server.password
    ) as client:
        async with client.events(app=app) as stream:
            yield client, AsyncEventLog(stream)


async def hangup_quietly(client: Any, *channel_ids: str) -> None:
    for channel_id in channel_ids:
        try:
            await client.channels.hangup(channel_id=channel_id)
        except Exception:
            pass  # already gone


def run(flow: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(flow())


def test_async_originate_play_hangup(pkg: Package, server: Server, app: str) -> None:
    async def flow() -> None:
        async with connected(pkg, server, app) as (client, events):
            cid = f"{app}-c"
            chan = await client.channels.originate(
                endpoint="Local/wait@default", app=app, app_args="async", channel_id=cid,
                formats="ulaw",
            )  # fmt: skip
            try:
                assert isinstance(chan, pkg.models.Channel) and chan.id == cid
                start = await events.wait("StasisStart", channel=cid)
                assert isinstance(start, pkg.models.StasisStart) and start.args == [
                    "async"
                ]
                got, listed = await asyncio.gather(
                    client.channels.get(channel_id=cid), client.channels.list()
                )
                assert isinstance(got, pkg.models.Channel) and got.state == "Up"
                assert cid in {c.id for c in listed}

                pid = f"{app}-beep"
                playback = await client.channels.play(
                    channel_id=cid, media="sound:beep", playback_id=pid
                )
                assert isinstance(playback, pkg.models.Playback) and playback.id == pid
                await events.wait("PlaybackStarted", playback=pid)
                finished = await events.wait("PlaybackFinished", playback=pid)
                assert finished.playback.state == "done"
                # (Asterisk forgets a playback a moment after PlaybackFinished)
                with raises(pkg, "NotFound", 404, "Playback not found"):
                    await client.playbacks.get(playback_id=f"{pid}-never")
            finally:
                await hangup_quietly(client, cid)
            await events.wait("StasisEnd", channel=cid)
            destroyed = await events.wait("ChannelDestroyed", channel=cid)
            assert isinstance(destroyed, pkg.models.ChannelDestroyed)
            with raises(pkg, "NotFound", 404, "Channel not found"):
                await client.channels.get(channel_id=cid)

    run(flow)


def test_async_bridge(pkg: Package, server: Server, app: str) -> None:
    async def flow() -> None:
        async with connected(pkg, server, app) as (client, events):
            a, b, bid = f"{app}-a", f"{app}-b", f"{app}-br"
            await asyncio.gather(
                *(
                    client.channels.originate(
                        endpoint="Local/wait@default",
                        app=app,
                        channel_id=c,
                        formats="ulaw",
                    )
                    for c in (a, b)
                )
            )
            try:
                await events.wait("StasisStart", channel=a)
                await events.wait("StasisStart", channel=b)
                bridge = await client.bridges.create_with_id(
                    bridge_id=bid, type="mixing"
                )
                assert isinstance(bridge, pkg.models.Bridge) and bridge.id == bid
                await client.applications.subscribe(
                    application_name=app, event_source=f"bridge:{bid}"
                )
                await client.bridges.add_channel(bridge_id=bid, channel=[a, b])
                for c in (a, b):
                    entered = await events.wait("ChannelEnteredBridge", channel=c)
                    assert entered.bridge.id == bid
                got = await client.bridges.get(bridge_id=bid)
                assert sorted(got.channels) == sorted([a, b])
                await client.bridges.destroy(bridge_id=bid)
                for c in (a, b):
                    await events.wait("ChannelLeftBridge", channel=c)
                destroyed = await events.wait("BridgeDestroyed", bridge=bid)
                assert isinstance(destroyed, pkg.models.BridgeDestroyed)
                with raises(pkg, "NotFound", 404, "Bridge not found"):
                    await client.bridges.destroy(bridge_id=bid)
            finally:
                await hangup_quietly(client, a, b)

    run(flow)


def test_async_dtmf_and_recording(
    pkg: Package, server: Server, app: str, stasis_context: str
) -> None:
    """Both halves of a Local channel in the app: DTMF sent on one arrives on the other, a tone
    played on one is recorded on the other."""

    async def flow() -> None:
        async with connected(pkg, server, app) as (client, events):
            a, b, name = f"{app}-a", f"{app}-b", f"{app}-rec"
            await client.channels.originate(
                endpoint=f"Local/{app}@{stasis_context}", app=app, formats="ulaw",
                channel_id=a, other_channel_id=b,
            )  # fmt: skip
            try:
                await events.wait("StasisStart", channel=b)
                await client.channels.answer(channel_id=b)
                await events.wait("StasisStart", channel=a)

                await client.channels.send_dtmf(channel_id=a, dtmf="5")
                dtmf = await events.wait("ChannelDtmfReceived", channel=b)
                assert (
                    isinstance(dtmf, pkg.models.ChannelDtmfReceived)
                    and dtmf.digit == "5"
                )

                await client.channels.play(channel_id=b, media="tone:ring")
                live = await client.channels.record(
                    channel_id=a, name=name, format="wav", max_duration_seconds=1
                )
                assert isinstance(live, pkg.models.LiveRecording) and live.name == name
                await events.wait("RecordingStarted", recording=name)
                await events.wait("RecordingFinished", recording=name)
                stored = await client.recordings.get_stored(recording_name=name)
                assert (
                    isinstance(stored, pkg.models.StoredRecording)
                    and stored.format == "wav"
                )
                data = await client.recordings.get_stored_file(recording_name=name)
                assert isinstance(data, bytes) and data[:4] == b"RIFF"
                await client.recordings.delete_stored(recording_name=name)
                with raises(pkg, "NotFound", 404, "Recording not found"):
                    await client.recordings.get_stored_file(recording_name=name)
            finally:
                await hangup_quietly(client, a)
                with contextlib.suppress(pkg.errors.NotFound):
                    await client.recordings.delete_stored(recording_name=name)

    run(flow)
