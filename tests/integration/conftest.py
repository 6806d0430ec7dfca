"""The integration suite: the generated package against a real Asterisk.

Every test here is marked ``asterisk`` and skips unless ``ARI_TEST_URL`` names a running server
(``ARI_TEST_USER``/``ARI_TEST_PASSWORD``, default ``ari``/``ari``). To run it::

    ../shared/asterisk/with-asterisk.sh pytest -m asterisk

The suite generates its own package, as an application would: ``ari-codegen fetch`` downloads the
listing the server serves, ``ari-codegen generate`` turns it into ``ari_live`` in a temporary
directory. The checked-in golden package (``generated/ari_client``) is driven as well: the
``pkg`` fixture gives both, and ``pkg.require(...)`` skips an operation the golden spec lacks.

Waits are bounded and synchronised on events (``EventLog.wait``), never on sleeps.
"""

from __future__ import annotations

import importlib
import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from . import conformance, coverage_report

ROOT = Path(__file__).resolve().parents[2]
HOW_TO_RUN = (
    "no real Asterisk: set ARI_TEST_URL (and ARI_TEST_USER/ARI_TEST_PASSWORD) to run the "
    "integration suite, e.g. ../shared/asterisk/with-asterisk.sh pytest -m asterisk"
)
WAIT = 10.0
"""Seconds any single wait for the server may take before the test fails."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "restarts_asterisk: stops and starts the server; runs after every other test",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.asterisk)
    # tests that take the server down go last, so no other test runs into the outage
    items.sort(
        key=lambda item: item.get_closest_marker("restarts_asterisk") is not None
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    coverage_report.terminal_summary(terminalreporter)
    conformance.terminal_summary(terminalreporter)


def _conformance_key(item: pytest.Item) -> tuple[str, str] | None:
    """(test id without the backend, backend) of a test of this suite, or None."""
    callspec = getattr(item, "callspec", None)
    if Path(__file__).parent not in Path(str(item.fspath)).parents or callspec is None:
        return None
    backend = callspec.params.get("backend")
    if backend is None:
        return None
    rest = "-".join(p for p in callspec.id.split("-") if p != backend)
    return f"{item.nodeid.split('[')[0]}[{rest}]", str(backend)


def pytest_runtest_setup(item: pytest.Item) -> None:
    found = _conformance_key(item)
    if found is not None and (found[1] == "stub" or os.environ.get("ARI_TEST_URL")):
        conformance.start()
        conformance.listing(LIVE_LISTING)
        conformance.begin(*found)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    states = item.stash.setdefault(_OUTCOMES, {})
    states[report.when] = report.outcome
    if report.when == "teardown":
        if states.get("setup") == "skipped" or states.get("call") == "skipped":
            result = "skipped"
        elif states.get("setup") == "failed":
            result = "error"
        else:
            result = states.get("call", "error")
        conformance.end(result)


_OUTCOMES = pytest.StashKey[dict[str, str]]()


# --- the server -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    user: str
    password: str

    @property
    def prefix(self) -> Path | None:
        """The Asterisk install prefix, when the suite may restart the server itself."""
        value = os.environ.get("ASTERISK_PREFIX", "/opt/asterisk-ari-test")
        path = Path(value)
        return path if (path / "bin" / "start.sh").exists() else None

    def processes(self) -> list[int]:
        """The pids of every running Asterisk of the prefix (by executable, not by pid file)."""
        prefix = self.prefix
        if prefix is None:
            return []
        exe = str(prefix / "sbin" / "asterisk")
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.readlink(entry / "exe") == exe:
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def wait_gone(self, pids: list[int], timeout: float) -> list[int]:
        """Wait (on pidfds, no polling) until ``pids`` have exited; those still alive after
        ``timeout`` seconds are returned."""
        import select

        poller, fds = select.poll(), {}
        for pid in pids:
            try:
                fd = os.pidfd_open(pid)
            except ProcessLookupError:
                continue
            fds[fd] = pid
            poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + timeout
        try:
            while fds and (left := deadline - time.monotonic()) > 0:
                for fd, _ in poller.poll(left * 1000):
                    poller.unregister(fd)
                    os.close(fd)
                    fds.pop(fd)
            return list(fds.values())
        finally:
            for fd in fds:
                os.close(fd)

    def stop(self) -> None:
        """Stop the server and wait until no Asterisk of the prefix runs: one that hangs in its
        shutdown is killed, or a later start would share (and lose) its pid file and socket.
        """
        prefix = self.prefix
        assert prefix is not None
        running = self.processes()
        subprocess.run(
            [str(prefix / "bin" / "stop.sh")], capture_output=True, timeout=60
        )
        for pid in self.wait_gone(running, 20):
            os.kill(pid, signal.SIGKILL)
        assert not self.wait_gone(running, 10), "Asterisk did not exit"

    def start(self) -> None:
        """Start the server (idempotent) and wait until its CLI answers too."""
        prefix = self.prefix
        assert prefix is not None
        subprocess.run(
            [str(prefix / "bin" / "start.sh")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        self.cli("core waitfullybooted")

    def cli(self, command: str) -> str:
        """Run an Asterisk CLI command (``asterisk -rx``) and return what it printed."""
        prefix = self.prefix
        if prefix is None:
            pytest.skip("the Asterisk CLI is not reachable (set ASTERISK_PREFIX)")
        out = subprocess.run(
            [
                str(prefix / "sbin" / "asterisk"),
                "-C",
                str(prefix / "etc" / "asterisk" / "asterisk.conf"),
                "-rx",
                command,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return out.stdout


class StubServer(Server):
    """The stub variant of the server: ``pkg.testing.StubAri`` with a model of the real
    server's configuration (../shared/asterisk/README.md): dialplan ``[default]`` with
    ``wait`` (Answer, Wait(600)) and ``stasis`` (Stasis(demo)), one sound (``sound:beep``, 0.25 s),
    no channel driver that makes endpoints. It has no CLI and cannot be restarted: tests that
    need either skip."""

    def __init__(self, stub: Any) -> None:
        super().__init__(stub.url, stub.username, stub.password)
        object.__setattr__(self, "stub", stub)

    @property
    def prefix(self) -> Path | None:
        return None

    def cli(self, command: str) -> str:
        pytest.skip("the stub has no Asterisk CLI")

    def stop(self) -> None:
        pytest.skip("the stub is not restarted")

    def start(self) -> None:
        pytest.skip("the stub is not restarted")


STUB_TIME_SCALE = 0.1
"""Real seconds per stub second: media of known length finishes ten times as fast."""


@pytest.fixture(scope="session")
def asterisk() -> Server:
    """The real Asterisk (skipped without ``ARI_TEST_URL``)."""
    url = os.environ.get("ARI_TEST_URL")
    if not url:
        pytest.skip(HOW_TO_RUN)
    return Server(
        url.rstrip("/"),
        os.environ.get("ARI_TEST_USER", "ari"),
        os.environ.get("ARI_TEST_PASSWORD", "ari"),
    )


@pytest.fixture(scope="session", params=["asterisk", "stub"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each test runs against the real Asterisk and against the stub (``pkg.testing.StubAri``):
    where the real server passes and the stub does not, the stub is wrong."""
    if request.param == "asterisk":
        request.getfixturevalue("asterisk")  # skips early without a server
    return str(request.param)


@pytest.fixture(scope="session")
def server(
    backend: str, pkg: Package, request: pytest.FixtureRequest
) -> Iterator[Server]:
    if backend == "asterisk":
        yield request.getfixturevalue("asterisk")
        return
    stub = pkg.testing.StubAri(
        username="ari", password="ari", asterisk_id="02:fc:00:00:00:01",
        time_scale=STUB_TIME_SCALE, technologies=(),
    )  # fmt: skip
    with stub:
        yield StubServer(stub)
    conformance.stub_requests(pkg.label, stub.requests)


# --- the packages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    """One generated package under test and what it offers."""

    label: str
    module: ModuleType
    operations: frozenset[str]
    """``resource.nickname`` of every operation the package has (``channels.originate``)."""

    def __getattr__(self, name: str) -> Any:
        # pkg.AriClient, pkg.models, pkg.errors, pkg.events, pkg.testing
        if name in ("models", "errors", "events", "testing", "client"):
            return importlib.import_module(f"{self.module.__name__}.{name}")
        return getattr(self.module, name)

    def has(self, operation: str) -> bool:
        return operation in self.operations

    def require(self, *operations: str) -> None:
        missing = [op for op in operations if op not in self.operations]
        if missing:
            pytest.skip(f"{self.label} has no {', '.join(missing)} (older spec)")


def _operations(package: ModuleType) -> frozenset[str]:
    import pkgutil

    api = importlib.import_module(f"{package.__name__}.api")
    names = set()
    for info in pkgutil.iter_modules(api.__path__):
        module = importlib.import_module(f"{api.__name__}.{info.name}")
        for value in vars(module).values():
            operation = getattr(value, "name", None)
            if type(value).__name__ == "Operation" and isinstance(operation, str):
                names.add(operation)
    return frozenset(names)


def _run_cli(*args: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ari_codegen", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert (
        done.returncode == 0
    ), f"ari-codegen {args[0]} failed:\n{done.stdout}{done.stderr}"


LIVE_LISTING = ROOT / "tests" / "data" / "specs" / "asterisk-f0c1c1a7b7"
"""The listing the real server serves, checked in (for runs without it)."""


@pytest.fixture(scope="session")
def live_package(tmp_path_factory: pytest.TempPathFactory) -> Package:
    """``ari_live``: generated from the listing the running server serves (fetched), or without
    one from the same listing checked in (``tests/data/specs/asterisk-f0c1c1a7b7``)."""
    base = tmp_path_factory.mktemp("live")
    spec, out = base / "spec", base / "out"
    url = os.environ.get("ARI_TEST_URL")
    if url:
        user = os.environ.get("ARI_TEST_USER", "ari")
        password = os.environ.get("ARI_TEST_PASSWORD", "ari")
        # the password in the environment: not in a command line (ps, a failure's repr)
        _run_cli(
            "fetch", url.rstrip("/"), "-o", str(spec), "--user", user,
            env={"ARI_PASSWORD": password},
        )  # fmt: skip
    else:
        spec = LIVE_LISTING
    _run_cli("generate", str(spec), "-o", str(out), "--package-name", "ari_live")
    coverage_report.start()
    coverage_report.served_from(spec)
    sys.path.insert(0, str(out))
    module = importlib.import_module("ari_live")
    return Package("ari_live", module, _operations(module))


@pytest.fixture(scope="session")
def golden_package() -> Package:
    """``ari_client``: the checked-in golden package, generated from specs/."""
    module = importlib.import_module(
        "ari_client"
    )  # tests/conftest.py puts generated/ on sys.path
    return Package("ari_client", module, _operations(module))


@pytest.fixture(scope="session", params=["live", "golden"])
def pkg(request: pytest.FixtureRequest, backend: str) -> Package:
    """Each test that takes ``pkg`` runs on both packages."""
    name = "live_package" if request.param == "live" else "golden_package"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


# --- clients, applications, events ----------------------------------------------------------------

_counter = itertools.count()


@pytest.fixture()
def app() -> str:
    """A Stasis application name of this test's own, so tests never see each other's events."""
    return f"it{next(_counter)}-{uuid.uuid4().hex[:8]}"


@pytest.fixture()
def ari(pkg: Package, server: Server) -> Iterator[Any]:
    """A sync client of ``pkg`` bound to the server."""
    with pkg.AriClient(
        server.url, username=server.user, password=server.password
    ) as client:
        yield client


def _ident(value: Any) -> Any:
    """The identity of an object an event names: its ``id``, else its ``name``."""
    for attr in ("id", "name"):
        got = getattr(value, attr, None)
        if got is not None:
            return got
    return value


def matches(event: Any, kind: str | None, where: dict[str, Any]) -> bool:
    """``kind`` is an event class name (``"StasisStart"``, a base such as ``"Event"`` too);
    ``where`` maps a property to the id (or name) of the object it must hold, or a callable.
    """
    if kind is not None and kind not in (c.__name__ for c in type(event).__mro__):
        return False
    for attr, expected in where.items():
        value = getattr(event, attr, None)
        if callable(expected):
            if not expected(value):
                return False
        elif _ident(value) != expected:
            return False
    return True


class EventLog:
    """The events of one sync stream, kept in order; ``wait`` takes the first match.

    Events that no wait has taken yet stay in the log, so a test can wait for them in any order.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.seen: list[Any] = []
        self._taken: set[int] = set()
        conformance.event_log(self)

    def _pull(self, deadline: float) -> Any:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            event = self.stream.next(timeout=remaining)
        except Exception as exc:  # Timeout of the package under test
            if type(exc).__name__ == "Timeout":
                return None
            raise
        self.seen.append(event)
        return event

    def wait(self, kind: str | None = None, timeout: float = WAIT, **where: Any) -> Any:
        """The first event not yet taken that is a ``kind`` and matches ``where``."""
        for i, event in enumerate(self.seen):
            if i not in self._taken and matches(event, kind, where):
                self._taken.add(i)
                return event
        deadline = time.monotonic() + timeout
        while True:
            event = self._pull(deadline)
            if event is None:
                names = [type(e).__name__ for e in self.seen[-20:]]
                raise AssertionError(
                    f"no {kind or 'event'} {where or ''} within {timeout} s; last seen: {names}"
                )
            if matches(event, kind, where):
                self._taken.add(len(self.seen) - 1)
                return event

    def types(self) -> list[str]:
        return [type(e).__name__ for e in self.seen]


@pytest.fixture()
def events(ari: Any, app: str) -> Iterator[EventLog]:
    """The events websocket of ``app``, connected (so originating into ``app`` is safe)."""
    with ari.events(app=app) as stream:
        yield EventLog(stream)


@dataclass
class Call:
    """A Local channel originated into the test's application, in Stasis."""

    id: str
    channel: Any
    start: Any


@pytest.fixture()
def originate(ari: Any, app: str, events: EventLog) -> Iterator[Callable[..., Call]]:
    """``originate(**kwargs)``: a ``Local/wait@default`` channel (ulaw) in Stasis in ``app``;
    returns once its StasisStart arrived. Every channel made is hung up at the end."""
    made: list[str] = []

    def make(endpoint: str = "Local/wait@default", **kwargs: Any) -> Call:
        kwargs.setdefault("formats", "ulaw")
        channel = ari.channels.originate(endpoint=endpoint, app=app, **kwargs)
        made.append(channel.id)
        start = events.wait("StasisStart", channel=channel.id)
        return Call(channel.id, channel, start)

    yield make
    for channel_id in made:
        try:
            ari.channels.hangup(channel_id=channel_id)
        except Exception:
            pass  # already gone


# --- both halves of a Local channel in the application --------------------------------------------

STASIS_CONTEXT = "it-stasis"


@pytest.fixture(scope="session")
def stasis_context(server: Server) -> str:
    """A dialplan context (added at run time through the CLI) whose extension ``<app>`` runs
    ``Stasis(<app>)``: the far half (;2) of ``Local/<app>@it-stasis`` enters ``<app>`` unanswered.
    """
    stub = getattr(server, "stub", None)
    if stub is not None:  # the stub's dialplan, as the CLI would add it
        stub.dialplan.add(STASIS_CONTEXT, "_[a-z].", 1, "Stasis", "${EXTEN}")
        stub.dialplan.add(STASIS_CONTEXT, "_[a-z].", 2, "Hangup")
        return STASIS_CONTEXT
    for priority, step in ((1, "Stasis(${EXTEN})"), (2, "Hangup()")):
        server.cli(
            f"dialplan add extension _[a-z].,{priority},{step} into {STASIS_CONTEXT} replace"
        )
    return STASIS_CONTEXT


@dataclass
class Pair:
    """Both halves of one Local channel, each in Stasis in the test's application: DTMF sent on
    one arrives on the other, media played on one is heard (recorded, snooped) on the other.
    """

    a: str
    """;1, originated by ARI; it enters Stasis once ``b`` is answered."""
    b: str
    """;2, entered Stasis from the dialplan (state Ring until answered)."""
    start_a: Any
    """The StasisStart of ``a`` (None when not answered)."""
    start_b: Any


@pytest.fixture()
def pair(
    ari: Any, app: str, events: EventLog, stasis_context: str
) -> Iterator[Callable[..., Pair]]:
    """``pair(answer=True)``: a Local channel (ulaw) with both halves in ``app``; with
    ``answer=False`` only ``b`` is in Stasis, unanswered. Every pair made is hung up at the end.
    """
    made: list[str] = []

    def make(answer: bool = True) -> Pair:
        a, b = f"{app}-{len(made)}a", f"{app}-{len(made)}b"
        ari.channels.originate(
            endpoint=f"Local/{app}@{stasis_context}", app=app, formats="ulaw",
            channel_id=a, other_channel_id=b,
        )  # fmt: skip
        made.append(a)
        start_b = events.wait("StasisStart", channel=b)
        start_a = None
        if answer:
            ari.channels.answer(channel_id=b)
            start_a = events.wait("StasisStart", channel=a)
        return Pair(a, b, start_a, start_b)

    yield make
    for channel_id in made:
        try:
            ari.channels.hangup(channel_id=channel_id)  # takes its other half along
        except Exception:
            pass  # already gone


class AsyncEventLog:
    """``EventLog`` for an ``AsyncEventStream``: ``await log.wait("StasisStart", channel=id)``."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.seen: list[Any] = []
        self._taken: set[int] = set()
        conformance.event_log(self)

    async def wait(
        self, kind: str | None = None, timeout: float = WAIT, **where: Any
    ) -> Any:
        for i, event in enumerate(self.seen):
            if i not in self._taken and matches(event, kind, where):
                self._taken.add(i)
                return event
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            event = None
            if remaining > 0:
                try:
                    event = await self.stream.next(timeout=remaining)
                except Exception as exc:  # Timeout of the package under test
                    if type(exc).__name__ != "Timeout":
                        raise
            if event is None:
                names = [type(e).__name__ for e in self.seen[-20:]]
                raise AssertionError(
                    f"no {kind or 'event'} {where or ''} within {timeout} s; last seen: {names}"
                )
            self.seen.append(event)
            if matches(event, kind, where):
                self._taken.add(len(self.seen) - 1)
                return event


# --- errors ---------------------------------------------------------------------------------------


def raises(pkg: Package, name: str, status: int, message: str | None = None) -> Any:
    """``with raises(pkg, "NotFound", 404, "Channel not found"):`` — the call raises the typed
    exception ``pkg.errors.<name>`` with that status and (if given) exactly the server's message.

    Use it as ``with raises(...) as info:``; ``info.value`` is the exception.
    """
    import contextlib

    @contextlib.contextmanager
    def check() -> Iterator[Any]:
        with pytest.raises(getattr(pkg.errors, name)) as info:
            yield info
        assert info.value.status == status, repr(info.value)
        if message is not None:
            assert info.value.message == message, repr(info.value)

    return check()
