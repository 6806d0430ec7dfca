"""Benchmark payloads: StasisStart frames as Asterisk sends them on /ari/events.

``SMALL`` is the StasisStart of the recorded traffic sample, byte for byte (481 bytes with its
newline). ``LARGE`` is the same event the way a busy system sends it, about 1 KB: application
arguments, caller IDs, channel variables and a ``replace_channel``.
"""

from __future__ import annotations

import json
from typing import Any

SMALL = (
    '{"type":"StasisStart","timestamp":"2026-11-26T03:16:20.959+0000","args":[],"channel":'
    '{"id":"smoke-a2","name":"Local/stasis@default-00000000;2","state":"Ring","protocol_id":"",'
    '"caller":{"name":"","number":""},"connected":{"name":"","number":""},"accountcode":"",'
    '"dialplan":{"context":"default","exten":"stasis","priority":1,"app_name":"Stasis",'
    '"app_data":"demo"},"creationtime":"2026-11-26T03:16:20.958+0000","language":"en"},'
    '"asterisk_id":"02:fc:00:00:00:01","application":"demo"}'
)


def _large() -> str:
    event: dict[str, Any] = json.loads(SMALL)
    event["args"] = ["inbound", "queue=support", "lang=en"]
    channel = event["channel"]
    channel.update(
        id="1764127000.1042",
        name="PJSIP/trunk-provider-0000041a",
        protocol_id="a84b4c76e66710@pbx.example.com",
        caller={"name": "Alice Example", "number": "+4930123456"},
        connected={"name": "Support Line", "number": "2000"},
        accountcode="acme",
        channelvars={
            "CALLERID(num)": "+4930123456",
            "CDR(userfield)": "campaign-17",
            "X_TENANT": "acme",
        },
    )
    channel["dialplan"].update(
        context="from-trunk", exten="2000", app_data="demo,inbound"
    )
    replaced = json.loads(json.dumps(channel))
    replaced.update(
        id="1764126999.1041", name="PJSIP/trunk-provider-00000419", channelvars={}
    )
    event["replace_channel"] = replaced
    return json.dumps(event, separators=(",", ":"))


LARGE = _large()
FRAMES = {"481 B": SMALL, f"{len(LARGE.encode())} B": LARGE}

CHANNEL: dict[str, Any] = json.loads(LARGE)["channel"]
