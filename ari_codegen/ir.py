"""The intermediate representation: frozen, normalized facts about a spec.

Built by ``parse`` from validated documents; read by templates. No I/O, no template logic.
Every Python-facing name was decided by ``naming`` when the IR was built.
Tuples keep spec order throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Literal, Mapping, Union

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
    annotation: (
        str  # the Python annotation: "str", "datetime", "Channel", "list[Channel]"
    )
    item: TypeRef | None = None  # the element of a list
    model: str | None = None  # the model id of a model reference

    @property
    def element(self) -> TypeRef:
        """The innermost element type (the type itself unless it is a list)."""
        return self.item.element if self.item is not None else self


@dataclass(frozen=True)
class EnumMember:
    value: str
    py_name: str  # "NO_ANSWER"


@dataclass(frozen=True)
class Enum:
    """A LIST of allowed values, generated as a ``StrEnum``."""

    py_name: str  # "PlaybackState", "ChannelsHangupReason"
    members: tuple[EnumMember, ...]
    owner: (
        str  # what it constrains, for docs: "Playback.state", "channels.hangup(reason)"
    )


@dataclass(frozen=True)
class Allowed:
    """allowableValues: a LIST (with its Enum when the values are strings) or a RANGE."""

    kind: Literal["list", "range"]
    values: tuple[JsonScalar, ...] = ()
    minimum: float | int | None = None
    maximum: float | int | None = None
    enum: Enum | None = None


@dataclass(frozen=True)
class Property:
    name: str  # the JSON key
    py_name: str  # the dataclass field
    type: TypeRef
    required: bool
    description: str
    allowed: Allowed | None = None
    since: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    id: str  # the spec's model id
    py_name: str  # the class name
    description: str
    py_module: str  # py_module of the declaration that defines it
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
    # py_modules of other declarations that define descendants (imported by the parser)
    subtype_modules: tuple[str, ...] = ()

    @property
    def is_root(self) -> bool:
        return self.parent is None

    @property
    def all_properties(self) -> tuple[Property, ...]:
        return self.inherited + self.properties


@dataclass(frozen=True)
class ErrorResponse:
    code: int
    reason: str


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

    def located(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Api:
    path: str
    description: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Import:
    """Models that one declaration's code takes from another declaration's module."""

    py_module: str
    names: tuple[str, ...]  # class names, sorted
    # a parent class is among them: needed when the module runs, not only when it is called
    for_bases: bool = False


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
    models: tuple[Model, ...]  # defined here
    enums: tuple[Enum, ...]  # of this declaration's models and parameters
    imports: tuple[Import, ...] = ()  # models of other declarations that its models use

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for api in self.apis for op in api.operations)

    @property
    def exports(self) -> tuple[str, ...]:
        """The public names of this declaration's models module."""
        names: list[str] = [e.py_name for e in self.enums]
        for m in self.models:
            names += [m.py_name, m.py_validator] + (
                [m.py_parser] if m.py_parser else []
            )
        return tuple(names)

    def uses(self, kind: str) -> bool:
        """Does any model property of this declaration have (or contain) a type of ``kind``?"""
        return any(
            p.type.element.kind == kind for m in self.models for p in m.all_properties
        )


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

    @cached_property
    def models_by_id(self) -> Mapping[str, Model]:
        """Every model by its id (read-only)."""
        return MappingProxyType({m.id: m for m in self.models})

    def model(self, model_id: str) -> Model:
        return self.models_by_id[model_id]
