"""Download the ARI spec a running Asterisk serves into a listing the generator reads.

Asterisk serves its resource listing at ``http://HOST:8088/ari/api-docs/resources.json``
and every API declaration it lists next to it (``.../api-docs/channels.json``). ``fetch``
downloads them all and writes ``resources.json`` plus ``api-docs/NAME.json`` under the
output directory, the layout of the listing bundled with ari_codegen.

- **Stable files.** Each document is written as served, key order included (spec order
  matters: it is the order of parameters and properties in the generated code),
  pretty-printed with tab indentation like Asterisk's own sources, UTF-8, one trailing
  newline. Asterisk rewrites ``basePath`` to the host it was asked through; ``fetch``
  normalizes it to ``http://localhost:8088`` + the served path (``/ari``), so the files do
  not depend on the host they came from and a re-fetch diffs cleanly.
- **All or nothing.** Every document is downloaded and checked (HTTP status, UTF-8, JSON,
  the shape of a listing) before anything is written. Any failure (401, 404, connection
  refused, timeout, invalid JSON ...) is reported per URL and nothing is written. The files
  are then swapped in one by one with rollback (``write.commit``); declarations that the
  previous ``resources.json`` in the output directory listed and the new one does not are
  removed; other files there are left alone.
- **Authentication.** HTTP basic (``user``/``password``) or Asterisk's ``api_key=user:pass``
  query parameter. Secrets never appear in messages.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .load import LISTING_NAME, declaration_path, is_listing
from .write import Changes, commit, read_current

DEFAULT_ORIGIN = "http://localhost:8088"
DEFAULT_TIMEOUT = 10.0
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class FetchProblem:
    """A document that could not be fetched: its URL (without secrets) and why."""

    url: str
    message: str

    def format(self) -> str:
        return f"{self.url}: {self.message}"


@dataclass
class FetchResult:
    """What ``fetch`` downloaded and, unless there were problems, wrote."""

    url: str  # the listing's URL, without secrets
    output: Path
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> content
    problems: list[FetchProblem] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    wrote: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


class _Failure(Exception):
    pass


def listing_url(url: str) -> str:
    """The resource listing's URL for what a user may type: the listing itself, the
    ``api-docs`` directory, or the ARI root (``http://pbx:8088/ari``)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path
    if not path.endswith(".json"):
        path = path.rstrip("/")
        if not path.endswith("/api-docs"):
            path += "/api-docs"
        path += "/" + LISTING_NAME
    return urllib.parse.urlunsplit(parts._replace(path=path))


def normalize_base_path(value: Any, origin: str | None) -> Any:
    """``http://pbx.example:8088/ari`` → ``origin + /ari``; None keeps it as served."""
    if origin is None or not isinstance(value, str):
        return value
    path = urllib.parse.urlsplit(value).path
    return origin.rstrip("/") + path


def dump(data: Any) -> bytes:
    """A document as ``fetch`` writes it: served key order, tab indentation, UTF-8."""
    return (json.dumps(data, indent="\t", ensure_ascii=False) + "\n").encode()


class _Client:
    def __init__(
        self,
        user: str | None,
        password: str | None,
        api_key: str | None,
        timeout: float,
    ) -> None:
        self.headers = {"Accept": "application/json", "User-Agent": "ari-codegen"}
        if user is not None:
            token = f"{user}:{password or ''}".encode()
            self.headers["Authorization"] = "Basic " + base64.b64encode(token).decode()
        self.api_key = api_key
        self.timeout = timeout

    def with_key(self, url: str) -> str:
        if self.api_key is None:
            return url
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        query.append(("api_key", self.api_key))
        return urllib.parse.urlunsplit(
            parts._replace(query=urllib.parse.urlencode(query))
        )

    def get_json(self, url: str) -> Any:
        """GET ``url`` and decode it, or raise ``_Failure`` saying why not."""
        import urllib.error  # http.client and email: not for every ari_codegen import
        import urllib.request

        request = urllib.request.Request(self.with_key(url), headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            hint = {
                401: " (check --user/--password or --api-key)",
                403: " (the ARI user may not read the API docs)",
                404: " (is this an Asterisk with ARI enabled, and the right URL?)",
            }.get(exc.code, "")
            raise _Failure(f"HTTP {exc.code} {exc.reason}{hint}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, ConnectionRefusedError):
                raise _Failure("connection refused (is Asterisk running?)") from None
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Failure(f"timed out after {self.timeout:g}s") from None
            if isinstance(reason, socket.gaierror):
                raise _Failure(f"unknown host ({reason.strerror})") from None
            raise _Failure(f"cannot connect: {reason}") from None
        except (TimeoutError, socket.timeout):
            raise _Failure(f"timed out after {self.timeout:g}s") from None
        except ConnectionError as exc:
            raise _Failure(f"connection failed: {exc.strerror or exc}") from None
        except OSError as exc:
            raise _Failure(f"cannot fetch: {exc.strerror or exc}") from None
        if len(raw) > MAX_BYTES:
            raise _Failure(f"larger than {MAX_BYTES} bytes")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _Failure(f"not valid UTF-8 (offset {exc.start})") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _Failure(
                f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        except RecursionError:
            raise _Failure("not valid JSON: nested too deeply") from None


def _current_declarations(output: Path) -> set[str]:
    """The declaration files the listing already in ``output`` points at."""
    raw = read_current(output, LISTING_NAME)
    if raw is None:
        return set()
    try:
        data = json.loads(raw)
    except ValueError:
        return set()
    found: set[str] = set()
    for api in data.get("apis", []) if isinstance(data, dict) else []:
        if isinstance(api, dict) and isinstance(api.get("path"), str):
            relative = declaration_path(api["path"])
            if relative is not None:
                found.add(relative.as_posix())
    return found


def fetch(
    url: str,
    output: str | Path,
    *,
    user: str | None = None,
    password: str | None = None,
    api_key: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    origin: str | None = DEFAULT_ORIGIN,
    check: bool = False,
) -> FetchResult:
    """Download the listing at ``url`` and every declaration it lists into ``output``.

    ``origin`` replaces the scheme and host of every ``basePath`` (None keeps them as
    served). With ``check``, nothing is written; ``result.changes`` says what would change.
    Problems are in ``result.problems``; when there are any, nothing was written.
    """
    root = Path(output)
    url = listing_url(url)
    result = FetchResult(url, root)
    client = _Client(user, password, api_key, timeout)
    try:
        listing = client.get_json(url)
    except _Failure as exc:
        result.problems.append(FetchProblem(url, str(exc)))
        return result
    if not is_listing(listing):
        result.problems.append(
            FetchProblem(url, "not an ARI resource listing (no 'apis' list of paths)")
        )
        return result
    documents: dict[str, Any] = {LISTING_NAME: listing}
    for api in listing["apis"]:
        path = api.get("path") if isinstance(api, dict) else None
        relative = declaration_path(path) if isinstance(path, str) else None
        if relative is None or relative.suffix != ".json":
            result.problems.append(
                FetchProblem(url, f"cannot fetch the listed API path {path!r}")
            )
            continue
        name = relative.as_posix()  # where the loader looks for it
        if name in documents:
            continue
        doc_url = urllib.parse.urljoin(url, urllib.parse.quote(relative.name))
        try:
            data = client.get_json(doc_url)
        except _Failure as exc:
            result.problems.append(FetchProblem(doc_url, str(exc)))
            continue
        if not isinstance(data, dict):
            result.problems.append(
                FetchProblem(doc_url, "not an API declaration (not a JSON object)")
            )
            continue
        documents[name] = data
    if result.problems:
        return result
    for data in documents.values():
        if "basePath" in data:
            data["basePath"] = normalize_base_path(data["basePath"], origin)
    result.files = {name: dump(data) for name, data in documents.items()}
    changes = Changes()
    for name, content in result.files.items():
        current = read_current(root, name)
        if current is None:
            changes.added.append(name)
        elif current != content:
            changes.changed.append(name)
    for name in sorted(_current_declarations(root) - set(result.files)):
        if read_current(root, name) is not None:
            changes.removed.append(name)
    result.changes = changes
    if not check and changes.stale:
        try:
            commit(root, result.files, changes)
        except (OSError, ValueError) as exc:
            result.problems.append(
                FetchProblem(url, f"cannot write {root}: {exc}; nothing was written")
            )
            return result
        result.wrote = True
    return result
