"""Stand-in for the generated ``_objects.py``, so that the runtime type-checks and runs alone.

Not copied: every generated package gets its own ``_objects.py``, rendered from the template
``package/_objects.py.jinja`` from its spec (see ``ari_codegen.objects``). This one holds a
few events of the ARI listing bundled with ari_codegen, for the runtime's own unit tests
(``tests/runtime/``).
"""

from __future__ import annotations

from typing import Dict, Tuple

__all__ = ["IDENTITY", "OBJECTS", "ENDS"]

IDENTITY: Dict[str, str] = {
    "Channel": "id",
    "Playback": "id",
    "LiveRecording": "name",
}
"""Each object model with the attribute that identifies it."""

OBJECTS: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "Event": {
        "playback": ("Playback",),
        "recording": ("LiveRecording",),
        "channel": ("Channel",),
        "replace_channel": ("Channel",),
        "caller": ("Channel",),
        "peer": ("Channel",),
    },
    "PlaybackFinished": {"playback": ("Playback",)},
    "RecordingFinished": {"recording": ("LiveRecording",)},
    "ChannelDtmfReceived": {"channel": ("Channel",)},
    "ChannelDestroyed": {"channel": ("Channel",)},
    "Dial": {"caller": ("Channel",), "peer": ("Channel",), "forwarded": ("Channel",)},
    "StasisEnd": {"channel": ("Channel",)},
    "StasisStart": {"channel": ("Channel",), "replace_channel": ("Channel",)},
}
"""Each event class with the keywords it accepts: attribute → the models it may hold (a base
class accepts those of all its descendants)."""

ENDS: Dict[str, Tuple[str, ...]] = {
    "PlaybackFinished": ("playback",),
    "RecordingFinished": ("recording",),
    "ChannelDestroyed": ("channel",),
    "StasisEnd": ("channel",),
}
"""Each event class that ends objects, with the attributes whose objects it ends."""
