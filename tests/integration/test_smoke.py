"""Smoke: the server answers, and a channel reaches Stasis."""

from __future__ import annotations

from typing import Any, Callable

from .conftest import Call, EventLog, Package


def test_info(ari: Any, pkg: Package) -> None:
    info = ari.asterisk.get_info()
    assert isinstance(info, pkg.models.AsteriskInfo)
    assert info.system.version


def test_originate_reaches_stasis(
    ari: Any, pkg: Package, events: EventLog, originate: Callable[..., Call]
) -> None:
    call = originate()
    assert isinstance(call.start, pkg.models.StasisStart)
    assert call.start.channel.id == call.id
    ari.channels.hangup(channel_id=call.id)
    events.wait("StasisEnd", channel=call.id)
