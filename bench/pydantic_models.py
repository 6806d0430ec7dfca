"""Hand-written pydantic v2 models equivalent to the generated StasisStart, Channel, CallerID
and DialplanCEP: the same fields, required and optional alike, unknown fields kept (like the
generated ``extras``), dates parsed to aware datetimes, LIST strings kept as ``str`` (the
generated decoders are lenient about unknown values too). The baseline for decoding speed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class CallerID(_Model):
    name: str
    number: str


class DialplanCEP(_Model):
    context: str
    exten: str
    priority: int
    app_name: str
    app_data: str


class Channel(_Model):
    id: str
    protocol_id: str
    name: str
    state: str
    caller: CallerID
    connected: CallerID
    accountcode: str
    dialplan: DialplanCEP
    creationtime: datetime
    language: str
    channelvars: Optional[Dict[str, Any]] = None
    caller_rdnis: Optional[str] = None
    tenantid: Optional[str] = None


class StasisStart(_Model):
    type: str
    asterisk_id: Optional[str] = None
    application: str
    timestamp: datetime
    args: List[str]
    channel: Channel
    replace_channel: Optional[Channel] = None
