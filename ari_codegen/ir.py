"""The intermediate representation: frozen, normalized facts about a spec.

Built by ``parse`` from validated documents; read by templates, which only lay it out.
Every Python-facing name was decided by ``naming`` when the IR was built, every annotation
and import by ``parse``; the Python source of one value of a type (decode, encode, checks)
comes from the type's kind in ``kinds``, through the small methods below. Tuples keep spec
order throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Literal, Mapping, Union

from . import kinds
from .layout import Bracket, TupleDisplay
from .literals import pyrepr, pystr

JsonScalar = Union[str, int, float, bool]
TypeKind = Literal[
    "string", "int", "double", "boolean", "date", "object", "containers", "model", "list",
    "void", "binary",
]  # fmt: skip


@dataclass(frozen=True)
class TypeRef:
    """A Swagger type. ``kind`` says what it is; ``spec`` is how the spec wrote it."""

    kind: TypeKind
    spec: str  # "string", "long", "Date", "Channel", "List[Channel]", "void"
    # the Python annotation: "str", "datetime", "Channel", "list[Channel]"
    annotation: str
    item: TypeRef | None = None  # the element of a list
    model: str | None = None  # the model id of a model reference
    py_validator: str | None = None  # of a model reference: "validate_channel"
    # of a model reference that has a parser: "parse_message"
    py_parser: str | None = None
    py_module: str | None = None  # of a model reference: the models module of its class

    @property
    def element(self) -> TypeRef:
        """The innermost element type (the type itself unless it is a list)."""
        return self.item.element if self.item is not None else self

    @property
    def converts(self) -> bool:
        """Does decoding a value of this type build new objects (models, datetimes)?"""
        return kinds.of(self.element).converts

    @property
    def noun(self) -> str:
        """For messages: ``a string``, ``an integer``, ``an array``."""
        return kinds.of(self).noun


@dataclass(frozen=True)
class EnumMember:
    value: str
    py_name: str  # "NO_ANSWER"


@dataclass(frozen=True)
class Enum:
    """A LIST of allowed values, generated as a ``StrEnum``."""

    py_name: str  # "PlaybackState", "ChannelsHangupReason"
    members: tuple[EnumMember, ...]
    # what it constrains, for docs: "Playback.state", "channels.hangup(reason)"
    owner: str
    py_module: str = ""  # the models module that defines it
    py_values: str = ""  # its decoding table, value -> member: "_PlaybackState_VALUES"

    @property
    def literal(self) -> str:
        """``Literal["a", "b"]``: its values, for an argument's annotation."""
        return f"Literal[{', '.join(pystr(m.value) for m in self.members)}]"


@dataclass(frozen=True)
class Allowed:
    """allowableValues: a LIST (with its Enum when the values are strings) or a RANGE."""

    kind: Literal["list", "range"]
    values: tuple[JsonScalar, ...] = ()
    minimum: float | int | None = None
    maximum: float | int | None = None
    enum: Enum | None = None

    @property
    def range_text(self) -> str:
        """``[0, inf]``"""
        return kinds.range_text(self)


@dataclass(frozen=True)
class Property:
    name: str  # the JSON key
    py_name: str  # the dataclass field
    type: TypeRef
    required: bool
    description: str
    allowed: Allowed | None = None
    since: tuple[str, ...] = ()
    # the field's annotation, without "| None": "str", "PlaybackState | str", "list[Channel]"
    annotation: str = ""

    @property
    def enum(self) -> Enum | None:
        """The enum of a LIST of strings on (a list of) strings."""
        enum = self.allowed.enum if self.allowed is not None else None
        return enum if self.type.element.kind == "string" else None

    # code of one JSON value ``x`` of this property, for the models templates

    def wrong_json(self, x: str) -> str | None:
        """True when ``x`` cannot be a value (shallow); None: ``decode`` checks it itself."""
        return kinds.of(self.type).wrong_json(self.type, x)

    def decode(self, x: str) -> str:
        return kinds.of(self.type).decode(self.type, x, self.enum)

    @property
    def decodes(self) -> bool:
        """Does decoding change the JSON value (models, dates, enum members)?"""
        return self.type.converts or self.enum is not None

    def encode(self, x: str) -> str:
        return kinds.of(self.type).encode(self.type, x, self.enum)

    def validation(self, x: str = "value", path: str = "path") -> tuple[str, ...]:
        """Validator statements: the JSON value ``x`` (``MISSING`` when the key is absent)
        of the object at problem path ``path``; problems go to the list ``problems``."""
        return kinds.property_validation(self, x, path)


@dataclass(frozen=True)
class Model:
    id: str  # the spec's model id
    py_name: str  # the class name
    description: str
    # the models module its class is defined in: that of the declaration defining it, unless
    # it was moved to break an import cycle (see source_module)
    py_module: str
    properties: tuple[Property, ...]  # its own, in spec order
    inherited: tuple[Property, ...] = ()  # from its ancestors, root first
    parent: str | None = None  # model id of the parent (subTypes or extends)
    subtypes: tuple[str, ...] = ()  # model ids of direct children, in spec order
    discriminator: str | None = None  # JSON key, on the model that declares it
    py_validator: str = ""  # "validate_channel"
    # "parse_message", on a discriminator root with subtypes
    py_parser: str | None = None
    # the discriminator property, on every model of a hierarchy
    tag: Property | None = None
    # model ids below this one, depth first, spec order
    descendants: tuple[str, ...] = ()
    # for a parser: intermediate bases, deepest first
    fallbacks: tuple[str, ...] = ()
    # py_module of the declaration that defines it (its JSON Schema's document)
    source_module: str = ""
    py_base: str = "Model"  # its base class: its parent's class, or the runtime's Model
    py_keys: str = ""  # the frozenset of its JSON keys: "_Channel_KEYS"
    # for a parser: the table of its descendants by tag, "_Message_CLASSES"
    py_classes: str | None = None

    @property
    def is_root(self) -> bool:
        return self.parent is None

    @property
    def all_properties(self) -> tuple[Property, ...]:
        return self.inherited + self.properties

    @property
    def fields(self) -> tuple[Property, ...]:
        """Its own properties in the order of its dataclass fields: required ones first."""
        return tuple(p for p in self.properties if p.required) + tuple(
            p for p in self.properties if not p.required
        )

    @property
    def required_properties(self) -> tuple[Property, ...]:
        return tuple(p for p in self.all_properties if p.required)

    @property
    def optional_properties(self) -> tuple[Property, ...]:
        return tuple(p for p in self.all_properties if not p.required)


@dataclass(frozen=True)
class ErrorResponse:
    code: int
    reason: str
    py_class: str = "UnexpectedStatus"  # the exception of the status: "NotFound"

    @property
    def py_entry(self) -> str:
        """Its entry in an operation's ``errors``: ``404: "Channel not found"``."""
        return f"{self.code}: {pystr(self.reason)}"


@dataclass(frozen=True)
class Parameter:
    name: str  # as sent on the wire
    py_name: str  # the keyword argument
    location: Literal["path", "query", "body", "header", "form"]
    type: TypeRef  # for allow_multiple, the type of one value
    required: bool
    allow_multiple: bool
    description: str
    default: JsonScalar | None = None
    has_default: bool = False
    allowed: Allowed | None = None
    since: tuple[str, ...] = ()
    # a body parameter whose value is the whole JSON body, not the value of a key named like
    # the parameter (what Asterisk really reads: ari_codegen.corrections)
    whole_body: bool = False
    # in signatures: "str", "int | None", "ChannelsHangupReason | Literal[...]", "str | Sequence[str]"
    annotation: str = ""
    py_default: str | None = None  # in signatures, as Python source: "None", '"a"', "5"

    @property
    def enum(self) -> Enum | None:
        return self.allowed.enum if self.allowed is not None else None

    @property
    def route_arguments(self) -> tuple[object, ...]:
        """The arguments of its ``Param(...)`` in the route table (``_spec.py``): name,
        location, type, required, allowMultiple, then its allowed values (a ``TupleDisplay``), or
        ``()`` and its range, and ``whole_body``."""
        arguments: list[object] = [
            pystr(self.name),
            pystr(self.location),
            pystr(self.type.kind),
            self.required,
            self.allow_multiple,
        ]
        if self.allowed is not None and self.allowed.kind == "list":
            arguments.append(TupleDisplay(map(pyrepr, self.allowed.values)))
        elif self.allowed is not None and self.allowed.kind == "range":
            arguments += [
                "()",
                pyrepr(self.allowed.minimum),
                pyrepr(self.allowed.maximum),
            ]
        if self.whole_body:
            arguments.append("whole_body=True")
        return tuple(arguments)

    @property
    def py_since_entry(self) -> str:
        """Its entry in an operation's ``param_since``: ``"media": ("12.0.0",)``."""
        return f"{pystr(self.name)}: {pyrepr(self.since)}"


@dataclass(frozen=True)
class PathPart:
    """A piece of an operation's path: literal text, or the value of a path parameter."""

    text: str  # "/channels/", or the parameter's name
    parameter: Parameter | None = None


@dataclass(frozen=True)
class BuilderLocals:
    """Local names of an operation's request builder, claimed after its arguments' names."""

    problems: str = "problems"
    query: str = "query"
    body: str = "json_body"
    values: str = "values"


@dataclass(frozen=True)
class Operation:
    nickname: str
    py_name: str  # the method name: "originate", "external_media"
    method: str  # "GET", "POST", ...
    path: str  # "/channels/{channelId}"
    summary: str
    notes: str
    since: tuple[str, ...]
    response: TypeRef
    parameters: tuple[Parameter, ...]
    errors: tuple[ErrorResponse, ...]
    upgrade: str | None = None  # "websocket"
    websocket_protocol: str | None = None
    qualified_name: str = ""  # "channels.originate": declaration name and nickname
    py_builder: str = ""  # its request builder: "_build_originate"
    py_operation: str = ""  # its module-level _http.Operation: "_ORIGINATE"
    py_locals: BuilderLocals = BuilderLocals()
    # what the method returns: "Channel", "list[Channel]", "None"; for a websocket, each event
    returns: str = "None"
    path_parts: tuple[PathPart, ...] = ()
    # what the annotations of its arguments need, as a module at the package's root imports
    # them (the client's ``run`` takes the arguments of the events websocket)
    argument_imports: tuple[Import, ...] = ()

    def located(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    @property
    def required_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.required)

    @property
    def optional_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if not p.required)

    @property
    def query_parameters(self) -> tuple[Parameter, ...]:
        """Those sent in the query string: query, header and form parameters (as ARI reads
        them)."""
        return tuple(
            p for p in self.parameters if p.location in ("query", "header", "form")
        )

    @property
    def parameters_since(self) -> tuple[Parameter, ...]:
        """Those that name the Asterisk versions that introduced them."""
        return tuple(p for p in self.parameters if p.since)

    @property
    def arguments(self) -> tuple[Parameter, ...]:
        """The parameters in signature order: required ones, then the optional ones."""
        return self.required_parameters + self.optional_parameters

    @property
    def method_parameters(self) -> tuple[str, ...]:
        """The client method's parameters after ``self``: the required ones, then ``*`` and
        the optional ones, with their annotations and defaults."""

        def written(p: Parameter) -> str:
            default = f" = {p.py_default}" if p.py_default is not None else ""
            return f"{p.py_name}: {p.annotation}{default}"

        optional = [written(p) for p in self.optional_parameters]
        return (
            *(written(p) for p in self.required_parameters),
            *(["*", *optional] if optional else []),
        )

    @property
    def builder_parameters(self) -> tuple[str, ...]:
        """The request builder's parameters: every argument keyword-only, annotated."""
        if not self.parameters:
            return ()
        return ("*", *(f"{p.py_name}: {p.annotation}" for p in self.arguments))

    @property
    def call_arguments(self) -> tuple[str, ...]:
        """Every argument passed on by keyword: ``("channel_id=channel_id", ...)``."""
        return tuple(f"{p.py_name}={p.py_name}" for p in self.arguments)

    @property
    def route_parameters(self) -> TupleDisplay:
        """Its parameters in the route table (``_spec.py``): a tuple of ``Param(...)``."""
        return TupleDisplay(
            Bracket("Param(", p.route_arguments, ")") for p in self.parameters
        )

    @property
    def is_websocket(self) -> bool:
        return self.upgrade == "websocket"

    @property
    def has_result(self) -> bool:
        """Does its method return a value (a responseClass other than void)?"""
        return self.response.kind != "void"

    # code for the api templates

    def argument_check(self, parameter: Parameter) -> tuple[str, ...]:
        """Builder statements that check one argument and put it in the request."""
        return kinds.argument_check(parameter, self.py_locals)

    @property
    def path_code(self) -> str:
        """The request's path, from the path parameters: ``"/channels/" + _http.segment(x)``."""
        return kinds.path_code(self.path_parts)

    @property
    def request_type(self) -> str:
        """``T`` of the builder's ``_http.Request[T]``."""
        return "Any" if self.is_websocket else self.returns

    @property
    def decoder(self) -> str:
        """The ``_http`` decoder of a response body."""
        return "_http.json_value" if self.is_websocket else kinds.decoder(self.response)

    @property
    def frame_parser(self) -> str:
        """For a websocket: one decoded message -> its event."""
        return kinds.frame_parser(self.response)

    def stream_type(self, asynchronous: bool = False) -> str:
        """For a websocket: what its method returns, the stream of its events,
        ``EventStream[Message]`` (``AsyncEventStream[Message]`` on an asyncio resource).
        """
        stream = "AsyncEventStream" if asynchronous else "EventStream"
        return f"{stream}[{self.returns}]"


@dataclass(frozen=True)
class Api:
    path: str
    description: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Import:
    """One import statement of a generated module: ``from module import names``, or
    ``import module`` when ``names`` is empty."""

    # as written: "typing", "collections.abc", "..models.channels", ".channels"
    module: str
    names: tuple[str, ...] = ()  # sorted: constants, classes, then functions
    # needed by the type checker only: under ``if TYPE_CHECKING:``
    type_checking: bool = False
    # the names are part of the module's interface (``Name as Name``)
    reexport: bool = False

    @property
    def imported(self) -> tuple[str, ...]:
        """The names as the statement lists them: ``Name``, or ``Name as Name``."""
        return tuple(f"{n} as {n}" if self.reexport else n for n in self.names)


@dataclass(frozen=True)
class Declaration:
    """One API declaration (one resource): ``api-docs/channels.json``."""

    name: str  # "channels", from the file name
    source: str  # "api-docs/channels.json"
    sha256: str
    py_module: str  # "channels", "device_states"
    py_class: str  # "Channels", "DeviceStates"
    description: str  # from the listing
    api_version: str
    swagger_version: str
    resource_path: str
    since: tuple[str, ...]
    requires_modules: tuple[str, ...]
    apis: tuple[Api, ...]
    models: tuple[Model, ...]  # defined here in the spec (its JSON Schema's)
    enums: tuple[Enum, ...]  # that its models module defines
    py_async_class: str = ""  # "AsyncChannels"
    # the models whose classes its models module defines, a base before its subtypes
    module_models: tuple[Model, ...] = ()
    model_imports: tuple[Import, ...] = ()  # of its models module
    api_imports: tuple[Import, ...] = ()  # of its api module

    @cached_property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for api in self.apis for op in api.operations)

    @property
    def call_operation(self) -> Operation | None:
        """The first websocket operation: what calling the resource opens."""
        return next((op for op in self.operations if op.is_websocket), None)

    @property
    def exports(self) -> tuple[str, ...]:
        """The public names its models module defines."""
        names: list[str] = [e.py_name for e in self.enums]
        for m in self.module_models:
            names += [m.py_name, m.py_validator] + (
                [m.py_parser] if m.py_parser else []
            )
        return tuple(names)

    def uses(self, kind: str) -> bool:
        """Does a model of its models module have a property of (or containing) ``kind``?"""
        return any(
            p.type.element.kind == kind
            for m in self.module_models
            for p in m.all_properties
        )


@dataclass(frozen=True)
class ClientMethod:
    """An operation as a client reaches it: ``client.<declaration.py_module>.<operation.py_name>``."""

    declaration: Declaration
    operation: Operation

    @property
    def py_path(self) -> str:
        """Its method from a client: ``channels.list``, ``events.event_websocket``."""
        return f"{self.declaration.py_module}.{self.operation.py_name}"


# what the clients' detect_server_version asks: ARI's AsteriskInfo, whose system has a version
SERVER_INFO_ROUTE = ("GET", "/asterisk/info")


@dataclass(frozen=True)
class Input:
    name: str
    sha256: str


@dataclass(frozen=True)
class Spec:
    """A whole listing (or one declaration), ready to render."""

    package: str  # the generated package's import name
    api_version: str
    swagger_version: str
    base_path: str
    declarations: tuple[Declaration, ...]
    inputs: tuple[Input, ...]
    fingerprint: str  # sha256 over the inputs' names and hashes

    @property
    def models(self) -> tuple[Model, ...]:
        return tuple(m for d in self.declarations for m in d.models)

    @property
    def enums(self) -> tuple[Enum, ...]:
        return tuple(e for d in self.declarations for e in d.enums)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for d in self.declarations for op in d.operations)

    @cached_property
    def resources(self) -> tuple[Declaration, ...]:
        """The declarations with operations: each is a resource class of the clients."""
        return tuple(d for d in self.declarations if d.operations)

    @cached_property
    def client_methods(self) -> tuple[ClientMethod, ...]:
        """Every operation as a client reaches it (``client.channels.list``), spec order."""
        return tuple(
            ClientMethod(d, op) for d in self.declarations for op in d.operations
        )

    @property
    def events_websocket(self) -> ClientMethod | None:
        """The first websocket operation of the spec: what the clients' ``run()`` opens."""
        return next((m for m in self.client_methods if m.operation.is_websocket), None)

    @property
    def server_info(self) -> ClientMethod | None:
        """``GET /asterisk/info``: what the clients' ``detect_server_version()`` calls."""
        return next(
            (
                m
                for m in self.client_methods
                if (m.operation.method, m.operation.path) == SERVER_INFO_ROUTE
            ),
            None,
        )

    @cached_property
    def models_by_id(self) -> Mapping[str, Model]:
        """Every model by its id (read-only)."""
        return MappingProxyType({m.id: m for m in self.models})

    def model(self, model_id: str) -> Model:
        return self.models_by_id[model_id]
