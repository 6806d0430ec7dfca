"""pytest fixtures for an application's own tests, on ``testing.StubAri``.

Never registered on its own (it has no entry point): enable it in a ``conftest.py``::

    pytest_plugins = ["<package>.pytest_plugin"]

Sync fixtures (the stub runs in a thread of its own, so they serve async tests too):

- ``ari_stub``: a started ``StubAri``, one per test. Its options come from the fixture
  ``ari_stub_options`` (a dict of ``StubAri`` keyword arguments; override it in a conftest to
  give a dialplan, sounds, ``time_scale``, credentials ...).
- ``ari``: an ``AriClient`` bound to ``ari_stub``, closed after the test.

Async fixtures, for tests run by anyio's pytest plugin (``@pytest.mark.anyio``; anyio comes
with httpx) or by pytest-asyncio in auto mode; asyncio only:

- ``ari_async``: an ``AsyncAriClient`` bound to ``ari_stub``, opened and closed in the test's
  event loop.
- ``ari_async_stub``: a ``StubAri`` started in the test's own event loop (no thread).

The stub's helpers wait instead of polling: ``ari_stub.wait_subscribed(app)``,
``ari_stub.wait_event("PlaybackFinished", playback=pid)``, ``ari_stub.wait_channel(cid,
state="Up")`` and their ``async_wait_...`` twins. Entering ``ari.events(app=...)`` registers the
application on the stub before it returns, as on Asterisk: nothing needs to poll before
originating. The generator's docs (docs/testing.md) have a complete example.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Dict, Iterator

import pytest

from .client import AriClient, AsyncAriClient
from .testing import StubAri

__all__ = ["ari", "ari_async", "ari_async_stub", "ari_stub", "ari_stub_options"]


@pytest.fixture
def ari_stub_options() -> Dict[str, Any]:
    """Keyword arguments for the ``StubAri`` of ``ari_stub`` (override to configure it)."""
    return {}


@pytest.fixture
def ari_stub(ari_stub_options: Dict[str, Any]) -> Iterator[StubAri]:
    """A started ``StubAri`` in a thread of its own; stopped after the test."""
    with StubAri(**ari_stub_options) as stub:
        yield stub


@pytest.fixture
def ari(ari_stub: StubAri) -> Iterator[AriClient]:
    """An ``AriClient`` bound to ``ari_stub``."""
    with ari_stub.client() as client:
        yield client


@pytest.fixture
async def ari_async(ari_stub: StubAri) -> AsyncIterator[AsyncAriClient]:
    """An ``AsyncAriClient`` bound to ``ari_stub``, in the test's event loop."""
    async with ari_stub.async_client() as client:
        yield client


@pytest.fixture
async def ari_async_stub(ari_stub_options: Dict[str, Any]) -> AsyncIterator[StubAri]:
    """A ``StubAri`` started in the test's own event loop."""
    async with StubAri(**ari_stub_options) as stub:
        yield stub
