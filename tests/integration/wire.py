"""What the clients sent, read from httpx's and websockets' own logs (nothing patched): every
HTTP request with its status (httpx, INFO) and every websocket upgrade with the status that
answered it (websockets, DEBUG); and the operations of a listing, to name them.

``conformance`` (per test) and ``coverage_report`` (per run) both listen here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit


@dataclass
class Request:
    method: str
    url: str
    # the status answered; None for a websocket upgrade until its answer is logged
    status: int | None


Listener = Callable[[Request], None]

_listeners: list[Listener] = []


class _Recorder(logging.Handler):
    _HTTPX = re.compile(r'^HTTP Request: (\w+) (\S+) "HTTP/[\d.]+ (\d+)')
    _WS = re.compile(r"^> GET (\S+) HTTP/1\.1")
    _WS_STATUS = re.compile(r"^< HTTP/1\.1 (\d+)")

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self._upgrade: Request | None = None  # the last upgrade not answered yet

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record this module does not read
            return
        if found := self._HTTPX.match(text):
            self._tell(Request(found.group(1), found.group(2), int(found.group(3))))
        elif found := self._WS.match(text):
            self._upgrade = Request("GET", found.group(1), None)
            self._tell(self._upgrade)
        elif (found := self._WS_STATUS.match(text)) and self._upgrade is not None:
            self._upgrade.status = int(found.group(1))
            self._upgrade = None

    @staticmethod
    def _tell(request: Request) -> None:
        for listener in _listeners:
            listener(request)


def listen(listener: Listener) -> None:
    """Call ``listener`` with every request from now on (idempotent per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)
    for name, level in (("httpx", logging.INFO), ("websockets.client", logging.DEBUG)):
        logger = logging.getLogger(name)
        if not any(isinstance(h, _Recorder) for h in logger.handlers):
            logger.addHandler(_Recorder(level))
        if logger.getEffectiveLevel() > level:
            logger.setLevel(level)


class Operations:
    """The operations of a listing, to name a request by its method and path under ``/ari``."""

    def __init__(self, spec_dir: Path) -> None:
        from ari_codegen import build_ir

        spec, _ = build_ir(spec_dir)
        assert spec is not None
        self.names: list[str] = []
        self._patterns: list[tuple[str, str, re.Pattern[str]]] = []
        for decl in spec.declarations:
            for op in decl.operations:
                name = f"{decl.name}.{op.nickname}"
                pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op.path))
                self.names.append(name)
                self._patterns.append((name, op.method, re.compile(pattern + "$")))
        # literal segments first (channels/create before channels/{channelId})
        self._patterns.sort(key=lambda o: o[2].pattern.count("[^/]+"))

    def name(self, method: str, url: str) -> str | None:
        """The operation a request reached, None if none of the listing."""
        path = urlsplit(url).path
        if "/ari" in path:
            path = path[path.index("/ari") + 4 :]
        for name, want, pattern in self._patterns:
            if want == method and pattern.match(path):
                return name
        return None
