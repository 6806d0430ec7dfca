"""The endpoints resource.

This server has no channel driver that makes endpoints (no PJSIP, IAX2 or XMPP; Local and
UnicastRTP channels have none), so the list is empty and every lookup, message and refer ends
in the server's "not found"; the success paths of get, listByTech, sendMessage(ToEndpoint) and
refer(ToEndpoint) cannot be produced here. What the server does answer is tested exactly.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .conftest import Package, Server, raises


def test_list(ari: Any, pkg: Package) -> None:
    endpoints = ari.endpoints.list()
    assert isinstance(endpoints, list)
    assert all(isinstance(e, pkg.models.Endpoint) for e in endpoints)
    # whatever is listed can be fetched, and is listed by its technology
    for endpoint in endpoints:
        got = ari.endpoints.get(tech=endpoint.technology, resource=endpoint.resource)
        assert (
            isinstance(got, pkg.models.Endpoint) and got.resource == endpoint.resource
        )
        assert endpoint.resource in {
            e.resource for e in ari.endpoints.list_by_tech(tech=endpoint.technology)
        }


@pytest.mark.parametrize("tech", ["PJSIP", "Local"])
def test_list_by_tech_unknown(ari: Any, pkg: Package, tech: str) -> None:
    with raises(
        pkg, "NotFound", 404, f"No Endpoints found - invalid tech {tech}"
    ) as info:
        ari.endpoints.list_by_tech(tech=tech)
    assert info.value.operation == "endpoints.listByTech"
    assert info.value.documented


def test_get_unknown(ari: Any, pkg: Package) -> None:
    with raises(pkg, "NotFound", 404, "Endpoint not found") as info:
        ari.endpoints.get(tech="PJSIP", resource="alice")
    assert (
        info.value.documented and info.value.reason == "Endpoints not found"
    )  # the spec's


def test_send_message_no_such_endpoint(ari: Any, pkg: Package) -> None:
    with raises(pkg, "NotFound", 404, "Endpoint not found"):
        ari.endpoints.send_message(to="pjsip:alice", from_="it", body="hi")
    with raises(pkg, "NotFound", 404, "Endpoint not found"):
        ari.endpoints.send_message(
            to="pjsip:alice", from_="it", body="hi", variables={"X-Header": "v"}
        )


def test_send_message_bad_parameters(ari: Any, pkg: Package) -> None:
    with raises(pkg, "BadRequest", 400, "To must be specified") as info:
        ari.endpoints.send_message(to="", from_="it")
    assert info.value.reason == "Invalid parameters for sending a message."
    # the variables body travels as {"variables": {...}}: the server reads and rejects a number
    with raises(
        pkg, "BadRequest", 400, "Only string values in the 'variables' object allowed"
    ):
        ari.endpoints.send_message(to="pjsip:alice", from_="it", variables={"n": 1})
    with pytest.raises(pkg.errors.ValidationError):
        ari.endpoints.send_message(to="pjsip:alice", from_=None)  # type: ignore[arg-type]


def test_send_message_to_endpoint_no_such_endpoint(ari: Any, pkg: Package) -> None:
    with raises(pkg, "NotFound", 404, "Endpoint not found"):
        ari.endpoints.send_message_to_endpoint(
            tech="PJSIP", resource="alice", from_="it", body="hi"
        )


def test_refer_no_such_endpoint(ari: Any, pkg: Package) -> None:
    pkg.require("endpoints.refer")
    with raises(pkg, "NotFound", 404, "Endpoint not found"):
        ari.endpoints.refer(to="pjsip:alice", from_="it", refer_to="sip:bob@127.0.0.1")
    with raises(pkg, "NotFound", 404, "Endpoint not found"):
        ari.endpoints.refer(
            to="pjsip:alice",
            from_="it",
            refer_to="sip:bob@127.0.0.1",
            to_self=True,
            variables={"display_name": "Bob"},
        )


def test_refer_bad_parameters(ari: Any, pkg: Package) -> None:
    pkg.require("endpoints.refer")
    with raises(pkg, "BadRequest", 400, "To must be specified") as info:
        ari.endpoints.refer(to="", from_="it", refer_to="sip:bob@127.0.0.1")
    assert info.value.reason == "Invalid parameters for referring."
    with raises(
        pkg, "BadRequest", 400, "Only string values in the 'variables' object allowed"
    ):
        ari.endpoints.refer(
            to="pjsip:alice", from_="it", refer_to="sip:bob@x", variables={"n": 1}
        )


def test_refer_to_endpoint_no_such_endpoint(ari: Any, pkg: Package) -> None:
    pkg.require("endpoints.referToEndpoint")
    with raises(pkg, "NotFound", 404, "Endpoint not found"):
        ari.endpoints.refer_to_endpoint(
            tech="PJSIP", resource="alice", from_="it", refer_to="sip:bob@127.0.0.1"
        )


def test_async_endpoints(pkg: Package, server: Server) -> None:
    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            endpoints = await client.endpoints.list()
            assert all(isinstance(e, pkg.models.Endpoint) for e in endpoints)
            with raises(pkg, "NotFound", 404, "Endpoint not found"):
                await client.endpoints.get(tech="PJSIP", resource="alice")
            with raises(pkg, "BadRequest", 400, "To must be specified"):
                await client.endpoints.send_message(to="", from_="it")

    asyncio.run(flow())
