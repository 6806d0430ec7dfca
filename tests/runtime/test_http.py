"""``_http``: requests, argument encoding, response decoding, error mapping, versions, senders."""

from __future__ import annotations

import asyncio
import json
import warnings
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping

import httpx
import pytest

from ari_codegen.runtime import _http as h
from ari_codegen.runtime import errors
from ari_codegen.runtime._runtime import Model, Problem, ValidationError

GET = h.Operation("channels.get", "GET", "/channels/{channelId}", ("12.0.0",), {404: "Channel not found"})
VAR = h.Operation(
    "channels.setChannelVar", "POST", "/channels/{channelId}/variable", ("12.0.0",), {}, {"value": ("99.0.0",)}
)


@dataclass(slots=True, kw_only=True)
class Item(Model):
    id: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        if not isinstance(data.get("id"), str):
            raise ValidationError([Problem("id", "expected a string")], "Item")
        return cls(id=data["id"])

    def to_dict(self) -> Dict[str, Any]:
        return {"id": self.id}


def request(op: h.Operation = GET, path: str = "/channels/a", query: List[Any] | None = None, body: Any = None, decode: Any = h.json_value) -> h.Request[Any]:
    return h.Request(op, path, query or [], body, decode)


# --- encoding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoded"),
    [("abc", "abc"), ("a/b", "a%2Fb"), ("..", "%2E%2E"), (".", "%2E"), ("a b?#&", "a%20b%3F%23%26"), ("Ω", "%CE%A9"), ("...", "...")],
)
def test_segment_is_always_one_segment(value: str, encoded: str) -> None:
    assert h.segment(value) == encoded


def test_request_target_and_repr() -> None:
    r = request(query=[("variable", "A&B"), ("value", "x y")])
    assert r.target == "/channels/a?variable=A%26B&value=x%20y"
    assert request().target == "/channels/a"
    assert repr(r) == "<Request channels.get: GET /channels/a?variable=A%26B&value=x%20y>"


def test_query_text() -> None:
    from enum import Enum

    class Color(str, Enum):
        RED = "red"

    assert [h.text(v) for v in (True, False, 3, 1.5, "s", Color.RED)] == ["true", "false", "3", "1.5", "s", "red"]
    assert h.text({"a": [1]}) == '{"a": [1]}'
    assert h.values(["a", "b"]) == ["a", "b"] and h.values(("a",)) == ["a"] and h.values("a") == ["a"]


def test_type_checks_of_arguments() -> None:
    assert h.is_int(3) and not h.is_int(True) and not h.is_int(3.0)
    assert h.is_number(3.5) and h.is_number(3) and not h.is_number(False)
    assert h.is_bool(False) and not h.is_bool(0)
    assert h.is_str("") and not h.is_str(b"")
    assert h.is_object({}) and not h.is_object([])
    assert h.is_list_of([1, 2], int) and not h.is_list_of([1, "2"], int) and not h.is_list_of((1,), int)


def test_check_values() -> None:
    problems: List[Problem] = []
    h.check_values(problems, "only", ["build", 3, "nope", "a,b"], h.is_str, "a string", ("build", "nope2", "a,b"))
    assert [str(p) for p in problems] == [
        "only[1]: expected a string",
        "only[2]: must be one of build, nope2, a,b",
        "only[3]: must not contain ',' (values are sent comma-separated)",
    ]
    empty: List[Problem] = []
    h.check_values(empty, "only", [], h.is_str, "a string")
    assert [str(p) for p in empty] == ["only: expected at least one value"]
    assert str(h.invalid(problems[:1], GET)) == "channels.get: only[1]: expected a string"


# --- decoding --------------------------------------------------------------------------------


def test_decoders() -> None:
    assert h.void(b"anything") is None
    assert h.binary(b"\x00RIFF") == b"\x00RIFF"
    assert h.json_value(b'{"a": 1}') == {"a": 1}
    assert h.model(Item)(b'{"id": "x"}') == Item(id="x")
    assert h.model_list(Item)(b'[{"id": "x"}, {"id": "y"}]') == [Item(id="x"), Item(id="y")]
    assert h.parsed(lambda d: d["n"] * 2)(b'{"n": 2}') == 4
    assert h.parsed_list(lambda d: d["n"])(b'[{"n": 1}, {"n": 2}]') == [1, 2]


def test_decode_failures_are_invalid_responses() -> None:
    with pytest.raises(errors.InvalidResponse) as bad_model:
        h.decode(request(decode=h.model(Item)), b'{"id": 1}')
    assert bad_model.value.problems == [Problem("id", "expected a string")]
    assert bad_model.value.operation == "channels.get"
    with pytest.raises(errors.InvalidResponse, match="cannot decode the response: JSONDecodeError"):
        h.decode(request(decode=h.model(Item)), b"<html>")
    with pytest.raises(errors.InvalidResponse, match="TypeError"):
        h.decode(request(decode=h.model_list(Item)), b"3")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"message": "Channel not found"}', "Channel not found"),
        (b'{"error": "Invalid method"}', "Invalid method"),
        (b'{"reason": 3, "message": "m"}', "m"),
        (b'{"other": 1}', '{"other": 1}'),
        (b"<html><head><title>404 Not Found</title></head><body><h1>Not  Found</h1></body></html>", "Not Found"),
        (b"<html><title>Oops</title></html>", "Oops"),
        (b"  plain\n text  ", "plain text"),
        (b"", ""),
        (b"{broken", "{broken"),
        (b"\xff\xfe", "\ufffd\ufffd"),
    ],
)
def test_server_message(body: bytes, message: str) -> None:
    assert h.server_message(body) == message


def test_server_message_is_bounded() -> None:
    assert len(h.server_message(b"x" * 10_000)) == 500


def test_http_error_uses_the_specs_reason() -> None:
    error = h.http_error(GET, 404, b'{"message": "Channel not found"}', "http://pbx/ari/channels/a", {"x-a": "1"})
    assert type(error) is errors.NotFound
    assert (error.reason, error.documented, error.operation, error.method) == ("Channel not found", True, "channels.get", "GET")
    assert error.headers == {"x-a": "1"} and error.url == "http://pbx/ari/channels/a"
    other = h.http_error(GET, 500, b"boom", "u")
    assert type(other) is errors.InternalServerError and other.reason == "Internal Server Error" and other.message == "boom"


# --- versions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "version"),
    [("20.5.0", (20, 5, 0)), ("certified/18.9-cert5", (18, 9, 0)), ("GIT-master-abc", None), (None, None), ("16.2", (16, 2, 0))],
)
def test_parse_version(text: str | None, version: Any) -> None:
    assert h.parse_version(text) == version


@pytest.mark.parametrize(
    ("since", "server", "ok"),
    [
        ((), (1, 0, 0), True),
        (("13.25.0", "16.2.0"), (16, 2, 0), True),
        (("13.25.0", "16.2.0"), (16, 1, 9), False),
        (("13.25.0", "16.2.0"), (13, 30, 0), True),
        (("13.25.0", "16.2.0"), (14, 0, 0), False),  # a branch that lacks it
        (("13.25.0", "16.2.0"), (20, 0, 0), True),
        (("13.25.0",), (12, 9, 0), False),
        (("weird",), (12, 0, 0), True),
    ],
)
def test_available(since: tuple[str, ...], server: h.Version, ok: bool) -> None:
    assert h.available(since, server) is ok


def test_check_since_warns_about_operations_and_parameters() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h.check_since(request(), (11, 0, 0), 2)
        h.check_since(request(VAR, query=[("variable", "A"), ("value", "1")]), (20, 0, 0), 2)
        h.check_since(request(VAR, query=[("variable", "A")]), (20, 0, 0), 2)
    assert [str(w.message) for w in caught] == [
        "channels.get appeared in Asterisk 12.0.0; the server is 11.0.0",
        "channels.setChannelVar: parameter 'value' appeared in Asterisk 99.0.0; the server is 20.0.0",
    ]
    assert all(w.category is errors.AriVersionWarning for w in caught)


# --- the senders -----------------------------------------------------------------------------


def test_connection_takes_credentials_out_of_the_url() -> None:
    c = h.SyncHttp("http://user:secret@pbx:8088/ari/")
    assert c.base_url == "http://pbx:8088/ari"
    assert c._headers["Authorization"] == "Basic dXNlcjpzZWNyZXQ="
    assert c.url(request()) == "http://pbx:8088/ari/channels/a"
    assert c.websocket_url(request()) == "ws://pbx:8088/ari/channels/a"
    assert "Accept" not in c.websocket_headers() and "Authorization" in c.websocket_headers()
    assert c.ssl_context() is None
    assert h.SyncHttp("https://pbx/ari").ssl_context() is not None
    c.close()


def test_api_key_is_sent_as_basic_credentials() -> None:
    c = h.SyncHttp("http://pbx/ari", api_key="user:secret")
    assert c._headers["Authorization"] == "Basic dXNlcjpzZWNyZXQ="
    with pytest.raises(ValueError, match="username:password"):
        h.SyncHttp("http://pbx/ari", api_key="nocolon")
    with pytest.raises(ValueError, match="not both"):
        h.SyncHttp("http://pbx/ari", api_key="a:b", username="a", password="b")
    with pytest.raises(ValueError, match="both username and password"):
        h.SyncHttp("http://pbx/ari", username="a")
    with pytest.raises(ValueError, match="http:// or https://"):
        h.SyncHttp("ftp://pbx/ari")


def handler(log: List[httpx.Request]) -> Any:
    def respond(req: httpx.Request) -> httpx.Response:
        log.append(req)
        if req.url.path.endswith("/gone"):
            return httpx.Response(404, json={"message": "Channel not found"})
        if req.url.path.endswith("/broken"):
            raise httpx.ConnectError("refused", request=req)
        if req.url.path.endswith("/slow"):
            raise httpx.ReadTimeout("slow", request=req)
        return httpx.Response(200, json={"id": req.url.path.rsplit("/", 1)[1]})

    return respond


def test_sync_http_sends_and_maps_errors() -> None:
    log: List[httpx.Request] = []
    c = h.SyncHttp("http://pbx/ari", username="u", password="p", transport=httpx.MockTransport(handler(log)))
    assert c.send(request(path="/channels/a", decode=h.model(Item))) == Item(id="a")
    posted = c.send(request(VAR, "/channels/b", [("variable", "A")], {"k": 1}))
    assert posted == {"id": "b"}
    assert log[1].method == "POST" and log[1].url.query == b"variable=A" and json.loads(log[1].content) == {"k": 1}
    assert log[1].headers["content-type"] == "application/json" and "content-type" not in log[0].headers
    with pytest.raises(errors.NotFound) as gone:
        c.send(request(path="/channels/gone"))
    assert gone.value.reason == "Channel not found" and gone.value.url == "http://pbx/ari/channels/gone"
    with pytest.raises(errors.ConnectionFailed, match="channels.get: http://pbx/ari/channels/broken: ConnectError"):
        c.send(request(path="/channels/broken"))
    with pytest.raises(errors.Timeout):
        c.send(request(path="/channels/slow"))
    c.close()


def test_sync_http_warns_once_it_knows_the_server_version() -> None:
    c = h.SyncHttp("http://pbx/ari", transport=httpx.MockTransport(handler([])))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c.send(request())
        c.use_server_version("11.2.0")
        with pytest.raises(errors.AriVersionWarning):
            c.send(request())
    assert c.server_version == "11.2.0"


def test_injected_http_client_is_not_closed() -> None:
    client = httpx.Client(transport=httpx.MockTransport(handler([])))
    c = h.SyncHttp("http://pbx/ari", http_client=client)
    c.close()
    assert not client.is_closed
    client.close()


def test_async_http_sends_and_maps_errors() -> None:
    async def main() -> None:
        c = h.AsyncHttp("http://pbx/ari", transport=httpx.MockTransport(handler([])))
        assert await c.send(request(decode=h.model(Item))) == Item(id="a")
        with pytest.raises(errors.NotFound):
            await c.send(request(path="/channels/gone"))
        with pytest.raises(errors.ConnectionFailed):
            await c.send(request(path="/channels/broken"))
        await c.aclose()
        assert c.http.is_closed

    asyncio.run(main())


def test_resources_hold_their_sender() -> None:
    c = h.SyncHttp("http://pbx/ari")
    assert repr(h.Resource(c)) == "<Resource via SyncHttp>"
    assert repr(h.AsyncResource(h.AsyncHttp("http://pbx/ari"))) == "<AsyncResource via AsyncHttp>"
