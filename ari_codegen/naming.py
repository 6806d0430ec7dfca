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
        "datetime", "annotations", "Model", "ValidationError", "Problem", "DecodeFailure",
        "MISSING",
        # typing names the models, api and client modules import, and what client.py defines
        "Sequence", "Tuple", "Type", "E", "R", "AriClient", "AsyncAriClient", "SyncApi",
        "AsyncApi", "Backoff", "Dispatcher", "EventStream", "AsyncEventStream",
        "SyncWaiting", "AsyncWaiting",
    }
)  # fmt: skip
# The _runtime functions a models module imports by name (validators and parsers must not
# take them: a spec's discriminated model "date" would have had the parser parse_date).
RUNTIME_FUNCTIONS = frozenset(
    {
        "failure", "join", "index", "is_int", "is_mapping", "is_date", "parse_date",
        "format_date", "nearest_base", "new_instance",
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
        # ``builtins.list`` spells the list type where a member named ``list`` shadows it
        "builtins",
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
    while not (classes.free(candidate) and classes.free(async_class(candidate))):
        n += 1
        candidate = f"{base}_{n}"
    classes.claim(async_class(candidate))
    return classes.claim(candidate)


def class_scope() -> Scope:
    """Class names of one generated package (models and enums share one namespace)."""
    return Scope(RUNTIME_NAMES | BUILTIN_NAMES)


# Module names the generated code once used as aliases (``_rt``, ``_h``, ``_x0``, ``_i0``);
# no longer needed (modules import each other's names directly), kept reserved so that
# module names stay what they were.
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
    return Scope(RUNTIME_NAMES | BUILTIN_NAMES | RUNTIME_FUNCTIONS)


def method_scope() -> Scope:
    """Methods of one resource class."""
    return Scope(ANNOTATION_NAMES)


# What the body of a generated method or request builder calls by name, which an argument
# would shadow: builtins of the argument checks, the module's own imports.
BUILDER_NAMES = frozenset(
    {"self", "isinstance", "str", "dict", "list", "bool", "map", "datetime", "partial",
     "format_date", "parse_date", "Problem"}
)  # fmt: skip


def argument_scope(functions: frozenset[str] = frozenset()) -> Scope:
    """Keyword arguments of one generated method; ``functions`` are module-level functions
    its body may call (the parsers of the models it returns)."""
    return Scope(BUILDER_NAMES | functions)


def member_scope() -> Scope:
    """Members of one enum (always UPPER_SNAKE, so never Enum's own names)."""
    return Scope()


# What the generated code imports besides the standard library (httpx, websockets and orjson, with
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
        "orjson",
    }
)


def package_problem(name: str) -> str | None:
    """Why ``name`` cannot be the generated package's import name, or None if it can.

    Every dotted part must be an identifier and no keyword; the first must not shadow a
    module of the standard library or of what the generated code imports.
    """
    parts = name.split(".")
    invalid = next(
        (p for p in parts if not p.isidentifier() or keyword.iskeyword(p)), None
    )
    if invalid is not None:
        why = (
            f"{invalid!r} is a Python keyword"
            if keyword.iskeyword(invalid)
            else f"{invalid!r} is not an identifier"
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


def builder_locals(arguments: Scope) -> tuple[str, str, str, str]:
    """The locals of a request builder, claimed after its arguments (an argument ``body``
    keeps its name): the problems, the query pairs, the JSON body, allowMultiple values.
    """
    return (
        arguments.claim("problems"),
        arguments.claim("query"),
        arguments.claim("json_body"),
        arguments.claim("values"),
    )


# Generated module-level names built from names that are already unique in their scope:
# they cannot collide with each other, and a spec's names never start with "_".


def builder(method: str) -> str:
    """An operation's request builder: ``_build_originate``."""
    return f"_build_{method}"


def operation_constant(method: str) -> str:
    """An operation's ``_http.Operation``: ``_ORIGINATE`` (a method name is snake_case)."""
    return f"_{method.upper()}"


def keys_table(model_class: str) -> str:
    """A model's JSON keys: ``_Channel_KEYS``."""
    return f"_{model_class}_KEYS"


def values_table(enum_class: str) -> str:
    """An enum's members by value: ``_PlaybackState_VALUES``."""
    return f"_{enum_class}_VALUES"


def classes_table(model_class: str) -> str:
    """A parser's classes by discriminator value: ``_Message_CLASSES``."""
    return f"_{model_class}_CLASSES"


def async_class(resource_class: str) -> str:
    """The asyncio twin of a resource class (kept free by ``resource_class``)."""
    return f"Async{resource_class}"


ERROR_CLASSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    412: "PreconditionFailed",
    422: "UnprocessableEntity",
    429: "TooManyRequests",
    500: "InternalServerError",
    501: "Unimplemented",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}
"""The exception class of each HTTP status (``errors.ERRORS_BY_STATUS`` of the package)."""


def error_class(status: int) -> str:
    return ERROR_CLASSES.get(status, "UnexpectedStatus")
