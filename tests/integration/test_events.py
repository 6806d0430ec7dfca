"""The events resource: the events websocket, user events, claiming a broadcast channel; and the
client's own event loop (``on`` + ``run``), sync and async."""

from __future__ import annotations

import asyncio
import threading
import uuid
from typing import Any, Callable, Iterator

import pytest

from .conftest import WAIT, Call, EventLog, Package, Server, raises


@pytest.fixture()
def other_app(app: str) -> str:
    return f"{app}-b"


@pytest.fixture()
def cleanup(ari: Any) -> Iterator[list[str]]:
    """Channel ids to hang up at the end."""
    made: list[str] = []
    yield made
    for channel_id in made:
        try:
            ari.channels.hangup(channel_id=channel_id)
        except Exception:
            pass


# --- the events websocket -------------------------------------------------------------------------


def test_event_websocket_registers_the_app(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    assert events.stream.connected
    got = ari.applications.get(application_name=app)
    assert got.name == app and got.channel_ids == []
    ari.events.user_event(event_name="it-hello", application=app)
    event = events.wait("ChannelUserevent")
    assert isinstance(event, pkg.models.ChannelUserevent)
    assert isinstance(event, pkg.models.Event) and isinstance(event, pkg.models.Message)
    assert event.application == app and event.asterisk_id


def test_event_websocket_closed_unregisters_the_app(
    ari: Any, pkg: Package, app: str
) -> None:
    with ari.events(app=app) as stream:
        assert stream.connected
        assert ari.applications.get(application_name=app).name == app
    assert not stream.connected
    with pytest.raises(pkg.errors.EventStreamClosed):
        stream.next(timeout=WAIT)
    # closing the websocket unregisters the application
    with raises(pkg, "NotFound", 404, "Application not found"):
        ari.applications.get(application_name=app)
    with raises(pkg, "NotFound", 404, "Application not found"):
        ari.events.user_event(event_name="it-nobody", application=app)


def test_event_websocket_two_apps(
    ari: Any, pkg: Package, app: str, other_app: str, cleanup: list[str]
) -> None:
    with ari.events(app=[app, other_app]) as stream:
        log = EventLog(stream)
        names = {a.name for a in ari.applications.list()}
        assert {app, other_app} <= names
        ari.events.user_event(event_name="it-to-a", application=app)
        ari.events.user_event(event_name="it-to-b", application=other_app)
        assert log.wait("ChannelUserevent", eventname="it-to-a").application == app
        assert (
            log.wait("ChannelUserevent", eventname="it-to-b").application == other_app
        )

        channel = ari.channels.originate(
            endpoint="Local/wait@default", app=other_app, formats="ulaw"
        )
        cleanup.append(channel.id)
        start = log.wait("StasisStart", channel=channel.id)
        assert start.application == other_app


def test_event_websocket_subscribe_all(
    ari: Any, pkg: Package, app: str, other_app: str, events: EventLog,
    originate: Callable[..., Call],
) -> None:  # fmt: skip
    with ari.events(app=other_app, subscribe_all=True) as stream:
        everything = EventLog(stream)
        got = ari.applications.get(application_name=other_app)
        assert got.channel_ids == ["__AST_CHANNEL_ALL_TOPIC"]
        assert got.bridge_ids == ["__AST_BRIDGE_ALL_TOPIC"]
        assert got.endpoint_ids == ["__AST_ENDPOINT_ALL_TOPIC"]
        assert got.device_names == ["__AST_DEVICE_STATE_ALL_TOPIC"]
        try:
            call = originate()  # into the other app: seen here all the same
            created = everything.wait("ChannelCreated", channel=call.id)
            assert isinstance(created, pkg.models.ChannelCreated)
            assert created.application == other_app
        finally:
            # drop the all-device-states subscription before the websocket closes: closing it
            # while a DeviceStateChanged is delivered deadlocks this Asterisk (see
            # test_device_states._unsubscribe)
            left = ari.applications.unsubscribe(
                application_name=other_app, event_source="deviceState:"
            )
            assert left.device_names == []
    # without subscribeAll, an application sees only what it subscribed to
    assert ari.applications.get(application_name=app).channel_ids != [
        "__AST_CHANNEL_ALL_TOPIC"
    ]


def test_application_replaced(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    with ari.events(app=app) as second:
        replaced = events.wait("ApplicationReplaced")
        assert isinstance(replaced, pkg.models.ApplicationReplaced)
        assert replaced.application == app
        ari.events.user_event(event_name="it-after-replace", application=app)
        event = EventLog(second).wait("ChannelUserevent", eventname="it-after-replace")
        assert event.application == app


def test_event_websocket_upgrade_errors(ari: Any, pkg: Package) -> None:
    with raises(pkg, "BadRequest", 400) as info:
        ari.events(app="").connect()
    assert info.value.operation == "events.eventWebsocket"
    with raises(
        pkg, "InternalServerError", 500
    ) as info:  # an app name beyond Asterisk's limit
        ari.events(app="x" * 300).connect()
    assert not info.value.documented


def test_event_websocket_invalid_arguments(ari: Any, pkg: Package) -> None:
    for kwargs in ({"app": []}, {"app": "a,b"}, {"app": "a", "subscribe_all": "yes"}):
        with pytest.raises(pkg.errors.ValidationError):
            ari.events(**kwargs)


# --- user events ----------------------------------------------------------------------------------


def test_user_event(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    variables = {"k": "v", "text": "with spaces & <symbols>", "n": 1, "b": True}
    assert (
        ari.events.user_event(
            event_name="it-vars", application=app, variables=variables
        )
        is None
    )
    event = events.wait("ChannelUserevent", eventname="it-vars")
    assert isinstance(event, pkg.models.ChannelUserevent)
    assert event.userevent == {**variables, "eventname": "it-vars"}
    assert event.channel is None and event.bridge is None and event.endpoint is None

    ari.events.user_event(event_name="it-bare", application=app)
    assert events.wait("ChannelUserevent", eventname="it-bare").userevent == {
        "eventname": "it-bare"
    }


def test_user_event_with_sources(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    call = originate()
    ari.events.user_event(
        event_name="it-chan", application=app, source=f"channel:{call.id}"
    )
    event = events.wait("ChannelUserevent", eventname="it-chan")
    assert isinstance(event.channel, pkg.models.Channel) and event.channel.id == call.id

    bridge = ari.bridges.create(type="mixing")
    try:
        ari.events.user_event(
            event_name="it-both",
            application=app,
            source=[f"bridge:{bridge.id}", f"channel:{call.id}"],
            variables={"where": "bridge"},
        )
        event = events.wait("ChannelUserevent", eventname="it-both")
        assert event.channel.id == call.id
        assert (
            isinstance(event.bridge, pkg.models.Bridge) and event.bridge.id == bridge.id
        )
        assert event.userevent["where"] == "bridge"
    finally:
        ari.bridges.destroy(bridge_id=bridge.id)


def test_user_event_errors(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    with raises(pkg, "NotFound", 404, "Application not found") as info:
        ari.events.user_event(
            event_name="it", application=f"it-no-such-app-{uuid.uuid4().hex}"
        )
    assert info.value.reason == "Application does not exist."
    with raises(pkg, "UnprocessableEntity", 422, "Event source was not found"):
        ari.events.user_event(
            event_name="it", application=app, source="channel:does-not-exist"
        )
    with raises(pkg, "BadRequest", 400, "Invalid event source URI scheme"):
        ari.events.user_event(event_name="it", application=app, source="bogus:thing")
    with raises(pkg, "BadRequest", 400, "Missing parameter application"):
        ari.events.user_event(event_name="it", application="")


# --- claiming a broadcast channel (StasisBroadcast) -----------------------------------------------


def _broadcast_available(ari: Any) -> bool:
    return "res_stasis_broadcast.so" in {m.name for m in ari.asterisk.list_modules()}


def test_claim_channel(
    ari: Any,
    pkg: Package,
    server: Server,
    app: str,
    events: EventLog,
    cleanup: list[str],
) -> None:
    pkg.require("events.claimChannel")
    if not _broadcast_available(ari) or "not registered" in server.cli(
        "core show application StasisBroadcast"
    ):
        pytest.skip(
            "this Asterisk has no StasisBroadcast (res_stasis_broadcast is not built)"
        )
    exten = f"it-bc-{uuid.uuid4().hex[:8]}"
    server.cli(
        f"dialplan add extension {exten},1,StasisBroadcast(5000,^{app}$,a1:a2,yes) into default"
    )
    try:
        near, far = f"{exten}-1", f"{exten}-2"
        ari.channels.originate(
            endpoint=f"Local/{exten}@default/n", extension="wait", context="default",
            channel_id=near, other_channel_id=far,
        )  # fmt: skip
        cleanup.extend([far, near])
        broadcast = events.wait("CallBroadcast", channel=far)
        assert isinstance(broadcast, pkg.models.CallBroadcast)
        assert broadcast.called == exten
        assert ari.events.claim_channel(channel_id=far, application=app) is None
        claimed = events.wait("CallClaimed", channel=far)
        assert claimed.winner_app == app
        start = events.wait("StasisStart", channel=far)
        assert start.args == ["a1", "a2"]
        with raises(
            pkg,
            "Conflict",
            409,
            "Channel has already been claimed by another application",
        ):
            ari.events.claim_channel(channel_id=far, application=app)
    finally:
        server.cli(f"dialplan remove extension {exten}@default")


def test_claim_channel_not_in_broadcast(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    pkg.require("events.claimChannel")
    if _broadcast_available(ari):
        with raises(
            pkg, "NotFound", 404, "Channel not found or not in broadcast state"
        ):
            ari.events.claim_channel(channel_id="does-not-exist", application=app)
    else:  # 501, outside the spec's errorResponses
        with raises(
            pkg, "Unimplemented", 501,
            "Broadcast functionality not available (res_stasis_broadcast not loaded)",
        ) as info:  # fmt: skip
            ari.events.claim_channel(channel_id="does-not-exist", application=app)
        assert not info.value.documented


def test_claim_channel_missing_parameters(ari: Any, pkg: Package, app: str) -> None:
    pkg.require("events.claimChannel")
    with raises(pkg, "BadRequest", 400, "channelId parameter is required"):
        ari.events.claim_channel(channel_id="", application=app)
    with raises(pkg, "BadRequest", 400, "application parameter is required"):
        ari.events.claim_channel(channel_id="x", application="")
    with pytest.raises(pkg.errors.ValidationError):
        ari.events.claim_channel(channel_id=None, application=app)  # type: ignore[arg-type]


# --- the client's event loop: handlers and run ----------------------------------------------------


def test_sync_run_dispatches_to_handlers(
    pkg: Package, server: Server, app: str
) -> None:
    client = pkg.AriClient(server.url, username=server.user, password=server.password)
    seen: list[str] = []
    states: list[Any] = []
    made: list[str] = []

    @client.on(pkg.events.Connected)
    def connected(state: Any) -> None:
        states.append(state)
        made.append(client.channels.originate(endpoint="Local/wait@default", app=app,
                                              formats="ulaw").id)  # fmt: skip

    @client.on(pkg.models.StasisStart)
    def start(event: Any) -> None:
        seen.append(f"start:{event.channel.id}")
        client.channels.hangup(channel_id=event.channel.id)

    @client.on(pkg.models.StasisEnd)
    def end(event: Any) -> None:
        seen.append(f"end:{event.channel.id}")
        client.stop()

    bound = threading.Timer(WAIT, client.stop)  # a bound, not a synchronisation
    bound.start()
    try:
        client.run(app)
    finally:
        bound.cancel()
        client.close()
    assert len(states) == 1 and not states[0].reconnected
    assert seen == [f"start:{made[0]}", f"end:{made[0]}"]


def test_async_run_dispatches_to_handlers(
    pkg: Package, server: Server, app: str
) -> None:
    seen: list[str] = []
    made: list[str] = []

    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:

            @client.on(pkg.events.Connected)
            async def connected(state: Any) -> None:
                channel = await client.channels.originate(
                    endpoint="Local/wait@default", app=app, formats="ulaw"
                )
                made.append(channel.id)

            @client.on(pkg.models.StasisStart)
            async def start(event: Any) -> None:
                seen.append(f"start:{event.channel.id}")
                await client.channels.hangup(channel_id=event.channel.id)

            @client.on(pkg.models.StasisEnd)
            def end(
                event: Any,
            ) -> None:  # a plain function works on the async client too
                seen.append(f"end:{event.channel.id}")
                asyncio.get_running_loop().create_task(client.stop())

            await asyncio.wait_for(client.run(app), WAIT)

    asyncio.run(flow())
    assert seen == [f"start:{made[0]}", f"end:{made[0]}"]


def test_async_event_stream(pkg: Package, server: Server, app: str) -> None:
    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            async with client.events(app=app) as stream:
                channel = await client.channels.originate(
                    endpoint="Local/wait@default", app=app, formats="ulaw"
                )

                async def wait_for(kind: str) -> Any:
                    while True:
                        event = await stream.next(timeout=WAIT)
                        if (
                            type(event).__name__ == kind
                            and event.channel.id == channel.id
                        ):
                            return event

                start = await wait_for("StasisStart")
                assert isinstance(start, pkg.models.StasisStart)
                await client.events.user_event(
                    event_name="it-async",
                    application=app,
                    source=f"channel:{channel.id}",
                )
                user = await wait_for("ChannelUserevent")
                assert user.eventname == "it-async"
                await client.channels.hangup(channel_id=channel.id)
                assert isinstance(await wait_for("StasisEnd"), pkg.models.StasisEnd)
            assert not stream.connected

    asyncio.run(flow())
