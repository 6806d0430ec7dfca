"""The playbacks resource (and channels.play/playWithId) against a real Asterisk.

The only sound here is ``sound:beep`` (0.25 s); ``tone:ring`` plays until stopped.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from .conftest import Call, EventLog, Package, raises


def test_play_get_stop(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    pid = f"{app}-ring"
    playback = ari.channels.play(channel_id=cid, media="tone:ring", playback_id=pid)
    assert isinstance(playback, pkg.models.Playback)
    assert (playback.id, playback.media_uri) == (pid, "tone:ring")
    # the answer is a snapshot: "queued", or already "playing" when Asterisk was quick
    assert playback.target_uri == f"channel:{cid}"
    assert playback.state in ("queued", "playing")
    started = events.wait("PlaybackStarted", playback=pid)
    assert isinstance(started, pkg.models.PlaybackStarted)
    assert started.playback.state == "playing"

    got = ari.playbacks.get(playback_id=pid)
    assert isinstance(got, pkg.models.Playback)
    assert (got.id, got.state, got.target_uri) == (pid, "playing", f"channel:{cid}")

    assert ari.playbacks.stop(playback_id=pid) is None
    finished = events.wait("PlaybackFinished", playback=pid)
    assert isinstance(finished, pkg.models.PlaybackFinished)
    assert finished.playback.state == "done"
    # Asterisk sends PlaybackFinished a moment before it forgets the playback: a GET in between
    # still finds it, done. An id it never had is a 404 at once.
    try:
        assert ari.playbacks.get(playback_id=pid).state == "done"
    except pkg.errors.NotFound:
        pass
    with raises(pkg, "NotFound", 404, "Playback not found"):
        ari.playbacks.get(playback_id=f"{pid}-never")
    with raises(pkg, "NotFound", 404, "Playback not found"):
        ari.playbacks.stop(playback_id=f"{pid}-never")


def test_play_with_id_several_media(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    pid = f"{app}-beeps"
    playback = ari.channels.play_with_id(
        channel_id=cid, playback_id=pid, media=["sound:beep", "sound:beep"], lang="en",
        skipms=500, offsetms=0,
    )  # fmt: skip
    assert isinstance(playback, pkg.models.Playback) and playback.id == pid
    assert (playback.media_uri, playback.next_media_uri) == ("sound:beep", "sound:beep")
    assert playback.language == "en"
    first = events.wait("PlaybackStarted", playback=pid)
    assert (first.playback.media_uri, first.playback.next_media_uri) == (
        "sound:beep",
    ) * 2
    continuing = events.wait("PlaybackContinuing", playback=pid)
    assert isinstance(continuing, pkg.models.PlaybackContinuing)
    assert continuing.playback.state == "continuing"
    second = events.wait("PlaybackStarted", playback=pid)
    assert (
        second.playback.media_uri == "sound:beep"
        and second.playback.next_media_uri is None
    )
    finished = events.wait("PlaybackFinished", playback=pid)
    assert (finished.playback.media_uri, finished.playback.state) == (
        "sound:beep",
        "done",
    )


def test_play_unknown_sound_fails(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    playback = ari.channels.play(channel_id=cid, media="sound:it-no-such-sound")
    assert (
        isinstance(playback, pkg.models.Playback) and playback.id
    )  # the server names it
    events.wait("PlaybackStarted", playback=playback.id)
    finished = events.wait("PlaybackFinished", playback=playback.id)
    assert finished.playback.state == "failed"


def test_control(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    pid, queued = f"{app}-ctl", f"{app}-next"
    ari.channels.play(channel_id=cid, media="tone:ring", playback_id=pid)
    events.wait("PlaybackStarted", playback=pid)

    assert ari.playbacks.control(playback_id=pid, operation="pause") is None
    # "paused" is outside the spec's LIST of Playback states: kept as the string the server sent
    assert ari.playbacks.get(playback_id=pid).state == "paused"
    ari.playbacks.control(playback_id=pid, operation="unpause")
    assert events.wait("PlaybackStarted", playback=pid).playback.state == "playing"
    assert ari.playbacks.get(playback_id=pid).state == "playing"
    for operation in ("restart", "forward", "reverse"):
        assert ari.playbacks.control(playback_id=pid, operation=operation) is None
        assert ari.playbacks.get(playback_id=pid).state == "playing"

    # a playback queued behind a playing one cannot be controlled yet
    ari.channels.play(channel_id=cid, media="tone:ring", playback_id=queued)
    assert ari.playbacks.get(playback_id=queued).state == "queued"
    with raises(pkg, "Conflict", 409, "Can only pause while media is playing"):
        ari.playbacks.control(playback_id=queued, operation="pause")
    with raises(pkg, "Conflict", 409, "Can only forward while media is playing"):
        ari.playbacks.control(playback_id=queued, operation="forward")

    # the client refuses an operation outside the LIST before sending anything
    with pytest.raises(pkg.errors.ValidationError):
        ari.playbacks.control(playback_id=pid, operation="bogus")

    ari.playbacks.stop(playback_id=queued)
    ari.playbacks.stop(playback_id=pid)
    events.wait("PlaybackFinished", playback=pid)
    with raises(pkg, "NotFound", 404, "Playback not found") as info:
        ari.playbacks.control(playback_id=f"{pid}-never", operation="pause")
    assert info.value.operation == "playbacks.control"
