"""The recordings resource (and channels.record) against a real Asterisk.

A channel records what it hears: ``pair()`` gives both halves of one Local channel, a tone is
played on ``b`` and ``a`` records it. Recording names carry the test's application name, so
runs (and the two packages) never meet on the server's disk.

Not shown here: the 409 "Recording not in session" of pause/unpause/mute/unmute (a live recording
that is neither recording nor paused is gone from the server at once), and getStoredFile's 403
(an unreadable file). A recording is cancelled without ``beep``: cancelled during its beep, the
server answers 500 "Recording operation failed" (it deletes a file not yet opened).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from .conftest import Call, EventLog, Package, Pair, raises


@pytest.fixture()
def stored(ari: Any) -> Iterator[list[str]]:
    """Names of stored recordings the test made; deleted at the end."""
    names: list[str] = []
    yield names
    for name in names:
        try:
            ari.recordings.delete_stored(recording_name=name)
        except Exception:
            pass  # already gone


def test_record_live_controls_stop(
    ari: Any, pkg: Package, app: str, events: EventLog, pair: Callable[..., Pair],
    stored: list[str],
) -> None:  # fmt: skip
    call = pair()
    ari.channels.play(channel_id=call.b, media="tone:ring")
    name = f"{app}-live"
    stored.append(name)
    live = ari.channels.record(
        channel_id=call.a, name=name, format="wav", max_duration_seconds=30,
        max_silence_seconds=10, if_exists="overwrite", beep=False, terminate_on="#",
    )  # fmt: skip
    assert isinstance(live, pkg.models.LiveRecording)
    assert (live.name, live.format, live.target_uri) == (
        name,
        "wav",
        f"channel:{call.a}",
    )
    assert live.state in ("queued", "recording")  # a snapshot: it may have started
    started = events.wait("RecordingStarted", recording=name)
    assert isinstance(started, pkg.models.RecordingStarted)
    assert started.recording.state == "recording"

    got = ari.recordings.get_live(recording_name=name)
    assert isinstance(got, pkg.models.LiveRecording) and got.state == "recording"
    exists = f"Recording '{name}' already exists and can not be overwritten"
    with raises(pkg, "Conflict", 409, exists):
        ari.channels.record(
            channel_id=call.a, name=name, format="wav", if_exists="overwrite"
        )

    assert ari.recordings.pause(recording_name=name) is None
    assert ari.recordings.get_live(recording_name=name).state == "paused"
    assert ari.recordings.unpause(recording_name=name) is None
    assert ari.recordings.get_live(recording_name=name).state == "recording"
    assert ari.recordings.mute(recording_name=name) is None
    assert ari.recordings.unmute(recording_name=name) is None
    assert ari.recordings.get_live(recording_name=name).state == "recording"

    assert ari.recordings.stop(recording_name=name) is None
    finished = events.wait("RecordingFinished", recording=name)
    assert isinstance(finished, pkg.models.RecordingFinished)
    assert finished.recording.state == "done"
    # Asterisk sends RecordingFinished a moment before it forgets the live recording: a GET in
    # between still finds it, done. A name it never had is a 404 at once.
    try:
        assert ari.recordings.get_live(recording_name=name).state == "done"
    except pkg.errors.NotFound:
        pass
    with raises(pkg, "NotFound", 404, "Recording not found"):
        ari.recordings.get_live(recording_name=f"{name}-never")
    recording = ari.recordings.get_stored(recording_name=name)
    assert isinstance(recording, pkg.models.StoredRecording)
    assert (recording.name, recording.format) == (name, "wav")


def test_stored_recordings(
    ari: Any, pkg: Package, app: str, events: EventLog, pair: Callable[..., Pair],
    stored: list[str],
) -> None:  # fmt: skip
    """A one-second recording of a tone: listed, fetched as a WAV file, copied, deleted."""
    call = pair()
    ari.channels.play(channel_id=call.b, media="tone:ring")
    name, copy = f"{app}-tone", f"{app}-copy"
    stored.extend([name, copy])
    ari.channels.record(
        channel_id=call.a, name=name, format="wav", max_duration_seconds=1, beep=True
    )
    events.wait("RecordingStarted", recording=name)
    finished = events.wait(
        "RecordingFinished", recording=name
    )  # after a second of tone
    # about 1 s of tone; Asterisk rounds the recorded length, and under load it may reach 2
    assert finished.recording.duration in (1, 2)

    listed = ari.recordings.list_stored()
    assert all(isinstance(r, pkg.models.StoredRecording) for r in listed)
    assert name in {r.name for r in listed}
    data = ari.recordings.get_stored_file(recording_name=name)
    assert isinstance(data, bytes)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert (
        len(data) > 8000
    )  # 8 kHz, 16 bits: a second of audio is 16 kB, plus the header
    exists = f"Recording '{name}' already exists and can not be overwritten"
    with raises(pkg, "Conflict", 409, exists):
        ari.channels.record(channel_id=call.a, name=name, format="wav")  # ifExists=fail

    copied = ari.recordings.copy_stored(
        recording_name=name, destination_recording_name=copy
    )
    assert isinstance(copied, pkg.models.StoredRecording)
    assert (copied.name, copied.format) == (copy, "wav")
    assert ari.recordings.get_stored_file(recording_name=copy) == data
    exists = "A recording with the same name already exists on the system"
    with raises(pkg, "Conflict", 409, exists):
        ari.recordings.copy_stored(recording_name=name, destination_recording_name=copy)

    assert ari.recordings.delete_stored(recording_name=copy) is None
    assert ari.recordings.delete_stored(recording_name=name) is None
    for gone in (name, copy):
        with raises(pkg, "NotFound", 404, "Recording not found"):
            ari.recordings.get_stored(recording_name=gone)
    assert not {name, copy} & {r.name for r in ari.recordings.list_stored()}


def test_cancel(
    ari: Any, pkg: Package, app: str, events: EventLog, originate: Callable[..., Call],
    stored: list[str],
) -> None:  # fmt: skip
    cid = originate().id
    name = f"{app}-cancel"
    stored.append(name)
    ari.channels.record(channel_id=cid, name=name, format="wav")
    events.wait("RecordingStarted", recording=name)
    assert ari.recordings.cancel(recording_name=name) is None
    events.wait("RecordingFinished", recording=name)
    # a cancelled recording leaves nothing stored
    with raises(pkg, "NotFound", 404, "Recording not found"):
        ari.recordings.get_stored(recording_name=name)


def test_record_errors(
    ari: Any, pkg: Package, app: str, originate: Callable[..., Call]
) -> None:
    cid = originate().id
    with raises(
        pkg, "UnprocessableEntity", 422, "specified format is unknown on this system"
    ):
        ari.channels.record(channel_id=cid, name=f"{app}-x", format="bogusfmt")
    # the client refuses what the spec forbids before sending anything
    with pytest.raises(pkg.errors.ValidationError):
        ari.channels.record(
            channel_id=cid, name=f"{app}-x", format="wav", if_exists="bogus"
        )
    with pytest.raises(pkg.errors.ValidationError):
        ari.channels.record(
            channel_id=cid, name=f"{app}-x", format="wav", max_duration_seconds=-1
        )


UNKNOWN_RECORDING_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("getStored", "get_stored", {}),
    ("deleteStored", "delete_stored", {}),
    ("getStoredFile", "get_stored_file", {}),
    ("copyStored", "copy_stored", {"destination_recording_name": "x"}),
    ("getLive", "get_live", {}),
    ("cancel", "cancel", {}),
    ("stop", "stop", {}),
    ("pause", "pause", {}),
    ("unpause", "unpause", {}),
    ("mute", "mute", {}),
    ("unmute", "unmute", {}),
]


@pytest.mark.parametrize(
    "nickname, method, kwargs",
    UNKNOWN_RECORDING_CALLS,
    ids=[c[0] for c in UNKNOWN_RECORDING_CALLS],
)
def test_unknown_recording_is_not_found(
    ari: Any, pkg: Package, nickname: str, method: str, kwargs: dict[str, Any]
) -> None:
    with raises(pkg, "NotFound", 404, "Recording not found") as info:
        getattr(ari.recordings, method)(recording_name="it-no-such-recording", **kwargs)
    assert info.value.operation == f"recordings.{nickname}"
    assert info.value.documented
