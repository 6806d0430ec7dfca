"""`ari-codegen fetch` against a real HTTP server on 127.0.0.1 that serves a listing the way
Asterisk does: compact JSON, authentication required, basePath rewritten per Host header."""

from __future__ import annotations

import base64
import dataclasses
import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner

from ari_codegen import build_ir
from ari_codegen.cli import main
from ari_codegen.fetch import fetch, listing_url

from .conftest import DATA, SPECS

USER, PASSWORD = "ari", "s3cret"


class FakeAsterisk(ThreadingHTTPServer):
    """Serves ``root`` (resources.json + api-docs/) under /ari/api-docs/ like Asterisk."""

    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.root = root
        self.faults: dict[str, str] = {}  # file name -> "404", "500", "invalid", "stall", "array"
        self.drop: set[str] = set()  # declarations left out of the listing
        self.hosts: list[str] = []
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/ari/api-docs/resources.json"

    def document(self, name: str, host: str) -> Any:
        path = self.root / (name if name == "resources.json" else f"api-docs/{name}")
        data = json.loads(path.read_text(encoding="utf-8"))
        data["basePath"] = f"http://{host}/ari"  # what Asterisk does
        if name == "resources.json":
            data["apis"] = [a for a in data["apis"] if a["path"].split("/")[-1].split(".")[0] not in self.drop]
        return data


class Handler(BaseHTTPRequestHandler):
    server: FakeAsterisk

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def send(self, status: int, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def authorized(self, query: dict[str, list[str]]) -> bool:
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        return self.headers.get("Authorization") == f"Basic {token}" or query.get("api_key") == [f"{USER}:{PASSWORD}"]

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parts.query)
        if not self.authorized(query):
            self.send(401, b'{"message":"Authentication required"}', WWW_Authenticate='Basic realm="Asterisk REST Interface"')
            return
        prefix = "/ari/api-docs/"
        name = parts.path.removeprefix(prefix)
        if not parts.path.startswith(prefix) or "/" in name:
            self.send(404, b'{"message":"Not found"}')
            return
        fault = self.server.faults.get(name)
        if fault == "stall":
            self.server.release.wait()
            return
        if fault in ("404", "500"):
            self.send(int(fault), b'{"message":"no"}')
            return
        if fault == "invalid":
            self.send(200, b'{"apiVersion": "2.0.0", "apis": [')
            return
        if fault == "array":
            self.send(200, b"[]")
            return
        try:
            data = self.server.document(name, self.headers["Host"])
        except FileNotFoundError:
            self.send(404, b'{"message":"Not found"}')
            return
        self.server.hosts.append(self.headers["Host"])
        self.send(200, json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode())


@pytest.fixture
def asterisk() -> Iterator[FakeAsterisk]:
    server = FakeAsterisk(SPECS)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def ir_facts(spec: Path) -> dict[str, Any]:
    """The IR as plain data, without the input hashes (the bytes differ by formatting)."""
    model, diagnostics = build_ir(spec)
    assert model is not None, [d.format() for d in diagnostics]

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("sha256", "fingerprint", "inputs")}
        if isinstance(value, (list, tuple)):
            return [strip(v) for v in value]
        return value

    return strip(dataclasses.asdict(model))  # type: ignore[no-any-return]


def good(asterisk: FakeAsterisk, out: Path, **kwargs: Any) -> Any:
    result = fetch(asterisk.url, out, user=USER, password=PASSWORD, **kwargs)
    assert result.ok, [p.format() for p in result.problems]
    return result


# --- success ------------------------------------------------------------------------------------


def test_fetch_writes_a_listing_that_builds_the_same_ir(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    out = tmp_path / "specs"
    result = good(asterisk, out)
    assert result.wrote
    expected = {p.relative_to(SPECS).as_posix() for p in SPECS.rglob("*.json")}
    assert set(tree(out)) == expected == set(result.files)
    assert ir_facts(out) == ir_facts(SPECS)


def test_fetched_files_keep_served_order_tabs_and_normalized_base_path(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    out = tmp_path / "specs"
    good(asterisk, out)
    for name, content in tree(out).items():
        text = content.decode("utf-8")
        assert text.endswith("}\n") and "\n\t\"" in text and "\n  \"" not in text
        written = json.loads(text)
        original = json.loads((SPECS / name).read_text(encoding="utf-8"))
        assert written["basePath"] == "http://localhost:8088/ari"
        original["basePath"] = written["basePath"]
        # same content, same key order at every level
        assert json.dumps(written) == json.dumps(original), name
    # files whose source formatting is canonical come back byte for byte
    assert (out / "resources.json").read_bytes() == (SPECS / "resources.json").read_bytes()
    assert (out / "api-docs" / "events.json").read_bytes() == (SPECS / "api-docs" / "events.json").read_bytes()


def test_fetch_does_not_depend_on_the_host(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    good(asterisk, tmp_path / "a")
    port = asterisk.server_address[1]
    other = f"http://localhost:{port}/ari"  # a different Host header, and the ARI root as URL
    result = fetch(other, tmp_path / "b", user=USER, password=PASSWORD)
    assert result.ok, result.problems
    assert {f"127.0.0.1:{port}", f"localhost:{port}"} <= set(asterisk.hosts)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_refetch_is_a_no_op_and_check_reports_differences(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    out = tmp_path / "specs"
    good(asterisk, out)
    again = good(asterisk, out)
    assert not again.wrote and not again.changes.stale
    (out / "api-docs" / "sounds.json").write_text("{}")
    checked = good(asterisk, out, check=True)
    assert checked.changes.changed == ["api-docs/sounds.json"] and not checked.wrote
    assert (out / "api-docs" / "sounds.json").read_text() == "{}"


def test_api_key_authentication(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    result = fetch(asterisk.url, tmp_path / "specs", api_key=f"{USER}:{PASSWORD}")
    assert result.ok, result.problems
    assert ir_facts(tmp_path / "specs") == ir_facts(SPECS)


def test_refetch_removes_declarations_no_longer_listed_and_keeps_other_files(
    asterisk: FakeAsterisk, tmp_path: Path
) -> None:
    out = tmp_path / "specs"
    good(asterisk, out)
    (out / "NOTES.md").write_text("ours")
    asterisk.drop = {"sounds"}
    result = good(asterisk, out)
    assert result.changes.removed == ["api-docs/sounds.json"]
    assert not (out / "api-docs" / "sounds.json").exists()
    assert (out / "NOTES.md").read_text() == "ours"
    model, _ = build_ir(out)
    assert model is not None and "sounds" not in [d.name for d in model.declarations]


def test_listing_url_forms() -> None:
    assert listing_url("http://pbx:8088/ari") == "http://pbx:8088/ari/api-docs/resources.json"
    assert listing_url("http://pbx:8088/ari/") == "http://pbx:8088/ari/api-docs/resources.json"
    assert listing_url("http://pbx:8088/ari/api-docs") == "http://pbx:8088/ari/api-docs/resources.json"
    same = "http://pbx:8088/ari/api-docs/resources.json"
    assert listing_url(same) == same


# --- failures: reported per URL, nothing written ---------------------------------------------------


def failing(asterisk: FakeAsterisk, out: Path, **kwargs: Any) -> list[str]:
    kwargs.setdefault("user", USER)
    kwargs.setdefault("password", PASSWORD)
    result = fetch(kwargs.pop("url", asterisk.url), out, **kwargs)
    assert not result.ok and not result.wrote
    return [p.format() for p in result.problems]


def test_wrong_password_is_401(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    problems = failing(asterisk, tmp_path / "specs", password="wrong")
    assert problems == [f"{asterisk.url}: HTTP 401 Unauthorized (check --user/--password or --api-key)"]
    assert not (tmp_path / "specs").exists()
    assert "401" in failing(asterisk, tmp_path / "specs", user=None, password=None)[0]


@pytest.mark.parametrize(
    "fault, message",
    [
        ("404", "HTTP 404 Not Found"),
        ("500", "HTTP 500 Internal Server Error"),
        ("invalid", "not valid JSON: Expecting value (line 1, column 34)"),
        ("array", "not an API declaration (not a JSON object)"),
    ],
)
def test_a_broken_declaration_writes_nothing(asterisk: FakeAsterisk, tmp_path: Path, fault: str, message: str) -> None:
    out = tmp_path / "specs"
    good(asterisk, out)
    before = tree(out)
    asterisk.faults = {"channels.json": fault, "sounds.json": fault}
    problems = failing(asterisk, out)
    base = asterisk.url.rsplit("/", 1)[0]
    assert len(problems) == 2
    assert problems[0].startswith(f"{base}/channels.json: {message}")
    assert problems[1].startswith(f"{base}/sounds.json: {message}")
    assert tree(out) == before  # the earlier fetch is untouched


def test_timeout(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    asterisk.faults = {"bridges.json": "stall"}
    problems = failing(asterisk, tmp_path / "specs", timeout=0.3)
    assert problems == [f"{asterisk.url.rsplit('/', 1)[0]}/bridges.json: timed out after 0.3s"]
    assert not (tmp_path / "specs").exists()


def test_connection_refused(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/ari/api-docs/resources.json"
    result = fetch(url, tmp_path / "specs", user=USER, password=PASSWORD)
    assert [p.format() for p in result.problems] == [f"{url}: connection refused (is Asterisk running?)"]
    assert not (tmp_path / "specs").exists()


def test_not_a_listing(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    url = asterisk.url.replace("resources.json", "channels.json")
    assert failing(asterisk, tmp_path / "specs", url=url) == [
        f"{url}: not an ARI resource listing (no 'apis' list of paths)"
    ]


def test_api_key_never_appears_in_messages(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    asterisk.faults = {"channels.json": "404"}
    problems = failing(asterisk, tmp_path / "specs", user=None, password=None, api_key=f"{USER}:{PASSWORD}")
    assert problems and not any(PASSWORD in p for p in problems)


# --- the CLI ------------------------------------------------------------------------------------


def test_cli_fetch_then_generate_matches_bundled(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    out = tmp_path / "specs"
    runner = CliRunner()
    result = runner.invoke(main, ["fetch", asterisk.url, "-o", str(out), "--user", USER, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert f"fetched 11 declarations into {out}: 12 added, 0 changed, 0 removed" in result.output
    result = runner.invoke(main, ["fetch", asterisk.url, "-o", str(out), "--user", USER], env={"ARI_PASSWORD": PASSWORD})
    assert result.exit_code == 0 and "is up to date" in result.output
    check = runner.invoke(main, ["fetch", asterisk.url, "-o", str(out), "--api-key", f"{USER}:{PASSWORD}", "--check"])
    assert check.exit_code == 0 and "matches" in check.output
    # the fetched listing diffs clean against the bundled one
    same = runner.invoke(main, ["diff", str(SPECS), str(out), "--fail-on-breaking"])
    assert same.exit_code == 0 and "no changes" in same.output


def test_cli_failure_exit_1(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    asterisk.faults = {"events.json": "404"}
    result = CliRunner().invoke(main, ["fetch", asterisk.url, "-o", str(tmp_path / "s"), "--user", USER, "--password", PASSWORD])
    assert result.exit_code == 1
    assert "events.json: HTTP 404 Not Found" in result.output
    assert "nothing written" in result.output and not (tmp_path / "s").exists()


def test_cli_check_exit_1_when_server_spec_changed(asterisk: FakeAsterisk, tmp_path: Path) -> None:
    out = tmp_path / "specs"
    good(asterisk, out)
    asterisk.root = DATA / "specs" / "20.0.0"
    result = CliRunner().invoke(main, ["fetch", asterisk.url, "-o", str(out), "--user", USER, "--password", PASSWORD, "--check"])
    assert result.exit_code == 1 and "differs" in result.output


def test_cli_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    url = "http://127.0.0.1:9/ari"
    assert runner.invoke(main, ["fetch", url]).exit_code == 2  # no -o
    both = runner.invoke(main, ["fetch", url, "-o", str(tmp_path), "--user", "a", "--api-key", "a:b"])
    assert both.exit_code == 2 and "not both" in both.output
    assert runner.invoke(main, ["fetch", "ftp://x/y", "-o", str(tmp_path)]).exit_code == 2
    assert runner.invoke(main, ["fetch", url, "-o", str(tmp_path), "--timeout", "0"]).exit_code == 2
