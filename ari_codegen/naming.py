"""Every Python name in the generated code is decided here, once, when the IR is built.

Rules: camelCase becomes snake_case for functions, arguments and fields, PascalCase for
classes; characters that cannot appear in an identifier become ``_``; a leading digit gets a
prefix; keywords get a trailing ``_``; names the generated code itself needs are avoided; and
within one scope two names never collide (the later one gets ``_2``, ``_3``, ...).
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
import unicodedata

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z0-9])([A-Z])")
_INVALID = re.compile(r"[^0-9a-zA-Z_]+")

# Names the generated modules define or import at module level, which classes must not take.
RUNTIME_NAMES = frozenset(
    {
        "Any", "Enum", "StrEnum", "List", "Dict", "Mapping", "Optional", "Union", "Literal",
        "Iterator", "Callable", "ClassVar", "TYPE_CHECKING", "TypeVar", "dataclass", "field",
        "datetime", "annotations", "Model", "ValidationError", "Problem",
        # typing names the models, api and client modules import, and what client.py defines
        "Sequence", "Tuple", "Type", "E", "R", "AriClient", "AsyncAriClient", "SyncApi",
        "AsyncApi", "Backoff", "Dispatcher", "EventStream", "AsyncEventStream",
        "SyncWaiting", "AsyncWaiting",
    }
)  # fmt: skip
BUILTIN_NAMES = frozenset(name for name in dir(builtins) if not name.startswith("_"))
# Types used in annotations, and decorators (``@classmethod``): a field or method of that
# name would shadow them in a class body.
ANNOTATION_NAMES = frozenset(
    {
        "classmethod",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "object",
        "dict",
        "datetime",
        "Any",
        "List",
        "Dict",
    }
)
MODEL_MEMBERS = frozenset(
    {
        "from_dict",
        "to_dict",
        "from_json",
        "to_json",
        "validate",
        "extras",
        "TYPE",
        "SUBTYPES",
    }
)


def _fold(char: str) -> str:
    """One character in ASCII: accents dropped (``ë`` → ``e``), other letters and digits
    spelled by code point (``测`` → ``_u6d4b_``), anything else ``_``."""
    if char.isascii():
        return char
    folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if folded:
        return folded
    return f"_u{ord(char):x}_" if char.isalnum() else "_"


def ascii_identifier(text: str) -> str:
    """Fold to ASCII, turn anything that is not [0-9A-Za-z_] into ``_``; may start with a digit."""
    return _INVALID.sub("_", "".join(map(_fold, text)))


def words(text: str) -> list[str]:
    """``externalMedia`` → [external, Media]; ``RTPstat`` → [RT, Pstat]; ``a-b.c`` → [a, b, c]."""
    text = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", ascii_identifier(text)))
    return [w for w in text.split("_") if w]


def snake(text: str) -> str:
    """A snake_case identifier (not yet checked against keywords or a scope)."""
    name = "_".join(w.lower() for w in words(text)) or "value"
    return f"n{name}" if name[0].isdigit() else name


def pascal(text: str) -> str:
    """A PascalCase identifier; an identifier that already is one is kept as written."""
    if text.isidentifier() and text.isascii() and text[0].isupper():
        return text
    name = "".join(w[0].upper() + w[1:] for w in words(text)) or "Model"
    return f"N{name}" if name[0].isdigit() else name


SYMBOLS = {
    "*": "STAR",
    "#": "HASH",
    "+": "PLUS",
    "-": "MINUS",
    ".": "DOT",
    "/": "SLASH",
    "@": "AT",
}


def constant(text: str) -> str:
    """An UPPER_SNAKE enum member name for a value: ``no_answer`` → ``NO_ANSWER``, ``*`` → STAR."""
    name = "_".join(w.upper() for w in words(text)) or SYMBOLS.get(
        text.strip(), "VALUE"
    )
    return f"V_{name}" if name[0].isdigit() else name


def safe(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """Keywords and reserved names get a trailing underscore."""
    while keyword.iskeyword(name) or name in reserved:
        name += "_"
    return name


class Scope:
    """One namespace: hands out names so that no two collide, first come first served."""

    def __init__(
        self, reserved: frozenset[str] = frozenset(), case_insensitive: bool = False
    ):
        self.reserved = reserved
        self.case_insensitive = case_insensitive
        self.taken: set[str] = set()

    def _key(self, name: str) -> str:
        return name.lower() if self.case_insensitive else name

    def free(self, name: str) -> bool:
        """Would ``claim(name)`` return ``name`` itself?"""
        return safe(name, self.reserved) == name and self._key(name) not in self.taken

    def claim(self, name: str) -> str:
        name = safe(name, self.reserved)
        candidate, n = name, 1
        while self._key(candidate) in self.taken:
            n += 1
            candidate = f"{name}_{n}"
        self.taken.add(self._key(candidate))
        return candidate


def resource_class(classes: Scope, name: str) -> str:
    """A resource class name C such that C and ``AsyncC``, its asyncio twin, are both free
    in ``classes`` (declarations ``foo`` and ``asyncFoo``: Foo, then AsyncFoo_2)."""
    base = candidate = pascal(name)
    n = 1
    while not (classes.free(candidate) and classes.free(f"Async{candidate}")):
        n += 1
        candidate = f"{base}_{n}"
    classes.claim(f"Async{candidate}")
    return classes.claim(candidate)


def class_scope() -> Scope:
    """Class names of one generated package (models and enums share one namespace)."""
    return Scope(RUNTIME_NAMES | BUILTIN_NAMES)


# A models module imports another as ``_<module>``: not the helpers' aliases (``_rt``, ``_h``)
# nor the loop variables of the generated validators and decoders (``_x0``, ``_i0``, ...).
MODULE_ALIAS_NAMES = frozenset(
    {"rt", "h", *(f"x{n}" for n in range(10)), *(f"i{n}" for n in range(10))}
)


def module_scope() -> Scope:
    """Module names: also unique on case-insensitive file systems."""
    return Scope(
        BUILTIN_NAMES
        | MODULE_ALIAS_NAMES
        | {"models", "api", "client", "errors", "testing", "schemas"},
        True,
    )


def field_scope() -> Scope:
    """Dataclass fields of one model (with its inherited fields)."""
    return Scope(MODEL_MEMBERS | ANNOTATION_NAMES)


def function_scope() -> Scope:
    """Module-level functions of the generated models package (validators, parsers)."""
    return Scope(RUNTIME_NAMES | BUILTIN_NAMES)


def method_scope() -> Scope:
    """Methods of one resource class."""
    return Scope(ANNOTATION_NAMES)


def argument_scope() -> Scope:
    """Keyword arguments of one generated method."""
    return Scope(frozenset({"self"}))


def member_scope() -> Scope:
    """Members of one enum (always UPPER_SNAKE, so never Enum's own names)."""
    return Scope()


# What the generated code imports besides the standard library (httpx and websockets, with
# what they import): a package of one of these names would shadow it.
RUNTIME_DEPENDENCIES = frozenset(
    {
        "httpx",
        "httpcore",
        "h11",
        "h2",
        "anyio",
        "sniffio",
        "certifi",
        "idna",
        "websockets",
    }
)


def package_problem(name: str) -> str | None:
    """Why ``name`` cannot be the generated package's import name, or None if it can.

    Every dotted part must be an identifier and no keyword; the first must not shadow a
    module of the standard library or of what the generated code imports.
    """
    parts = name.split(".")
    bad = next((p for p in parts if not p.isidentifier() or keyword.iskeyword(p)), None)
    if bad is not None:
        why = (
            f"{bad!r} is a Python keyword"
            if keyword.iskeyword(bad)
            else f"{bad!r} is not an identifier"
        )
        return f"{name!r} is not an importable Python package name ({why})"
    top = parts[0]
    if top in sys.stdlib_module_names:
        return (
            f"{name!r} would shadow the standard library's {top!r}, "
            "which the generated code and its users import"
        )
    if top in RUNTIME_DEPENDENCIES:
        return f"{name!r} would shadow {top!r}, which the generated code depends on"
    return None
