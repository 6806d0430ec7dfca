"""The generated stub server checks every request against the spec, as raw HTTP shows."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from ari_client.models import validate_asterisk_info, validate_channel
from ari_client.testing import ROUTES, StubAri, StubResponse


@pytest.fixture(scope="module")
def stub() -> Iterator[StubAri]:
    with StubAri(username="u", password="p") as server:
        yield server


@pytest.fixture()
def http(stub: StubAri) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stub.url + "/", auth=("u", "p")) as client:
        yield client


@pytest.mark.parametrize(
    "method, url, status, message",
    [
        ("GET", "nothing/here", 404, "Resource not found"),
        ("PATCH", "channels", 405, "Invalid method"),
        ("POST", "channels?app=x", 400, "Missing required parameter: endpoint"),
        ("POST", "channels?endpoint=PJSIP/a&bogus=1", 400, "Unknown parameter: bogus"),
        (
            "POST",
            "channels?endpoint=PJSIP/a&timeout=abc",
            400,
            "timeout: expected an integer",
        ),
        (
            "POST",
            "channels/c/mute?direction=sideways",
            400,
            "direction: 'sideways' is not one of",
        ),
        (
            "POST",
            "channels/c/record?name=n&format=wav&maxDurationSeconds=-1",
            400,
            "below the minimum",
        ),
        (
            "POST",
            "bridges/b/addChannel?channel=a&mute=maybe",
            400,
            "mute: expected true or false",
        ),
        ("GET", "channels/missing", 404, "Channel not found"),
    ],
)
def test_requests_are_checked(
    http: httpx.Client, method: str, url: str, status: int, message: str
) -> None:
    response = http.request(method, url)
    assert response.status_code == status
    assert message in response.json()["message"]
    assert response.headers["content-type"] == "application/json"


def test_body_parameters_and_unknown_body_keys(
    http: httpx.Client, stub: StubAri
) -> None:
    ok = http.post(
        "channels",
        params={"endpoint": "PJSIP/z", "extension": "wait"},
        json={"variables": {"A": "1"}},
    )
    assert ok.status_code == 200 and validate_channel(ok.json()) == []
    assert stub.channel_vars[ok.json()["id"]] == {"A": "1"}
    bad = http.post("channels", params={"endpoint": "PJSIP/z"}, json={"nope": 1})
    assert bad.status_code == 400 and "nope" in bad.json()["message"]
    not_object = http.post(
        "channels", params={"endpoint": "PJSIP/z"}, json={"variables": 3}
    )
    assert not_object.status_code == 400


def test_authentication(stub: StubAri) -> None:
    assert httpx.get(stub.url + "/channels").status_code == 401
    assert httpx.get(stub.url + "/channels", auth=("u", "x")).status_code == 401
    assert (
        httpx.get(stub.url + "/channels", params={"api_key": "u:p"}).status_code == 200
    )


def test_literal_segments_win_over_parameters(
    http: httpx.Client, stub: StubAri
) -> None:
    created = http.post("channels/create", params={"endpoint": "PJSIP/q", "app": "a"})
    assert created.status_code == 200  # channels.create, not originateWithId("create")
    assert stub.requests[-1].operation == "channels.create"


def test_info_and_overrides(http: httpx.Client, stub: StubAri) -> None:
    info = http.get("asterisk/info")
    assert validate_asterisk_info(info.json()) == []
    stub.handle("asterisk.ping", lambda request: StubResponse(200, {"ping": "custom"}))
    assert http.get("asterisk/ping").json() == {"ping": "custom"}
    with pytest.raises(KeyError):
        stub.handle("channels.fly", lambda request: None)


def test_every_operation_is_routable() -> None:
    seen = set()
    for route in ROUTES:
        path = "/ari" + route.path.replace("{", "x").replace("}", "")
        found, _, status = StubAri._route(route.method, path)
        assert found is not None, route
        seen.add(found.operation)
    assert len(seen) == len(ROUTES)
