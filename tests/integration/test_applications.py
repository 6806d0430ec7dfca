"""The applications resource: list, get, subscribe, unsubscribe and the event filter."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Callable

import pytest

from .conftest import Call, EventLog, Package, Server, raises

EMPTY = {
    "channel_ids": [],
    "bridge_ids": [],
    "endpoint_ids": [],
    "device_names": [],
    "events_allowed": [],
    "events_disallowed": [],
}


def _lists(application: Any) -> dict[str, list[Any]]:
    return {key: getattr(application, key) for key in EMPTY}


def test_list(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    applications = ari.applications.list()
    assert all(isinstance(a, pkg.models.Application) for a in applications)
    assert app in {a.name for a in applications}


def test_get(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    application = ari.applications.get(application_name=app)
    assert isinstance(application, pkg.models.Application)
    assert application.name == app
    assert _lists(application) == EMPTY


def test_get_unknown(ari: Any, pkg: Package) -> None:
    with raises(pkg, "NotFound", 404, "Application not found") as info:
        ari.applications.get(application_name=f"it-no-such-app-{uuid.uuid4().hex[:8]}")
    assert info.value.reason == "Application does not exist."


def test_channel_in_stasis_is_listed(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    call = originate()
    assert call.id in ari.applications.get(application_name=app).channel_ids
    ari.channels.hangup(channel_id=call.id)
    events.wait("StasisEnd", channel=call.id)
    assert call.id not in ari.applications.get(application_name=app).channel_ids


def test_subscribe_and_unsubscribe(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    device = f"Stasis:it-{uuid.uuid4().hex[:8]}"
    subscribed = ari.applications.subscribe(
        application_name=app, event_source=f"deviceState:{device}"
    )
    assert isinstance(subscribed, pkg.models.Application)
    assert subscribed.name == app and subscribed.device_names == [device]
    assert ari.applications.get(application_name=app).device_names == [device]

    unsubscribed = ari.applications.unsubscribe(
        application_name=app, event_source=f"deviceState:{device}"
    )
    assert isinstance(unsubscribed, pkg.models.Application)
    assert unsubscribed.device_names == []
    assert _lists(ari.applications.get(application_name=app)) == EMPTY


def test_subscribe_several_sources_at_once(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    bridge = ari.bridges.create(type="mixing")
    try:
        devices = [f"Stasis:it-{uuid.uuid4().hex[:8]}" for _ in range(2)]
        sources = [f"bridge:{bridge.id}"] + [f"deviceState:{d}" for d in devices]
        subscribed = ari.applications.subscribe(
            application_name=app, event_source=sources
        )
        assert subscribed.bridge_ids == [bridge.id]
        assert sorted(subscribed.device_names) == sorted(devices)
        unsubscribed = ari.applications.unsubscribe(
            application_name=app, event_source=sources
        )
        assert _lists(unsubscribed) == EMPTY
    finally:
        ari.bridges.destroy(bridge_id=bridge.id)


def test_subscribe_errors(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    with raises(pkg, "BadRequest", 400, "Invalid event source URI scheme"):
        ari.applications.subscribe(application_name=app, event_source="bogus:x")
    with raises(pkg, "BadRequest", 400, "Invalid event source URI scheme"):
        ari.applications.subscribe(application_name=app, event_source="channel")
    with raises(pkg, "UnprocessableEntity", 422, "Event source does not exist") as info:
        ari.applications.subscribe(
            application_name=app, event_source="channel:does-not-exist"
        )
    assert info.value.reason == "Event source does not exist."
    with raises(pkg, "UnprocessableEntity", 422, "Event source does not exist"):
        ari.applications.subscribe(
            application_name=app, event_source="bridge:does-not-exist"
        )
    with raises(pkg, "NotFound", 404, "Application not found"):
        ari.applications.subscribe(
            application_name=f"it-no-such-app-{uuid.uuid4().hex[:8]}",
            event_source="deviceState:Stasis:x",
        )
    with pytest.raises(pkg.errors.ValidationError):
        ari.applications.subscribe(application_name=app, event_source=[])
    assert _lists(ari.applications.get(application_name=app)) == EMPTY


def test_unsubscribe_errors(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    with raises(pkg, "UnprocessableEntity", 422, "Event source was not subscribed to"):
        ari.applications.unsubscribe(
            application_name=app, event_source="deviceState:Stasis:it-never-subscribed"
        )
    # subscribing to all channels works; unsubscribing from all is not implemented
    everything = ari.applications.subscribe(
        application_name=app, event_source="channel:"
    )
    assert everything.channel_ids == ["__AST_CHANNEL_ALL_TOPIC"]
    with raises(pkg, "Unimplemented", 501, "Method not implemented") as info:
        ari.applications.unsubscribe(application_name=app, event_source="channel:")
    assert not info.value.documented


# --- the event filter -----------------------------------------------------------------------------


def test_filter_is_set_and_visible(
    ari: Any, pkg: Package, app: str, events: EventLog
) -> None:
    allowed = [{"type": "StasisStart"}, {"type": "StasisEnd"}]
    disallowed = [{"type": "ChannelVarset"}]
    filtered = ari.applications.filter(
        application_name=app, filter={"allowed": allowed, "disallowed": disallowed}
    )
    assert isinstance(filtered, pkg.models.Application)
    assert filtered.events_allowed == allowed
    assert filtered.events_disallowed == disallowed
    got = ari.applications.get(application_name=app)
    assert (got.events_allowed, got.events_disallowed) == (allowed, disallowed)

    # one list given: only that one changes
    ari.applications.filter(application_name=app, filter={"allowed": []})
    got = ari.applications.get(application_name=app)
    assert (got.events_allowed, got.events_disallowed) == ([], disallowed)

    # no filter: both are cleared
    cleared = ari.applications.filter(application_name=app)
    assert (cleared.events_allowed, cleared.events_disallowed) == ([], [])
    got = ari.applications.get(application_name=app)
    assert (got.events_allowed, got.events_disallowed) == ([], [])


def _fence(ari: Any, events: EventLog, call: Call, name: str) -> None:
    """Set a channel variable and wait for its ChannelVarset. The user events sent before it went
    through the same queue of the application, so they have been delivered or filtered by now.
    """
    ari.channels.set_channel_var(channel_id=call.id, variable=name, value="1")
    events.wait("ChannelVarset", channel=call.id, variable=name)


def _user_events(events: EventLog) -> list[str]:
    return [e.eventname for e in events.seen if type(e).__name__ == "ChannelUserevent"]


def test_filter_disallowed_takes_effect(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    call = originate()
    ari.applications.filter(
        application_name=app, filter={"disallowed": [{"type": "ChannelUserevent"}]}
    )
    ari.events.user_event(event_name="it-blocked", application=app)
    _fence(ari, events, call, "IT_FENCE_1")
    assert _user_events(events) == []

    ari.applications.filter(application_name=app, filter={"disallowed": []})
    ari.events.user_event(event_name="it-passes", application=app)
    assert events.wait("ChannelUserevent").eventname == "it-passes"
    assert _user_events(events) == ["it-passes"]


def test_filter_allowed_takes_effect(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    call = originate()
    ari.applications.filter(
        application_name=app, filter={"allowed": [{"type": "ChannelVarset"}]}
    )
    ari.events.user_event(event_name="it-not-allowed", application=app)
    _fence(ari, events, call, "IT_FENCE_2")
    assert _user_events(events) == []


def test_filter_errors(ari: Any, pkg: Package, app: str, events: EventLog) -> None:
    with raises(pkg, "BadRequest", 400, "Invalid format definition") as info:
        ari.applications.filter(application_name=app, filter={"allowed": "bogus"})
    assert info.value.reason == "Bad request."
    with raises(pkg, "NotFound", 404, "Application not found"):
        ari.applications.filter(
            application_name=f"it-no-such-app-{uuid.uuid4().hex[:8]}",
            filter={"allowed": []},
        )
    got = ari.applications.get(application_name=app)
    assert (got.events_allowed, got.events_disallowed) == ([], [])


def test_async_applications(pkg: Package, server: Server) -> None:
    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            app = f"it-async-{uuid.uuid4().hex[:8]}"
            async with client.events(app=app):
                names = {a.name for a in await client.applications.list()}
                assert app in names
                device = f"Stasis:it-{uuid.uuid4().hex[:8]}"
                subscribed = await client.applications.subscribe(
                    application_name=app, event_source=f"deviceState:{device}"
                )
                assert subscribed.device_names == [device]
                filtered = await client.applications.filter(
                    application_name=app, filter={"allowed": [{"type": "StasisStart"}]}
                )
                assert filtered.events_allowed == [{"type": "StasisStart"}]
                got = await client.applications.get(application_name=app)
                assert got.device_names == [device]
                assert got.events_allowed == [{"type": "StasisStart"}]
                await client.applications.unsubscribe(
                    application_name=app, event_source=f"deviceState:{device}"
                )
            with raises(pkg, "NotFound", 404, "Application not found"):
                await client.applications.get(
                    application_name=f"it-gone-{uuid.uuid4().hex}"
                )

    asyncio.run(flow())
