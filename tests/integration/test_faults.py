"""Faults: wrong credentials, api_key authentication and its secrecy, an unreachable or silent
server, and (last of the whole suite) Asterisk restarted under connected event streams.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
import threading
import time
import uuid
from typing import Any, Iterator

import pytest

from .conftest import WAIT, EventLog, Package, Server, raises

QUICK = 3.0
"""Seconds within which a request to an unreachable server must fail."""


def _secret() -> str:
    return f"it-secret-{uuid.uuid4().hex}"


@pytest.fixture()
def logs(caplog: pytest.LogCaptureFixture, pkg: Package) -> pytest.LogCaptureFixture:
    """Every log record at INFO and above (httpx, websockets, ...), and the package's own at any
    level."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger=pkg.module.__name__)
    return caplog


def _assert_secret_free(
    exc: BaseException, logs: pytest.LogCaptureFixture, *secrets: str
) -> None:
    texts = {"str(exc)": str(exc), "repr(exc)": repr(exc), "args": repr(exc.args)}
    for attr in ("message", "url", "reason"):
        if isinstance(getattr(exc, attr, None), str):
            texts[f"exc.{attr}"] = getattr(exc, attr)
    for i, record in enumerate(logs.records):
        texts[f"log[{i}] {record.name}"] = record.getMessage()
    texts["log text"] = logs.text
    for secret in secrets:
        forms = {
            secret,
            secret.replace(":", "%3A"),
            base64.b64encode(secret.encode()).decode(),
        }
        for where, text in texts.items():
            for form in forms:
                assert form not in text, f"{where} contains the secret: {text!r}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def silent_server() -> Iterator[str]:
    """A base URL whose server accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/ari"
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


# --- wrong credentials ----------------------------------------------------------------------------


def test_wrong_password_http(pkg: Package, server: Server, logs: Any) -> None:
    secret = _secret()
    with pkg.AriClient(server.url, username=server.user, password=secret) as client:
        with raises(pkg, "Unauthorized", 401, "Authentication required") as info:
            client.asterisk.get_info()
    assert isinstance(info.value, pkg.errors.ClientError)
    assert not info.value.documented and info.value.operation == "asterisk.getInfo"
    _assert_secret_free(info.value, logs, secret, f"{server.user}:{secret}")


def test_wrong_password_events_websocket(
    pkg: Package, server: Server, app: str, logs: Any
) -> None:
    secret = _secret()
    with pkg.AriClient(server.url, username=server.user, password=secret) as client:
        with raises(pkg, "Unauthorized", 401, "Authentication required") as info:
            with client.events(app=app):
                pass
    assert info.value.operation == "events.eventWebsocket"
    _assert_secret_free(info.value, logs, secret, f"{server.user}:{secret}")


def test_async_wrong_password(
    pkg: Package, server: Server, app: str, logs: Any
) -> None:
    secret = _secret()

    async def flow() -> list[BaseException]:
        found: list[BaseException] = []
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=secret
        ) as c:
            with raises(pkg, "Unauthorized", 401, "Authentication required") as info:
                await c.asterisk.ping()
            found.append(info.value)
            with raises(pkg, "Unauthorized", 401, "Authentication required") as info:
                async with c.events(app=app):
                    pass
            found.append(info.value)
        return found

    for exc in asyncio.run(flow()):
        _assert_secret_free(exc, logs, secret)


# --- api_key --------------------------------------------------------------------------------------


def test_api_key_authenticates(pkg: Package, server: Server, app: str) -> None:
    key = f"{server.user}:{server.password}"
    with pkg.AriClient(server.url, api_key=key) as client:
        info = client.asterisk.get_info(only="system")
        assert isinstance(info, pkg.models.AsteriskInfo) and info.system.version
        with client.events(app=app) as stream:
            log = EventLog(stream)
            client.events.user_event(event_name="it-key", application=app)
            assert log.wait("ChannelUserevent", eventname="it-key").application == app
            assert client.over_websocket().asterisk.ping().ping == "pong"


def test_api_key_not_in_http_errors(pkg: Package, server: Server, logs: Any) -> None:
    key = f"{server.user}:{server.password}"
    with pkg.AriClient(server.url, api_key=key) as client:
        with raises(
            pkg, "NotFound", 404, "Module could not be found in running modules"
        ) as info:
            client.asterisk.get_module(module_name="no_such_module.so")
    _assert_secret_free(info.value, logs, key)


def test_wrong_api_key_http(pkg: Package, server: Server, logs: Any) -> None:
    key = f"{server.user}:{_secret()}"
    with pkg.AriClient(server.url, api_key=key) as client:
        with raises(pkg, "Unauthorized", 401, "Authentication required") as info:
            client.asterisk.ping()
    _assert_secret_free(info.value, logs, key, key.split(":", 1)[1])


def test_wrong_api_key_events_websocket(
    pkg: Package, server: Server, app: str, logs: Any
) -> None:
    key = f"{server.user}:{_secret()}"
    with pkg.AriClient(server.url, api_key=key) as client:
        with raises(pkg, "Unauthorized", 401, "Authentication required") as info:
            client.events(app=app).connect()
    _assert_secret_free(info.value, logs, key, key.split(":", 1)[1])


def test_api_key_not_in_connection_errors(pkg: Package, app: str, logs: Any) -> None:
    key = f"ari:{_secret()}"
    url = f"http://127.0.0.1:{_free_port()}/ari"
    with pkg.AriClient(url, api_key=key) as client:
        with pytest.raises(pkg.errors.ConnectionFailed) as http:
            client.asterisk.ping()
        with pytest.raises(pkg.errors.ConnectionFailed) as ws:
            client.events(app=app).connect()
    _assert_secret_free(http.value, logs, key, key.split(":", 1)[1])
    _assert_secret_free(ws.value, logs, key, key.split(":", 1)[1])


def test_api_key_not_in_websocket_rest_errors(
    pkg: Package, server: Server, app: str, logs: Any
) -> None:
    key = f"{server.user}:{server.password}"
    with pkg.AriClient(server.url, api_key=key) as client:
        with client.events(app=app):
            with raises(pkg, "NotFound", 404, "Channel not found") as info:
                client.over_websocket().channels.get(channel_id="does-not-exist")
    _assert_secret_free(info.value, logs, key)


# --- an unreachable or silent server --------------------------------------------------------------


def test_unreachable_server_fails_quickly(pkg: Package, app: str) -> None:
    url = f"http://127.0.0.1:{_free_port()}/ari"
    with pkg.AriClient(url, username="ari", password="ari") as client:
        started = time.monotonic()
        with pytest.raises(pkg.errors.ConnectionFailed) as info:
            client.asterisk.ping()
        assert time.monotonic() - started < QUICK
        assert isinstance(info.value, pkg.errors.TransportError)
        assert info.value.__cause__ is not None  # the httpx error it came from

        started = time.monotonic()
        with pytest.raises(pkg.errors.ConnectionFailed):
            client.events(app=app).connect()
        assert time.monotonic() - started < QUICK

    async def flow() -> None:
        async with pkg.AsyncAriClient(url, username="ari", password="ari") as c:
            with pytest.raises(pkg.errors.ConnectionFailed):
                await c.asterisk.ping()
            with pytest.raises(pkg.errors.ConnectionFailed):
                await c.events(app=app).connect()

    started = time.monotonic()
    asyncio.run(flow())
    assert time.monotonic() - started < QUICK


def test_silent_server_times_out(pkg: Package, silent_server: str, app: str) -> None:
    with pkg.AriClient(
        silent_server, username="ari", password="ari", timeout=0.5
    ) as client:
        started = time.monotonic()
        with pytest.raises(pkg.errors.Timeout):
            client.asterisk.ping()
        assert time.monotonic() - started < QUICK
        started = time.monotonic()
        with pytest.raises(pkg.errors.Timeout):
            client.events(app=app).connect()
        assert time.monotonic() - started < QUICK


# --- Asterisk restarted under connected event streams (runs last) ---------------------------------


class Watched:
    """One client of one package with an open events stream and what its handlers saw."""

    def __init__(self, pkg: Package, server: Server, app: str) -> None:
        self.pkg = pkg
        self.app = app
        fast = pkg.events.Backoff(initial=0.1, factor=1.5, maximum=0.5, jitter=0.0)
        self.client = pkg.AriClient(
            server.url, username=server.user, password=server.password, backoff=fast
        )
        self.states: list[Any] = []
        self.stream = self.client.events(app=app)
        self.log = EventLog(self.stream)
        self.client.on(pkg.events.Connected)(self.connected)
        self.client.on(pkg.events.Disconnected)(self.states.append)
        self.stream.connect()

    def connected(self, state: Any) -> None:
        self.states.append(state)
        if state.events_missed:
            # what an application does on a reconnection: re-read state; here, over the
            # websocket itself, which proves the server knows the application again
            api = self.client.over_websocket(self.stream)
            api.events.user_event(event_name="it-resync", application=self.app)

    def close(self) -> None:
        self.client.close()


@pytest.mark.restarts_asterisk
def test_asterisk_restart_under_connected_streams(
    asterisk: Server, live_package: Package, golden_package: Package
) -> None:
    """One outage for both packages: requests fail fast while Asterisk is down; every stream
    reports Disconnected, reconnects, reports Connected(reconnected=True) with events_missed, and
    events flow again on the same stream. Real Asterisk only: the stub is not restarted.
    """
    server = asterisk
    prefix = server.prefix
    if prefix is None:
        pytest.skip("the server cannot be restarted from here (set ASTERISK_PREFIX)")
    packages = [live_package, golden_package]
    watched = [
        Watched(p, server, f"it-restart-{p.label}-{uuid.uuid4().hex[:6]}")
        for p in packages
    ]
    try:
        for w in watched:  # events flow before
            w.client.events.user_event(event_name="it-before", application=w.app)
            w.log.wait("ChannelUserevent", eventname="it-before")
        assert [len(w.states) for w in watched] == [1, 1]
        assert (
            not watched[0].states[0].reconnected
            and not watched[0].states[0].events_missed
        )

        server.stop()
        try:
            for w in watched:  # down: requests fail at once, sync and async
                started = time.monotonic()
                with pytest.raises(w.pkg.errors.ConnectionFailed):
                    w.client.asterisk.ping()
                assert time.monotonic() - started < QUICK

                async def ping(pkg: Package = w.pkg) -> None:
                    async with pkg.AsyncAriClient(
                        server.url, username=server.user, password=server.password
                    ) as c:
                        with pytest.raises(pkg.errors.ConnectionFailed):
                            await c.asterisk.ping()

                started = time.monotonic()
                asyncio.run(ping())
                assert time.monotonic() - started < QUICK
        finally:
            server.start()

        for w in watched:  # back: the same stream carries events again
            event = w.log.wait(
                "ChannelUserevent", timeout=3 * WAIT, eventname="it-resync"
            )
            assert event.application == w.app
            kinds = [type(s).__name__ for s in w.states]
            assert kinds == ["Connected", "Disconnected", "Connected"], w.states
            again = w.states[2]
            assert again.reconnected is True and again.events_missed is True
            assert w.states[1].code != 1000 and w.states[1].retry_in >= 0
            assert w.stream.reconnects == 1
            w.client.events.user_event(event_name="it-after", application=w.app)
            w.log.wait("ChannelUserevent", eventname="it-after")
            assert w.client.asterisk.ping().ping == "pong"
    finally:
        for w in watched:
            w.close()
        server.start()  # idempotent: make sure the server is up
