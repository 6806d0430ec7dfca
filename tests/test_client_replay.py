"""Recorded ARI traffic (tests/data/traffic, a copy of the shared sample) replayed through
httpx.MockTransport: the client sends what the recording shows and decodes what came back.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List

import httpx
import pytest

from ari_client import AriClient, AsyncAriClient
from ari_client.errors import NotFound, ValidationError
from ari_client.models import AsteriskInfo, Bridge, Channel, Playback

from .conftest import DATA, SPECS

EXCHANGES: List[Dict[str, Any]] = [
    json.loads(line)
    for line in (DATA / "traffic" / "http.jsonl").read_text().splitlines()
]

CALLS: Dict[str, Callable[[AriClient], Any]] = {
    "asterisk.getInfo": lambda a: a.asterisk.get_info(),
    "channels.list": lambda a: a.channels.list(),
    "channels.originate": lambda a: a.channels.originate(
        endpoint="Local/stasis@default/n",
        app="demo",
        channel_id="smoke-a1",
        other_channel_id="smoke-a2",
        app_args="a,b",
        variables={
            "SMOKEVAR": "from-originate",
            "REPORTED_VAR": {"value": "reported", "report_events": True},
        },
    ),
    "channels.getChannelVar": lambda a: a.channels.get_channel_var(
        "smoke-a1", "NOPE_NOT_SET"
    ),
    "channels.play": lambda a: a.channels.play("smoke-a1", media="sound:beep"),
    "bridges.create": lambda a: a.bridges.create(
        type="mixing", name="smokebridge", bridge_id="smoke-bridge"
    ),
}


def _spec_defaults() -> Dict[str, List[tuple[str, str]]]:
    """``resource.nickname`` → the (name, wire value) of each query parameter with a default."""
    from ari_codegen import build_ir

    spec, _ = build_ir(SPECS)
    assert spec is not None
    found: Dict[str, List[tuple[str, str]]] = {}
    for decl in spec.declarations:
        for op in decl.operations:
            found[f"{decl.name}.{op.nickname}"] = [
                (p.name, json.dumps(p.default) if not isinstance(p.default, str) else p.default)
                for p in op.parameters
                if p.has_default and p.location == "query"
            ]
    return found


SPEC_DEFAULTS = _spec_defaults()


def transport(
    exchange: Dict[str, Any], seen: List[httpx.Request]
) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            exchange["status"],
            content=json.dumps(exchange["json"]).encode(),
            headers={"Content-type": exchange["content_type"]},  # as Asterisk spells it
        )

    return httpx.MockTransport(handle)


def call_for(exchange: Dict[str, Any]) -> Callable[[AriClient], Any]:
    if exchange["operation"] == "channels.get":
        channel_id = exchange["url"].rsplit("/", 1)[1]
        return lambda a: a.channels.get(channel_id)
    return CALLS[exchange["operation"]]


@pytest.mark.parametrize(
    "exchange",
    EXCHANGES,
    ids=[f"{i}-{e['operation']}" for i, e in enumerate(EXCHANGES)],
)
def test_replay(exchange: Dict[str, Any]) -> None:
    seen: List[httpx.Request] = []
    base = exchange["url"].split("/ari/")[0] + "/ari"
    with AriClient(
        base, username="u", password="p", transport=transport(exchange, seen)
    ) as ari:
        call = call_for(exchange)
        if exchange["status"] >= 400:
            with pytest.raises(NotFound) as info:
                call(ari)
            assert info.value.message == exchange["json"]["message"]
            result = None
        else:
            result = call(ari)
    sent = seen[0]
    assert sent.method == exchange["method"]
    assert sent.url.path == httpx.URL(exchange["url"]).path
    if (
        exchange["operation"] != "channels.play"
    ):  # the recording sent offsetms=abc, see below
        recorded = [tuple(pair) for pair in exchange["query"]]
        # the client also sends what the spec defaults and the recording left out
        defaults = [
            (name, value)
            for name, value in SPEC_DEFAULTS.get(exchange["operation"], ())
            if name not in dict(recorded)
        ]
        assert sorted(sent.url.params.multi_items()) == sorted(recorded + defaults)
    body = json.loads(sent.content) if sent.content else None
    assert body == exchange["request_body"]
    if result is not None:
        expected = exchange["json"]
        if isinstance(result, list):
            assert [r.to_dict() for r in result] == expected
        else:
            assert result.to_dict() == expected  # lossless
            assert isinstance(result, (AsteriskInfo, Channel, Playback, Bridge))


def test_recorded_bad_offset_is_refused_before_sending() -> None:
    """Asterisk took ``offsetms=abc`` (201): the client refuses it without a request."""
    exchange = next(e for e in EXCHANGES if e["operation"] == "channels.play")
    seen: List[httpx.Request] = []
    with AriClient(
        "http://localhost:8088/ari", transport=transport(exchange, seen)
    ) as ari:
        with pytest.raises(ValidationError) as info:
            ari.channels.play("smoke-a1", media="sound:beep", offsetms="abc")  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["offsetms"]
    assert seen == []


def test_replay_async() -> None:
    import asyncio

    exchange = next(e for e in EXCHANGES if e["operation"] == "channels.originate")

    async def main() -> Channel:
        def handle(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, json=exchange["json"])

        async with AsyncAriClient(
            "http://localhost:8088/ari", transport=httpx.MockTransport(handle)
        ) as ari:
            return await ari.channels.originate(endpoint="Local/x@y", app="demo")

    chan = asyncio.run(main())
    assert chan.id == "smoke-a1" and chan.dialplan.app_name == "AppDial2"
