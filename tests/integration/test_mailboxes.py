"""The mailboxes resource (res_mwi_external: mailboxes kept in astdb)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from .conftest import Package, Server, raises


@pytest.fixture()
def mailbox(ari: Any, pkg: Package) -> Any:
    """A mailbox name of this test's own, deleted at the end."""
    name = f"it-box-{uuid.uuid4().hex[:8]}"
    yield name
    try:
        ari.mailboxes.delete(mailbox_name=name)
    except pkg.errors.NotFound:
        pass


def test_update_get_list_delete(ari: Any, pkg: Package, mailbox: str) -> None:
    assert (
        ari.mailboxes.update(mailbox_name=mailbox, old_messages=1, new_messages=2)
        is None
    )
    got = ari.mailboxes.get(mailbox_name=mailbox)
    assert isinstance(got, pkg.models.Mailbox)
    assert (got.name, got.old_messages, got.new_messages) == (mailbox, 1, 2)

    listed = ari.mailboxes.list()
    assert all(isinstance(m, pkg.models.Mailbox) for m in listed)
    assert {m.name: (m.old_messages, m.new_messages) for m in listed}[mailbox] == (1, 2)

    ari.mailboxes.update(mailbox_name=mailbox, old_messages=0, new_messages=7)
    got = ari.mailboxes.get(mailbox_name=mailbox)
    assert (got.old_messages, got.new_messages) == (0, 7)

    assert ari.mailboxes.delete(mailbox_name=mailbox) is None
    assert mailbox not in {m.name for m in ari.mailboxes.list()}
    with raises(pkg, "NotFound", 404, "Mailbox is does not exist"):  # sic
        ari.mailboxes.get(mailbox_name=mailbox)


def test_unknown_mailbox(ari: Any, pkg: Package) -> None:
    name = f"it-never-{uuid.uuid4().hex[:8]}"
    with raises(pkg, "NotFound", 404, "Mailbox is does not exist") as info:
        ari.mailboxes.get(mailbox_name=name)
    assert info.value.reason == "Mailbox not found"
    with raises(pkg, "NotFound", 404, "Mailbox does not exist"):
        ari.mailboxes.delete(mailbox_name=name)


def test_update_needs_both_counts(ari: Any, pkg: Package, mailbox: str) -> None:
    with pytest.raises(pkg.errors.ValidationError) as info:
        ari.mailboxes.update(mailbox_name=mailbox, old_messages=1, new_messages=None)  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["newMessages"]
    with pytest.raises(pkg.errors.ValidationError):
        ari.mailboxes.update(mailbox_name=mailbox, old_messages="1", new_messages=2)  # type: ignore[arg-type]
    with raises(pkg, "NotFound", 404):  # nothing was sent
        ari.mailboxes.get(mailbox_name=mailbox)


def test_async_mailboxes(pkg: Package, server: Server, mailbox: str) -> None:
    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            await client.mailboxes.update(
                mailbox_name=mailbox, old_messages=3, new_messages=4
            )
            got = await client.mailboxes.get(mailbox_name=mailbox)
            assert isinstance(got, pkg.models.Mailbox)
            assert (got.old_messages, got.new_messages) == (3, 4)
            assert mailbox in {m.name for m in await client.mailboxes.list()}
            await client.mailboxes.delete(mailbox_name=mailbox)
            with raises(pkg, "NotFound", 404, "Mailbox is does not exist"):
                await client.mailboxes.get(mailbox_name=mailbox)

    asyncio.run(flow())
