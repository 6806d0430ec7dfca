"""The asyncio client against the stub, over real sockets."""

from __future__ import annotations

import asyncio

import pytest

from ari_client import AsyncAriClient
from ari_client.errors import (
    AriVersionWarning,
    Conflict,
    NotFound,
    Unauthorized,
    ValidationError,
)
from ari_client.models import Channel
from ari_client.testing import StubAri


def test_async_client_end_to_end() -> None:
    async def main() -> None:
        async with StubAri() as stub:
            async with stub.async_client() as ari, ari.events(app="ivr"):
                made = await ari.channels.originate(
                    endpoint="PJSIP/alice", app="ivr", variables={"X": "1"}
                )
                assert isinstance(made, Channel)
                await stub.async_wait_channel(made.id, state="Up", app="ivr")
                await ari.channels.hangup(made.id)
                chan = stub.call("PJSIP/alice", app="ivr", variables={"X": "1"})
                assert [c.id for c in await ari.channels.list()] == [chan.id]
                await ari.channels.answer(channel_id=chan.id)
                assert (await ari.channels.get(chan.id)).state == "Up"
                assert (
                    await ari.channels.get_channel_var(chan.id, variable="X")
                ).value == "1"
                with pytest.raises(NotFound) as info:
                    await ari.channels.get_channel_var(chan.id, variable="Y")
                assert info.value.reason == "Channel or variable not found"
                bridge = await ari.bridges.create(type="mixing")
                await ari.bridges.add_channel(bridge.id, channel=[chan.id])
                assert (await ari.bridges.get(bridge.id)).channels == [chan.id]
                playback = await ari.channels.play(chan.id, media=["sound:beep"])
                assert playback.state == "queued"  # as Asterisk answers: it starts next
                await stub.async_wait_event("PlaybackFinished", playback=playback.id)
                stub.add_recording("r", b"\x00\x01binary")
                assert await ari.recordings.get_stored_file("r") == b"\x00\x01binary"
                with pytest.raises(Conflict):
                    await ari.channels.originate(
                        endpoint="PJSIP/a", app="ivr", channel_id=chan.id
                    )
                before = len(stub.requests)
                with pytest.raises(ValidationError):
                    await ari.channels.hangup(chan.id, reason="bogus")  # type: ignore[arg-type]
                assert len(stub.requests) == before
                with pytest.raises(NotFound):
                    await ari.channels.get("../../asterisk/info")
                assert stub.requests[-1].path_params == {
                    "channelId": "../../asterisk/info"
                }
            async with stub.async_client(password="bad") as bad:
                with pytest.raises(Unauthorized):
                    await bad.asterisk.get_info()

    asyncio.run(main())


def test_async_version_warning() -> None:
    async def main() -> None:
        async with StubAri(asterisk_version="16.2.0") as stub:
            async with stub.async_client() as ari:
                assert await ari.detect_server_version() == "16.2.0"
                async with ari.events(app="x"):
                    chan = stub.call("PJSIP/a", app="x")
                    with pytest.warns(AriVersionWarning, match="channels.move"):
                        await ari.channels.move(chan.id, app="other")

    asyncio.run(main())


def test_lazy_exports() -> None:
    import ari_client

    assert ari_client.AsyncAriClient is AsyncAriClient
    assert "AriClient" in ari_client.__all__
