"""Which operations of the server's listing the integration suite exercised, and why not the rest.

Nothing is patched: the requests are read from what httpx and websockets log (``wire``),
named by the operations of the listing the server served. The terminal summary of a run gives
the count, the operations whose success path this server cannot serve (``ERRORS_ONLY``, with
the reason; their errors are checked), and names every operation no test called, so a gap
never goes unnoticed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import wire

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

_requests: list[wire.Request] = []
_spec_dir: list[Path] = []


def start() -> None:
    """Listen to what the clients send (idempotent)."""
    wire.listen(_requests.append)


def served_from(spec_dir: Path) -> None:
    """The listing the live package was generated from."""
    _spec_dir[:] = [spec_dir]


def summary() -> tuple[list[str], list[str]]:
    """(exercised, not exercised) operation names, in spec order."""
    if not _spec_dir:
        return [], []
    operations = wire.Operations(_spec_dir[0])
    called = {operations.name(r.method, r.url) for r in _requests}
    exercised = [name for name in operations.names if name in called]
    missed = [name for name in operations.names if name not in called]
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
