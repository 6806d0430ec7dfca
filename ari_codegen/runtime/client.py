"""Stand-in for the generated ``client.py``, so that the runtime type-checks and runs alone.

Not copied: every generated package gets its own ``client.py``, rendered from the template
``package/client.py.jinja``, whose ``AriClient`` and ``AsyncAriClient`` add one resource per
API declaration to the HTTP senders of ``_http``. These are the bare senders, enough for
``testing.StubAri.client()`` and the runtime's own unit tests.
"""

from __future__ import annotations

from ._http import AsyncHttp, SyncHttp

__all__ = ["AriClient", "AsyncAriClient"]


class AriClient(SyncHttp):
    """The sync HTTP sender, as a context manager."""

    def __enter__(self) -> AriClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAriClient(AsyncHttp):
    """The asyncio HTTP sender, as an async context manager."""

    async def __aenter__(self) -> AsyncAriClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
