"""Stage 1, load: read JSON documents keeping the line of every value; follow a listing.

A spec is given as a resource listing (``resources.json``), a directory holding one, or a
single API declaration. Problems (missing files, invalid JSON or UTF-8) become diagnostics.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import NUMBER_RE
from pathlib import Path, PurePosixPath
from typing import Any

from .diagnostics import Diagnostic, Severity, warning

LISTING_NAME = "resources.json"
MAX_DEPTH = 100  # deeper nesting is no Swagger document, and would exhaust the stack
_WS = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LITERALS = {"true": True, "false": False, "null": None}


def pointer_join(pointer: str, key: str | int) -> str:
    """Append one reference token to a JSON pointer (RFC 6901 escaping)."""
    return f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"


@dataclass
class Document:
    """One JSON file: its decoded data and the line where each value starts.

    The lines are found by a JSON reader written in Python, twenty times slower than
    ``json.loads``; so a document is read by ``json.loads`` and its lines only when a
    diagnostic first asks for one (from ``text``, the source kept until then).
    """

    name: str  # display name, relative to the spec root: "api-docs/channels.json"
    data: Any
    lines: dict[str, int]
    sha256: str
    duplicate_keys: list[str] = field(default_factory=list)  # pointers of repeated keys
    text: str | None = field(default=None, repr=False)  # source whose lines are unread

    def line(self, pointer: str) -> int | None:
        """The line of ``pointer``, or of its nearest ancestor that exists."""
        if self.text is not None:
            parser = _PositionParser(self.text)
            parser.parse()  # cannot fail: parse_document read it once already
            self.lines, self.text = parser.lines, None
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


@dataclass
class LoadedSpec:
    """What ``load`` found: the listing (if any), its declarations, and load problems."""

    root: Path
    listing: Document | None
    declarations: list[Document]
    diagnostics: list[Diagnostic]
    # for a single declaration: the declarations beside it, which may define models it
    # references (ARI shares one model namespace); validate keeps only those it used
    companions: list[Document] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        listing = [self.listing] if self.listing else []
        return listing + self.declarations + self.companions


class _TooDeep(Exception):
    def __init__(self, index: int) -> None:
        self.index = index


class _PositionParser:
    """A JSON reader for text already known to be valid; records each value's line."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[str, int] = {}
        self.duplicates: list[str] = []
        self.surrogates: list[tuple[str, str]] = []  # (pointer, \\uXXXX): no character
        self.overflows: list[tuple[str, str]] = []  # (pointer, number): beyond a double

    def string(self, i: int, pointer: str) -> tuple[str, int]:
        text, end = scanstring(self.text, i + 1)
        surrogate = _SURROGATE.search(text)
        if surrogate:
            self.surrogates.append((pointer, f"\\u{ord(surrogate.group()):04x}"))
        return text, end

    def line_at(self, index: int) -> int:
        return bisect.bisect_left(self.newlines, index) + 1

    def parse(self) -> Any:
        value, _ = self.value(_WS.match(self.text, 0).end(), "")  # type: ignore[union-attr]
        return value

    def value(self, i: int, pointer: str) -> tuple[Any, int]:
        self.lines.setdefault(pointer, self.line_at(i))
        char = self.text[i]
        if char in "{[" and pointer.count("/") >= MAX_DEPTH:
            raise _TooDeep(i)
        if char == "{":
            return self.object(i + 1, pointer)
        if char == "[":
            return self.array(i + 1, pointer)
        if char == '"':
            return self.string(i, pointer)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, i):
                return literal, i + len(word)
        match = NUMBER_RE.match(self.text, i)
        assert match is not None, "validated by json.loads first"
        integer, fraction, exponent = match.groups()
        if fraction or exponent:
            number = float(match.group())
            if number in (math.inf, -math.inf):
                self.overflows.append((pointer, match.group()))
            return number, match.end()
        return int(integer), match.end()

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def object(self, i: int, pointer: str) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        i = self.skip(i)
        if self.text[i] == "}":
            return result, i + 1
        while True:
            key_start = i
            key, i = self.string(i, pointer)
            child = pointer_join(pointer, key)
            if key in result:
                self.duplicates.append(child)
                self.lines[child] = self.line_at(key_start)
            self.lines.setdefault(child, self.line_at(key_start))
            i = self.skip(self.skip(i) + 1)  # the colon
            result[key], i = self.value(i, child)
            i = self.skip(i)
            if self.text[i] == "}":
                return result, i + 1
            i = self.skip(i + 1)  # the comma

    def array(self, i: int, pointer: str) -> tuple[list[Any], int]:
        result: list[Any] = []
        i = self.skip(i)
        if self.text[i] == "]":
            return result, i + 1
        while True:
            item, i = self.value(i, pointer_join(pointer, len(result)))
            result.append(item)
            i = self.skip(i)
            if self.text[i] == "]":
                return result, i + 1
            i = self.skip(i + 1)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


_CONSTANT = re.compile(r'"(?:[^"\\]|\\.)*"|(-?Infinity|NaN)')


def _constant_line(text: str) -> int | None:
    """The line of the first NaN or Infinity outside a string."""
    for match in _CONSTANT.finditer(text):
        if match.group(1):
            return text.count("\n", 0, match.start()) + 1
    return None


def _depth(data: Any) -> int:
    """How deeply arrays and objects nest in ``data`` (a scalar: 0), level by level."""
    depth, level = 0, [data] if isinstance(data, (dict, list)) else []
    while level:
        depth += 1
        below = []
        for node in level:
            for value in node.values() if isinstance(node, dict) else node:
                if isinstance(value, (dict, list)):
                    below.append(value)
        level = below
    return depth


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def parse_document(
    name: str, raw: bytes, positions: bool = True
) -> tuple[Document | None, list[Diagnostic]]:
    """Decode one document; a broken one yields an error diagnostic and no document.

    A document with a repeated key, a number beyond a double, a surrogate escape or
    nesting too deep is read at once by the position parser, which reports those; any
    other has its lines read when first needed. Without ``positions``, never: enough to
    learn which documents a spec is made of.
    """
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Diagnostic(
                Severity.ERROR,
                name,
                "",
                line,
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                "save the file as UTF-8",
            )
        ]
    if not text.strip():
        return None, [Diagnostic(Severity.ERROR, name, "", 1, "the file is empty")]
    too_deep = f"nested deeper than {MAX_DEPTH} levels"
    odd: list[str] = []  # what the position parser must look at

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        if len(result) != len(items):
            odd.append("repeated key")
        return result

    def number(literal: str) -> float:
        value = float(literal)
        if value in (math.inf, -math.inf):
            odd.append("overflow")
        return value

    try:
        data = json.loads(
            text,
            parse_constant=_reject_constant,
            object_pairs_hook=pairs,
            parse_float=number,
        )
    except json.JSONDecodeError as exc:
        return None, [
            Diagnostic(
                Severity.ERROR,
                name,
                "",
                exc.lineno,
                f"not valid JSON: {exc.msg} (column {exc.colno})",
                "fix the JSON syntax at that position",
            )
        ]
    except RecursionError:
        return None, [Diagnostic(Severity.ERROR, name, "", None, too_deep)]
    except ValueError as exc:  # NaN, Infinity
        return None, [
            Diagnostic(
                Severity.ERROR,
                name,
                "",
                _constant_line(text),
                f"not valid JSON: {exc}",
                "write null or a number",
            )
        ]
    if not positions:
        return Document(name, data, {}, digest), []
    if not odd and not _SURROGATE_ESCAPE.search(text) and _depth(data) <= MAX_DEPTH:
        return Document(name, data, {}, digest, text=text), []
    parser = _PositionParser(text)
    try:
        data = parser.parse()
    except _TooDeep as exc:
        line = parser.line_at(exc.index)
        return None, [Diagnostic(Severity.ERROR, name, "", line, too_deep)]
    doc = Document(name, data, parser.lines, digest, parser.duplicates)
    return doc, [
        Diagnostic(
            Severity.ERROR,
            name,
            pointer,
            doc.line(pointer),
            f"{escape} is a lone surrogate, not a character (no UTF-8 file can hold it)",
            "escape characters outside the BMP as a surrogate pair, or write them as UTF-8",
        )
        for pointer, escape in parser.surrogates
    ] + [
        Diagnostic(
            Severity.ERROR,
            name,
            pointer,
            doc.line(pointer),
            f"the number {number} is too large for a double",
            "write a number below 1.8e308",
        )
        for pointer, number in parser.overflows
    ]


def _read(
    path: Path, name: str, positions: bool = True
) -> tuple[Document | None, list[Diagnostic]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Diagnostic(Severity.ERROR, name, "", None, "file not found")]
    except OSError as exc:
        return None, [
            Diagnostic(Severity.ERROR, name, "", None, f"cannot read: {exc.strerror}")
        ]
    return parse_document(name, raw, positions)


def is_listing(data: Any) -> bool:
    """A resource listing points at declarations; a declaration has operations or models."""
    if not isinstance(data, dict) or "resourcePath" in data or "models" in data:
        return False
    apis = data.get("apis")
    if not isinstance(apis, list):
        return False
    return not any(isinstance(api, dict) and "operations" in api for api in apis)


def declaration_path(api_path: str) -> PurePosixPath | None:
    """``/api-docs/channels.{format}`` → ``api-docs/channels.json``; None if it escapes."""
    relative = PurePosixPath(api_path.replace("{format}", "json").lstrip("/"))
    if not relative.parts or ".." in relative.parts:
        return None
    return relative


def _path_key(api: Any) -> str | None:
    """The key of a listing entry's path: "path", or a slip validate reads as it ("Path")."""
    if not isinstance(api, dict):
        return None
    if "path" in api:
        return "path" if isinstance(api["path"], str) else None
    for key, value in api.items():
        if difflib.get_close_matches(key.lower(), ["path"], n=1, cutoff=0.75):
            return key if isinstance(value, str) else None
    return None


def _companions(path: Path, positions: bool = True) -> list[Document]:
    """The other readable declarations with models in ``path``'s directory, by name."""
    found: list[Document] = []
    for other in sorted(path.parent.glob("*.json")):
        if other.name == path.name or not other.is_file():
            continue
        doc, _ = _read(other, other.name, positions)
        if doc is not None and not is_listing(doc.data):
            if isinstance(doc.data, dict) and isinstance(doc.data.get("models"), dict):
                found.append(doc)
    return found


def load(spec: str | Path, positions: bool = True) -> LoadedSpec:
    """Load a listing, a directory holding ``resources.json``, or one API declaration.

    ``positions=False`` skips recording where each value is (see ``parse_document``).
    """
    path = Path(spec)
    if path.is_dir():
        path = path / LISTING_NAME
        if not path.is_file():
            diag = Diagnostic(
                Severity.ERROR,
                LISTING_NAME,
                "",
                None,
                "not found in the given directory",
                "pass the resource listing or one API declaration file",
            )
            return LoadedSpec(Path(spec), None, [], [diag])
    root = path.parent
    doc, diagnostics = _read(path, path.name, positions)
    if doc is None:
        return LoadedSpec(root, None, [], diagnostics)
    if not is_listing(doc.data):
        return LoadedSpec(root, None, [doc], diagnostics, _companions(path, positions))
    declarations: list[Document] = []
    seen: dict[PurePosixPath, str] = {}
    apis = doc.data.get("apis")
    for index, api in enumerate(apis if isinstance(apis, list) else []):
        key = _path_key(api)
        if key is None:
            continue  # reported by validate
        pointer = pointer_join(f"/apis/{index}", key)
        relative = declaration_path(api[key])
        if relative is None:
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    doc.name,
                    pointer,
                    doc.line(pointer),
                    f"path {api[key]!r} points outside the listing's directory",
                    "use a path like /api-docs/NAME.{format}",
                )
            )
            continue
        if relative in seen:
            diagnostics.append(
                warning(
                    doc.name,
                    pointer,
                    doc.line(pointer),
                    f"{api[key]!r} is listed twice, first at {seen[relative]}",
                    "remove the second entry",
                    "read once",
                )
            )
            continue
        seen[relative] = pointer
        target = root / relative
        if not target.is_file() and (root / relative.name).is_file():
            relative = PurePosixPath(
                relative.name
            )  # a flat directory, as a live server serves it
            target = root / relative
        if not target.is_file():
            diagnostics.append(
                Diagnostic(
                    Severity.ERROR,
                    doc.name,
                    pointer,
                    doc.line(pointer),
                    f"declaration {relative.as_posix()} not found next to the listing",
                    f"add {relative.as_posix()} or remove this entry",
                )
            )
            continue
        declaration, problems = _read(target, relative.as_posix(), positions)
        diagnostics.extend(problems)
        if declaration is not None:
            declarations.append(declaration)
    return LoadedSpec(root, doc, declarations, diagnostics)
