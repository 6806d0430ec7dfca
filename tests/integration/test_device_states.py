"""The deviceStates resource: ``Stasis:`` devices the application controls, and their events."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from .conftest import EventLog, Package, Server, raises

STATES = [
    "NOT_INUSE",
    "INUSE",
    "BUSY",
    "INVALID",
    "UNAVAILABLE",
    "RINGING",
    "RINGINUSE",
    "ONHOLD",
]


@pytest.fixture()
def device(ari: Any, pkg: Package) -> Any:
    """A ``Stasis:`` device name of this test's own, deleted at the end."""
    name = f"Stasis:it-{uuid.uuid4().hex[:8]}"
    yield name
    ari.device_states.delete(device_name=name)  # deleting an unknown device is fine too


def test_update_get_list_delete(ari: Any, pkg: Package, device: str) -> None:
    assert ari.device_states.update(device_name=device, device_state="BUSY") is None
    got = ari.device_states.get(device_name=device)
    assert isinstance(got, pkg.models.DeviceState)
    assert got.name == device
    assert got.state == "BUSY"
    assert got.state is pkg.models.DeviceStateState.BUSY

    listed = ari.device_states.list()
    assert all(isinstance(d, pkg.models.DeviceState) for d in listed)
    assert {d.name: d.state for d in listed}[device] == "BUSY"

    ari.device_states.update(
        device_name=device, device_state=pkg.models.DeviceStatesUpdateDeviceState.ONHOLD
    )
    assert ari.device_states.get(device_name=device).state == "ONHOLD"

    assert ari.device_states.delete(device_name=device) is None
    assert ari.device_states.get(device_name=device).state == "UNKNOWN"
    assert device not in {d.name for d in ari.device_states.list()}


def test_get_unknown_device(ari: Any, pkg: Package) -> None:
    # a device nobody set is UNKNOWN (Stasis:) or INVALID (no such technology), never a 404
    assert ari.device_states.get(
        device_name=f"Stasis:it-never-{uuid.uuid4().hex[:8]}"
    ).state == ("UNKNOWN")
    assert ari.device_states.get(device_name="Local:foo").state == "INVALID"


def test_every_state_with_events(
    ari: Any, pkg: Package, app: str, events: EventLog, device: str
) -> None:
    subscribed = ari.applications.subscribe(
        application_name=app, event_source=f"deviceState:{device}"
    )
    try:
        assert subscribed.device_names == [device]
        for state in STATES:
            ari.device_states.update(device_name=device, device_state=state)
            event = events.wait("DeviceStateChanged", device_state=device)
            assert isinstance(event, pkg.models.DeviceStateChanged)
            assert isinstance(event.device_state, pkg.models.DeviceState)
            assert event.device_state.state == state
            assert event.application == app
            assert ari.device_states.get(device_name=device).state == state
    finally:
        _unsubscribe(ari, app, device)


def _unsubscribe(ari: Any, app: str, device: str) -> None:
    """Unsubscribe before the websocket closes. Closing an events websocket whose application is
    subscribed to a device state while a DeviceStateChanged for it is being delivered deadlocks
    this Asterisk: the session's cleanup holds the session lock and joins the device-state
    subscription, whose callback waits for that lock (res_stasis_device_state.c
    unsubscribe_device_state -> stasis_unsubscribe_and_join vs ari_websocket_send_event).
    """
    ari.applications.unsubscribe(
        application_name=app, event_source=f"deviceState:{device}"
    )


def test_update_uncontrolled_device(ari: Any, pkg: Package) -> None:
    for name in ("Local:foo", "justname"):
        with raises(pkg, "Conflict", 409, "Uncontrolled device specified") as info:
            ari.device_states.update(device_name=name, device_state="BUSY")
        assert info.value.reason == "Uncontrolled device specified"
    with raises(pkg, "Conflict", 409, "Uncontrolled device specified"):
        ari.device_states.delete(device_name="Local:foo")


@pytest.mark.parametrize("value", ["UNKNOWN", "bogus", "busy"])
def test_update_rejects_values_outside_the_list(
    ari: Any, pkg: Package, device: str, value: str
) -> None:
    with pytest.raises(pkg.errors.ValidationError) as info:
        ari.device_states.update(device_name=device, device_state=value)
    assert [p.path for p in info.value.problems] == ["deviceState"]
    assert (
        ari.device_states.get(device_name=device).state == "UNKNOWN"
    )  # nothing was sent


def test_async_device_states(pkg: Package, server: Server, device: str) -> None:
    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            app = f"it-async-{uuid.uuid4().hex[:8]}"
            async with client.events(app=app) as stream:
                await client.applications.subscribe(
                    application_name=app, event_source=f"deviceState:{device}"
                )
                await client.device_states.update(
                    device_name=device, device_state="RINGING"
                )
                event = await stream.next(timeout=10)
                while not isinstance(event, pkg.models.DeviceStateChanged):
                    event = await stream.next(timeout=10)
                assert event.device_state.name == device
                assert event.device_state.state == "RINGING"
                got = await client.device_states.get(device_name=device)
                assert got.state == "RINGING"
                await client.applications.unsubscribe(  # see _unsubscribe
                    application_name=app, event_source=f"deviceState:{device}"
                )
            await client.device_states.delete(device_name=device)
            assert (
                await client.device_states.get(device_name=device)
            ).state == "UNKNOWN"

    asyncio.run(flow())
