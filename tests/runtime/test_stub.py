"""``testing``: the stub server's static part, on the stand-in route table (``runtime/_spec.py``)."""

from __future__ import annotations

from typing import Any, List

import httpx
import pytest

from ari_codegen.runtime import _http as h
from ari_codegen.runtime import _spec, errors, testing
from ari_codegen.runtime._route import Param, Route
from ari_codegen.runtime.testing import StubAri, StubError, StubResponse


def op(name: str) -> h.Operation:
    route = next(r for r in testing.ROUTES if r.operation == name)
    return h.Operation(route.operation, route.method, route.path)


def req(name: str, path: str, query: List[Any] | None = None, body: Any = None, decode: Any = h.json_value) -> h.Request[Any]:
    return h.Request(op(name), path, query or [], body, decode)


def test_the_table_comes_from_the_data_module() -> None:
    assert testing.ROUTES is _spec.ROUTES
    assert testing.BASE_PATH == "/ari"
    assert testing.DEFAULT_VERSION == max((v for r in _spec.ROUTES for v in r.since), key=h.parse_version)  # type: ignore[arg-type]
    assert testing.Route is Route and testing.Param is Param
    route = next(r for r in testing.ROUTES if r.operation == "channels.get")
    assert route.segments == ("channels", "{channelId}")


def test_requests_are_checked_against_the_routes() -> None:
    with StubAri() as stub:
        http = httpx.Client(base_url=stub.url, auth=("asterisk", "asterisk"))
        assert http.get("/nothing/here").status_code == 404
        assert http.delete("/asterisk/info").status_code == 405
        missing = http.get("/asterisk/variable")
        assert missing.status_code == 400 and "variable" in missing.json()["message"]
        assert http.get("/asterisk/info", params={"only": "nope"}).status_code == 400
        assert http.get("/asterisk/info", params={"only": "build,system"}).status_code == 200
        assert httpx.get(stub.url + "/asterisk/info").status_code == 401
        assert http.get("/sounds").status_code == 404  # not in the stand-in table
        http.close()
        assert [r.operation for r in stub.requests] == [None, None, "asterisk.getGlobalVar", "asterisk.getInfo", "asterisk.getInfo", None, None]


def test_the_in_memory_asterisk_through_the_stand_in_client() -> None:
    with StubAri(asterisk_version="18.1.0") as stub:
        with stub.client() as ari:
            assert ari.send(req("asterisk.getInfo", "/asterisk/info"))["system"]["version"] == "18.1.0"
            ari.send(req("asterisk.setGlobalVar", "/asterisk/variable", [("variable", "A"), ("value", "1")], decode=h.void))
            assert ari.send(req("asterisk.getGlobalVar", "/asterisk/variable", [("variable", "A")])) == {"value": "1"}
            channel = ari.send(req("channels.originate", "/channels", [("endpoint", "PJSIP/alice"), ("context", "default"), ("extension", "wait")]))
            assert ari.send(req("channels.get", f"/channels/{h.segment(channel['id'])}"))["id"] == channel["id"]
            assert [c["id"] for c in ari.send(req("channels.list", "/channels"))] == [channel["id"]]
            with pytest.raises(errors.NotFound):
                ari.send(req("channels.get", "/channels/nope"))


def test_handle_replaces_an_answer() -> None:
    with StubAri() as stub:
        stub.handle("channels.get", lambda r: StubResponse(200, {"id": r.path_params["channelId"], "custom": True}))
        stub.handle("channels.list", lambda r: (503, {"message": "busy"}))

        def refuse(r: testing.StubRequest) -> Any:
            raise StubError(409, "no")

        stub.handle("channels.hangup", refuse)
        with pytest.raises(KeyError):
            stub.handle("sounds.list", lambda r: None)
        with stub.client() as ari:
            assert ari.send(req("channels.get", "/channels/a%2Fb")) == {"id": "a/b", "custom": True}
            with pytest.raises(errors.ServiceUnavailable):
                ari.send(req("channels.list", "/channels"))
            with pytest.raises(errors.Conflict) as conflict:
                ari.send(req("channels.hangup", "/channels/x", decode=h.void))
            assert conflict.value.message == "no"


def test_async_stub_and_client() -> None:
    import asyncio

    async def main() -> None:
        async with StubAri() as stub:
            async with stub.async_client() as ari:
                pong = await ari.send(req("asterisk.ping", "/asterisk/ping"))
                assert pong["asterisk_id"] == stub.asterisk_id

    asyncio.run(main())


def test_stub_response_encoding() -> None:
    assert StubResponse(200, {"a": 1}).encoded() == b'{"a": 1}'
    assert StubResponse(200, b"RIFF").encoded() == b"RIFF"
    assert StubResponse(204).encoded() == b""
    assert testing.now().endswith("+0000")
