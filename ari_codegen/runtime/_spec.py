"""Stand-in for the generated ``_spec.py``, so that the runtime type-checks and runs alone.

Not copied: every generated package gets its own ``_spec.py``, rendered from the template
``package/_spec.py.jinja`` with every operation of its spec. This one holds a few
operations of the ARI listing bundled with ari_codegen, for the runtime's own unit tests
(``tests/runtime/``).
"""

from __future__ import annotations

from typing import Tuple

from ._route import Param, Route

__all__ = ["BASE_PATH", "ROUTES"]

BASE_PATH = "http://localhost:8088/ari"
"""The listing's basePath."""

ROUTES: Tuple[Route, ...] = (
    Route(
        "asterisk.getInfo",
        "GET",
        "/asterisk/info",
        (
            Param(
                "only",
                "query",
                "string",
                False,
                True,
                ("build", "system", "config", "status"),
            ),
        ),
        ("12.0.0",),
        False,
    ),
    Route(
        "asterisk.ping",
        "GET",
        "/asterisk/ping",
        (),
        ("13.25.0", "16.2.0"),
        False,
    ),
    Route(
        "asterisk.getGlobalVar",
        "GET",
        "/asterisk/variable",
        (Param("variable", "query", "string", True, False),),
        ("12.0.0",),
        False,
    ),
    Route(
        "asterisk.setGlobalVar",
        "POST",
        "/asterisk/variable",
        (
            Param("variable", "query", "string", True, False),
            Param("value", "query", "string", False, False),
        ),
        ("12.0.0",),
        False,
    ),
    Route(
        "channels.list",
        "GET",
        "/channels",
        (),
        ("12.0.0",),
        False,
    ),
    Route(
        "channels.originate",
        "POST",
        "/channels",
        (
            Param("endpoint", "query", "string", True, False),
            Param("extension", "query", "string", False, False),
            Param("context", "query", "string", False, False),
            Param("priority", "query", "int", False, False),
            Param("label", "query", "string", False, False),
            Param("app", "query", "string", False, False),
            Param("appArgs", "query", "string", False, False),
            Param("callerId", "query", "string", False, False),
            Param("timeout", "query", "int", False, False),
            Param("variables", "body", "containers", False, False),
            Param("channelId", "query", "string", False, False),
            Param("otherChannelId", "query", "string", False, False),
            Param("originator", "query", "string", False, False),
            Param("formats", "query", "string", False, False),
        ),
        ("12.0.0",),
        False,
    ),
    Route(
        "channels.get",
        "GET",
        "/channels/{channelId}",
        (Param("channelId", "path", "string", True, False),),
        ("12.0.0",),
        False,
    ),
    Route(
        "channels.hangup",
        "DELETE",
        "/channels/{channelId}",
        (
            Param("channelId", "path", "string", True, False),
            Param("reason_code", "query", "string", False, False),
            Param(
                "reason",
                "query",
                "string",
                False,
                False,
                (
                    "normal",
                    "busy",
                    "congestion",
                    "no_answer",
                    "timeout",
                    "rejected",
                    "unallocated",
                    "normal_unspecified",
                    "number_incomplete",
                    "codec_mismatch",
                    "interworking",
                    "failure",
                    "answered_elsewhere",
                ),
            ),
        ),
        ("12.0.0",),
        False,
    ),
    Route(
        "channels.play",
        "POST",
        "/channels/{channelId}/play",
        (
            Param("channelId", "path", "string", True, False),
            Param("media", "query", "string", True, True),
            Param("lang", "query", "string", False, False),
            Param("offsetms", "query", "int", False, False),
            Param("skipms", "query", "int", False, False),
            Param("playbackId", "query", "string", False, False),
        ),
        ("12.0.0",),
        False,
    ),
    Route(
        "bridges.create",
        "POST",
        "/bridges",
        (
            Param("type", "query", "string", False, False),
            Param("bridgeId", "query", "string", False, False),
            Param("name", "query", "string", False, False),
        ),
        ("12.0.0",),
        False,
    ),
    Route(
        "recordings.getStoredFile",
        "GET",
        "/recordings/stored/{recordingName}/file",
        (Param("recordingName", "path", "string", True, False),),
        ("14.0.0",),
        False,
    ),
    Route(
        "events.eventWebsocket",
        "GET",
        "/events",
        (
            Param("app", "query", "string", True, True),
            Param("subscribeAll", "query", "boolean", False, False),
        ),
        ("12.0.0",),
        True,
    ),
    Route(
        "applications.filter",
        "PUT",
        "/applications/{applicationName}/eventFilter",
        (
            Param("applicationName", "path", "string", True, False),
            Param("filter", "body", "object", False, False, whole_body=True),
        ),
        ("13.26.0", "16.3.0"),
        False,
    ),
)
"""Every operation of the spec (here: a few of them)."""
