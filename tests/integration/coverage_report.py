"""Which operations of the server's listing the integration suite exercised, and why not the rest.

Nothing is patched: the requests are read from what httpx and websockets log (every HTTP
request at INFO, every websocket handshake at DEBUG), matched to the operations of the listing
the server served. The terminal summary of a run gives the count, the operations whose success
path this server cannot serve (``ERRORS_ONLY``, with the reason; their errors are checked), and
names every operation no test called, so a gap never goes unnoticed.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Operations whose success path this server cannot serve; the suite checks the errors it gives.
ERRORS_ONLY: dict[str, str] = {
    "endpoints.get": "no endpoint exists here (no PJSIP, IAX2 or XMPP): 404 checked",
    "endpoints.listByTech": "no endpoint technology is loaded: 404 checked",
    "endpoints.sendMessage": "needs a PJSIP/XMPP endpoint: 404 and 400 checked",
    "endpoints.sendMessageToEndpoint": "needs a PJSIP/XMPP endpoint: 404 checked",
    "endpoints.refer": "needs a PJSIP endpoint: 404 and 400 checked",
    "endpoints.referToEndpoint": "needs a PJSIP endpoint: 404 checked",
    "events.claimChannel": "res_stasis_broadcast is not built here: 501 and 400 checked",
    "channels.rtpstatistics": "no RTP channel driver (PJSIP) here: a Local channel's 403 and"
    " an external media channel's 404 checked",
}

_requests: set[tuple[str, str]] = set()
_spec_dir: list[Path] = []


class _Recorder(logging.Handler):
    _HTTPX = re.compile(r"^HTTP Request: (\w+) (\S+) ")
    _WS = re.compile(r"^> GET (\S+) HTTP/1\.1")

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record this module does not read
            return
        found = self._HTTPX.match(text)
        if found:
            _requests.add((found.group(1), urlsplit(found.group(2)).path))
            return
        found = self._WS.match(text)
        if found:
            _requests.add(("GET", urlsplit(found.group(1)).path))


def start() -> None:
    """Listen to httpx's and websockets' loggers (idempotent)."""
    for name, level in (("httpx", logging.INFO), ("websockets.client", logging.DEBUG)):
        logger = logging.getLogger(name)
        if not any(isinstance(h, _Recorder) for h in logger.handlers):
            logger.addHandler(_Recorder(level))
        if logger.getEffectiveLevel() > level:
            logger.setLevel(level)


def served_from(spec_dir: Path) -> None:
    """The listing the live package was generated from."""
    _spec_dir[:] = [spec_dir]


def _operations(spec_dir: Path) -> dict[str, tuple[str, re.Pattern[str]]]:
    from ari_codegen import build_ir

    spec, _ = build_ir(spec_dir)
    assert spec is not None
    found: dict[str, tuple[str, re.Pattern[str]]] = {}
    for decl in spec.declarations:
        for op in decl.operations:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op.path))
            found[f"{decl.name}.{op.nickname}"] = (op.method, re.compile(pattern + "$"))
    return found


def summary() -> tuple[list[str], list[str]]:
    """(exercised, not exercised) operation names, in spec order."""
    if not _spec_dir:
        return [], []
    operations = _operations(_spec_dir[0])
    base = "/ari"
    exercised, missed = [], []
    for name, (method, pattern) in operations.items():
        hit = any(
            m == method and path.startswith(base) and pattern.match(path[len(base) :])
            for m, path in _requests
        )
        (exercised if hit else missed).append(name)
    return exercised, missed


def terminal_summary(terminalreporter: Any) -> None:
    exercised, missed = summary()
    if not exercised and not missed:
        return
    write = terminalreporter.write_line
    total = len(exercised) + len(missed)
    write(
        f"integration: {len(exercised)} of {total} operations of the server's listing called"
    )
    for name in exercised:
        if name in ERRORS_ONLY:
            write(f"  errors only: {name}: {ERRORS_ONLY[name]}")
    for name in missed:
        write(f"  not called: {name}: {ERRORS_ONLY.get(name, 'no test calls it')}")
