"""Stage 3, parse: validated (normalized) documents → the IR in ``ir``.

Runs only on a spec that validated without errors, so it may trust the shapes that
``validate`` checked. Names come from ``naming``; order is spec order.

The steps, each with one job:

- ``_documents``: every declaration with its name and module name, in listing order;
- ``_Models``: every model's first definition, its class name, its module and its place in
  the hierarchy; resolves a spec type to a ``TypeRef``;
- ``_allowed``: ``allowableValues`` → ``Allowed``, with its ``Enum`` for a LIST of strings;
- ``_Fields``: a model's inherited and own properties (and the enums of its own), built
  once per model, so that a subclass shares its ancestors' ``Property`` values;
- ``_ModelBuilder`` and ``_OperationBuilder``: one ``Model`` or ``Operation`` each, with
  the enums it defines;
- ``_DeclarationBuilder`` and ``_spec`` put them together; ``modules`` decides where each
  model's class lives (no two models modules import each other) and what each module imports.

Within a scope, names are first come, first served (``naming.Scope``), so the order in
which they are claimed is part of the output: model classes in spec order, then resource
classes, then enums, declaration by declaration (its models' before its parameters', an
ancestor's before its descendants'); validators and parsers declaration by declaration, a
base before its subtypes; arguments of one operation, required ones first, then the locals
of its request builder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any, Iterable, Mapping, NamedTuple

from . import ir, kinds, modules, naming
from .corrections import body_correction
from .literals import pyrepr
from .load import Document
from .validate import ValidatedSpec

_Raw = Mapping[str, Any]  # a validated JSON object
_PATH_PARAMETER = re.compile(r"\{([^{}]*)\}")


def parse(validated: ValidatedSpec, package: str = "ari_client") -> ir.Spec:
    """Build the IR of a spec that validated without errors."""
    if not validated.ok:
        raise ValueError("parse() needs a spec that validated without errors")
    documents = _documents(validated)
    classes = naming.class_scope()
    models = _Models.index(documents, classes)
    # resource classes share one namespace with models and enums (an api module imports
    # the models it returns): models keep their names, resources come next, enums last
    py_classes = [naming.resource_class(classes, doc.name) for doc in documents]
    builder = _DeclarationBuilder(models, classes)
    descriptions = _descriptions(validated)
    built = [
        builder.build(
            doc, py_class, descriptions.get(PurePosixPath(doc.source.name).name, "")
        )
        for doc, py_class in zip(documents, py_classes)
    ]
    return _spec(validated, package, builder.assemble(built))


# --- documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Document:
    """One API declaration: its names, and its validated data."""

    name: str  # from the file name: "channels", "deviceStates"
    module: str  # its py_module: "channels", "device_states"
    source: Document
    data: _Raw


def _documents(validated: ValidatedSpec) -> list[_Document]:
    modules = naming.module_scope()
    documents = []
    for source, data in validated.declarations:
        name = PurePosixPath(source.name).name.removesuffix(".json")
        documents.append(
            _Document(name, modules.claim(naming.snake(name)), source, data)
        )
    return documents


def _descriptions(validated: ValidatedSpec) -> dict[str, str]:
    """The listing's description of each declaration, by file name."""
    listing = validated.loaded.listing
    apis = listing.data.get("apis", []) if listing is not None else []
    return {
        PurePosixPath(api["path"].replace("{format}", "json")).name: api.get(
            "description", ""
        )
        for api in apis
    }


# --- models: names, modules, hierarchy, types --------------------------------------------------


@dataclass(frozen=True)
class _Models:
    """What the whole spec says about its models, decided once: ARI shares one model
    namespace across declarations, and the first definition of a model id wins."""

    raw: Mapping[str, _Raw]  # model id -> its first definition, in spec order
    classes: Mapping[str, str]  # model id -> class name
    modules: Mapping[str, str]  # model id -> py_module of the declaration defining it
    # model id -> its parent's (subTypes first, then extends)
    parents: Mapping[str, str]
    # model id -> its direct children, spec order
    children: Mapping[str, tuple[str, ...]]
    validators: Mapping[str, str] = field(default_factory=dict)  # model id -> validator
    # model id -> its parser, if any
    parsers: Mapping[str, str] = field(default_factory=dict)
    # model id -> module of its class
    homes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def index(cls, documents: list[_Document], classes: naming.Scope) -> _Models:
        """Index the models of ``documents``, claiming their class names in ``classes``."""
        raw: dict[str, _Raw] = {}
        class_of: dict[str, str] = {}
        module_of: dict[str, str] = {}
        for doc in documents:
            for key, model in doc.data.get("models", {}).items():
                if key not in raw:
                    raw[key] = model
                    class_of[key] = classes.claim(naming.pascal(key))
                    module_of[key] = doc.module
        parents: dict[str, str] = {}
        for key, model in raw.items():
            for sub in model.get("subTypes", []):
                parents.setdefault(sub, key)
        for key, model in raw.items():
            if "extends" in model:
                parents.setdefault(key, model["extends"])
        children: dict[str, list[str]] = {}
        for key in raw:
            if key in parents:
                children.setdefault(parents[key], []).append(key)
        models = cls(
            raw,
            class_of,
            module_of,
            parents,
            {key: tuple(keys) for key, keys in children.items()},
        )
        validators, parsers = models._functions(documents)
        models = replace(models, validators=validators, parsers=parsers)
        return replace(
            models,
            homes=modules.homes(
                module_of,
                {key: models.needs(key) for key in raw},
                [doc.module for doc in documents],
            ),
        )

    def _functions(
        self, documents: list[_Document]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Validators and parsers, named declaration by declaration, a base first."""
        functions = naming.function_scope()
        validators: dict[str, str] = {}
        parsers: dict[str, str] = {}
        for doc in documents:
            for key in self.defined_in(doc):
                snake = naming.snake(key)
                if self.has_parser(key):
                    parsers[key] = functions.claim(f"parse_{snake}")
                validators[key] = functions.claim(f"validate_{snake}")
        return validators, parsers

    def defined_in(self, doc: _Document) -> list[str]:
        """The models ``doc`` defines (first), in the order they are built: a base first."""
        return [
            key
            for key in self.base_first(list(doc.data.get("models", {})))
            if self.modules[key] == doc.module
        ]

    def has_parser(self, key: str) -> bool:
        """A discriminator root with subtypes decodes through a parser."""
        return (
            "discriminator" in self.raw[key]
            and key not in self.parents
            and bool(self.children.get(key))
        )

    def needs(self, key: str) -> list[str]:
        """The models whose names the code of model ``key`` uses: its ancestors (its base
        class, their properties' enums), its and their properties' models, a parser's
        descendants."""
        chain = self.ancestors(key)
        used = [
            model
            for k in [*chain, key]
            for prop in self.raw[k].get("properties", {}).values()
            for model in [self._element_model(prop["type"])]
            if model is not None
        ]
        return (
            chain + used + list(self.descendants(key) if self.has_parser(key) else ())
        )

    def _element_model(self, spec: str) -> str | None:
        while spec.startswith("List[") and spec.endswith("]"):
            spec = spec[5:-1]
        return spec if spec in self.raw else None

    def ancestors(self, key: str) -> list[str]:
        """Root first."""
        chain: list[str] = []
        while key in self.parents:
            key = self.parents[key]
            chain.insert(0, key)
        return chain

    def descendants(self, key: str) -> tuple[str, ...]:
        """Depth first, spec order."""
        return tuple(
            d for c in self.children.get(key, ()) for d in (c, *self.descendants(c))
        )

    def base_first(self, keys: list[str]) -> list[str]:
        """Spec order, except that a model comes after its ancestors among ``keys``."""
        ordered: dict[str, None] = {}
        for key in keys:
            for k in [*self.ancestors(key), key]:
                if k in keys:
                    ordered.setdefault(k)
        return list(ordered)

    def typeref(self, spec: str) -> ir.TypeRef:
        """A type as the spec writes it: ``long``, ``List[Channel]``, ``Channel``."""
        if spec.startswith("List[") and spec.endswith("]"):
            t = ir.TypeRef("list", spec, "", item=self.typeref(spec[5:-1]))
        elif spec in kinds.SPEC_TYPES:
            t = ir.TypeRef(kinds.SPEC_TYPES[spec], spec, "")  # type: ignore[arg-type]
        else:
            return ir.TypeRef(
                "model",
                spec,
                self.classes[spec],
                model=spec,
                py_validator=self.validators[spec],
                py_parser=self.parsers.get(spec),
                py_module=self.homes[spec],
            )
        return replace(t, annotation=kinds.of(t).annotation(t))


# --- allowed values -----------------------------------------------------------------------------


def _allowed(
    raw: Any, owner: str, enum_name: str, classes: naming.Scope, module: str
) -> ir.Allowed | None:
    """``allowableValues`` → ``Allowed``; a LIST of strings gets an ``Enum``, whose class
    name is claimed in ``classes``, defined in the models module ``module``."""
    if not isinstance(raw, dict):
        return None
    if raw["valueType"] == "RANGE":
        return ir.Allowed("range", minimum=raw.get("min"), maximum=raw.get("max"))
    values = tuple(raw["values"])
    enum = None
    if values and all(isinstance(v, str) for v in values):
        members = naming.member_scope()
        py_name = classes.claim(enum_name)
        enum = ir.Enum(
            py_name,
            tuple(
                ir.EnumMember(v, members.claim(naming.constant(v)))
                for v in dict.fromkeys(values)
            ),
            owner,
            py_module=module,
            py_values=naming.values_table(py_name),
        )
    return ir.Allowed("list", values=values, enum=enum)


def _enums(allowed: Iterable[ir.Allowed | None]) -> tuple[ir.Enum, ...]:
    return tuple(a.enum for a in allowed if a is not None and a.enum is not None)


# --- model properties ---------------------------------------------------------------------------


class _ModelFields(NamedTuple):
    inherited: tuple[ir.Property, ...]  # from its ancestors, root first
    own: tuple[ir.Property, ...]  # spec order, without keys an ancestor has
    enums: tuple[ir.Enum, ...]  # of its own properties

    @property
    def all(self) -> tuple[ir.Property, ...]:
        return self.inherited + self.own


class _Fields:
    """Each model's properties, built on first request: a subclass shares its ancestors'
    ``Property`` values, with their field names and enums, so an ancestor's are built first
    (also when it is defined in a later declaration)."""

    def __init__(self, models: _Models, classes: naming.Scope) -> None:
        self._models = models
        self._classes = classes
        self._built: dict[str, _ModelFields] = {}

    def of(self, key: str) -> _ModelFields:
        if key not in self._built:
            self._built[key] = self._build(key)
        return self._built[key]

    def _build(self, key: str) -> _ModelFields:
        parent = self._models.parents.get(key)
        inherited = self.of(parent).all if parent is not None else ()
        scope = naming.field_scope()
        for prop in inherited:
            scope.claim(prop.py_name)  # already safe and unique: reserves it as is
        taken = {prop.name for prop in inherited}
        own = tuple(
            self._property(key, name, raw, scope)
            for name, raw in self._models.raw[key].get("properties", {}).items()
            if name not in taken
        )
        return _ModelFields(inherited, _annotated(own), _enums(p.allowed for p in own))

    def _property(
        self, key: str, name: str, raw: _Raw, scope: naming.Scope
    ) -> ir.Property:
        allowed = _allowed(
            raw.get("allowableValues"),
            f"{key}.{name}",
            self._models.classes[key] + naming.pascal(name),
            self._classes,
            self._models.homes[key],
        )
        return ir.Property(
            name=name,
            py_name=scope.claim(naming.snake(name)),
            type=self._models.typeref(raw["type"]),
            required=bool(raw.get("required", False)),
            description=raw.get("description", ""),
            allowed=allowed,
            since=tuple(raw.get("since", ())),
        )


def _annotated(own: tuple[ir.Property, ...]) -> tuple[ir.Property, ...]:
    """Own properties with the annotations of their dataclass fields (required ones first):
    after a field named ``list``, the list type is ``builtins.list``."""
    annotations: dict[str, str] = {}
    listed = "list"
    for prop in [p for p in own if p.required] + [p for p in own if not p.required]:
        enum = prop.enum
        scalar = f"{enum.py_name} | str" if enum is not None else None
        annotations[prop.name] = kinds.of(prop.type).annotation(
            prop.type, scalar, listed
        )
        if prop.py_name == "list":
            listed = "builtins.list"
    return tuple(replace(p, annotation=annotations[p.name]) for p in own)


# --- models -------------------------------------------------------------------------------------


class _ModelBuilder:
    """``ir.Model`` values."""

    def __init__(self, models: _Models, fields: _Fields) -> None:
        self._models = models
        self._fields = fields

    def build(self, key: str) -> tuple[ir.Model, tuple[ir.Enum, ...]]:
        """The model, and the enums of its own properties."""
        models = self._models
        fields = self._fields.of(key)
        raw = models.raw[key]
        tag_key = None  # the nearest discriminator, on the model or its ancestors
        for k in [*models.ancestors(key), key]:
            tag_key = models.raw[k].get("discriminator", tag_key)
        descendants = models.descendants(key)
        parent = models.parents.get(key)
        parser = models.parsers.get(key)
        # a parser falls back to the deepest intermediate base it reached
        fallbacks = sorted(
            (k for k in descendants if models.children.get(k)),
            key=lambda k: -len(models.ancestors(k)),
        )
        model = ir.Model(
            id=key,
            py_name=models.classes[key],
            description=raw.get("description", ""),
            py_module=models.homes[key],
            properties=fields.own,
            inherited=fields.inherited,
            parent=parent,
            subtypes=models.children.get(key, ()),
            discriminator=raw.get("discriminator"),
            py_validator=models.validators[key],
            py_parser=parser,
            tag=next((p for p in fields.all if p.name == tag_key), None),
            descendants=descendants,
            fallbacks=tuple(fallbacks) if parser else (),
            source_module=models.modules[key],
            py_base=models.classes[parent] if parent is not None else "Model",
            py_keys=naming.keys_table(models.classes[key]),
            py_classes=naming.classes_table(models.classes[key]) if parser else None,
        )
        return model, fields.enums


# --- operations ---------------------------------------------------------------------------------


def _required(raw: _Raw) -> bool:
    """Path parameters are always required."""
    return bool(raw.get("required", False)) or raw["paramType"] == "path"


class _OperationBuilder:
    """``ir.Operation`` values; enums of parameters are named in the package's class scope."""

    def __init__(self, models: _Models, classes: naming.Scope) -> None:
        self._models = models
        self._classes = classes
        # a method body may call a parser (a websocket's): no argument may shadow one
        self._parsers = frozenset(models.parsers.values())

    def build(
        self, decl: _Document, path: str, raw: _Raw, methods: naming.Scope, listed: str
    ) -> tuple[ir.Operation, tuple[ir.Enum, ...]]:
        """The operation, and the enums of its parameters in the order they were named;
        ``listed`` spells the list type in its resource class (see ``_annotated``)."""
        nickname = raw["nickname"]
        py_name = methods.claim(naming.snake(nickname))
        arguments = naming.argument_scope(self._parsers)
        raws = raw.get("parameters", [])
        # required arguments come first in signatures: their names are claimed first
        order = sorted(range(len(raws)), key=lambda i: not _required(raws[i]))
        built = {
            i: self._parameter(decl, nickname, raws[i], arguments, listed)
            for i in order
        }
        parameters = tuple(built[i] for i in range(len(raws)))
        response = self._models.typeref(raw.get("responseClass", "void"))
        websocket = raw.get("upgrade") == "websocket"
        operation = ir.Operation(
            nickname=nickname,
            py_name=py_name,
            method=raw["httpMethod"],
            path=path,
            summary=raw.get("summary", ""),
            notes=raw.get("notes", ""),
            since=tuple(raw.get("since", ())),
            response=response,
            parameters=parameters,
            errors=tuple(
                ir.ErrorResponse(
                    e["code"], e.get("reason", ""), naming.error_class(e["code"])
                )
                for e in raw.get("errorResponses", [])
            ),
            upgrade=raw.get("upgrade"),
            websocket_protocol=raw.get("websocketProtocol"),
            qualified_name=f"{decl.name}.{nickname}",
            py_builder=naming.builder(py_name),
            py_operation=naming.operation_constant(py_name),
            py_locals=ir.BuilderLocals(*naming.builder_locals(arguments)),
            # the events of a websocket without a responseClass arrive as JSON values
            returns=(
                "Any"
                if websocket and response.kind == "void"
                else kinds.of(response).annotation(response, listed=listed)
            ),
            path_parts=_path_parts(path, parameters),
        )
        operation = replace(
            operation, argument_imports=modules.argument_imports(operation)
        )
        return operation, _enums(built[i].allowed for i in order)

    def _parameter(
        self,
        decl: _Document,
        nickname: str,
        raw: _Raw,
        arguments: naming.Scope,
        listed: str,
    ) -> ir.Parameter:
        name = raw["name"]
        # an enum is named after the declaration (its name up to any "."), the operation
        # and the parameter: ChannelsHangupReason
        enum_name = (
            naming.pascal(decl.name.split(".")[0])
            + naming.pascal(nickname)
            + naming.pascal(name)
        )
        allowed = _allowed(
            raw.get("allowableValues"),
            f"{decl.name}.{nickname}({name})",
            enum_name,
            self._classes,
            decl.module,
        )
        location = raw["paramType"]
        data_type = raw["dataType"]
        # what Asterisk really reads from a body, where its spec says otherwise
        correction = (
            body_correction(f"{decl.name}.{nickname}", name, data_type)
            if location == "body"
            else None
        )
        if correction is not None and correction.type is not None:
            if (
                correction.type.removeprefix("List[").rstrip("]")
                in self._models.classes
            ):
                data_type = correction.type
        required = _required(raw)
        default = raw.get("defaultValue")
        has_default = "defaultValue" in raw
        t = self._models.typeref(data_type)
        enum = allowed.enum if allowed is not None else None
        scalar = f"{enum.py_name} | {enum.literal}" if enum is not None else None
        annotation = kinds.of(t).annotation(t, scalar, listed)
        if raw.get("allowMultiple", False):
            annotation = f"{annotation} | Sequence[{annotation}]"
        if has_default and default is not None:
            py_default: str | None = pyrepr(default)
        elif not required:
            annotation, py_default = f"{annotation} | None", "None"
        else:
            py_default = None
        return ir.Parameter(
            name=name,
            py_name=arguments.claim(naming.snake(name)),
            location=location,
            type=t,
            required=required,
            allow_multiple=bool(raw.get("allowMultiple", False)),
            description=raw.get("description", ""),
            default=default,
            has_default=has_default,
            allowed=allowed,
            since=tuple(raw.get("since", ())),
            whole_body=correction is not None and correction.whole_body,
            annotation=annotation,
            py_default=py_default,
        )


def _path_parts(
    path: str, parameters: tuple[ir.Parameter, ...]
) -> tuple[ir.PathPart, ...]:
    """``/channels/{channelId}/dtmf`` → ``/channels/``, channelId, ``/dtmf``."""
    by_name = {p.name: p for p in parameters if p.location == "path"}
    parts: list[ir.PathPart] = []
    at = 0
    for match in _PATH_PARAMETER.finditer(path):
        name = match.group(1)
        if name not in by_name:  # validate makes sure this never happens
            continue
        if match.start() > at:
            parts.append(ir.PathPart(path[at : match.start()]))
        parts.append(ir.PathPart(name, by_name[name]))
        at = match.end()
    if at < len(path) or not parts:
        parts.append(ir.PathPart(path[at:]))
    return tuple(parts)


# --- declarations and the spec ------------------------------------------------------------------


class _Built(NamedTuple):
    """One declaration, before its models modules are put together."""

    doc: _Document
    py_class: str
    description: str
    models: tuple[ir.Model, ...]  # the models it defines, in the order they were built
    enums: Mapping[
        str, tuple[ir.Enum, ...]
    ]  # model id -> the enums of its own properties
    apis: tuple[ir.Api, ...]
    operation_enums: tuple[ir.Enum, ...]


class _DeclarationBuilder:
    """``ir.Declaration`` values: each declaration is built in listing order (the order in
    which enums are named), then ``assemble`` puts each models module together."""

    def __init__(self, models: _Models, classes: naming.Scope) -> None:
        self._models = models
        self._model_builder = _ModelBuilder(models, _Fields(models, classes))
        self._operation_builder = _OperationBuilder(models, classes)

    def build(self, doc: _Document, py_class: str, description: str) -> _Built:
        built = [self._model_builder.build(key) for key in self._models.defined_in(doc)]
        apis, operation_enums = self._build_apis(doc)
        return _Built(
            doc,
            py_class,
            description,
            tuple(model for model, _ in built),
            {model.id: enums for model, enums in built},
            apis,
            operation_enums,
        )

    def assemble(self, built: list[_Built]) -> tuple[ir.Declaration, ...]:
        by_id = {model.id: model for b in built for model in b.models}
        enums = {key: e for b in built for key, e in b.enums.items()}
        return tuple(self._declaration(b, by_id, enums) for b in built)

    def _declaration(
        self,
        built: _Built,
        by_id: Mapping[str, ir.Model],
        enums: Mapping[str, tuple[ir.Enum, ...]],
    ) -> ir.Declaration:
        doc, module = built.doc, built.doc.module
        # its own models that stayed, then those moved here, a base before its subtypes
        keys = [m.id for m in built.models if m.py_module == module] + [
            key
            for key, model in by_id.items()
            if model.py_module == module and model.source_module != module
        ]
        module_models = tuple(by_id[key] for key in self._models.base_first(keys))
        module_enums = tuple(e for m in module_models for e in enums[m.id])
        module_enums += built.operation_enums
        operations = tuple(op for api in built.apis for op in api.operations)
        data = doc.data
        return ir.Declaration(
            name=doc.name,
            source=doc.source.name,
            sha256=doc.source.sha256,
            py_module=module,
            py_class=built.py_class,
            description=built.description,
            api_version=str(data.get("apiVersion", "")),
            swagger_version=str(data["swaggerVersion"]),
            resource_path=str(data.get("resourcePath", "")),
            since=tuple(data.get("since", ())),
            requires_modules=tuple(data.get("requiresModules", ())),
            apis=built.apis,
            models=built.models,
            enums=module_enums,
            py_async_class=naming.async_class(built.py_class),
            module_models=module_models,
            model_imports=modules.model_imports(
                module,
                module_models,
                module_enums,
                [m for m in built.models if m.py_module != module],
                by_id,
            ),
            api_imports=modules.api_imports(operations),
        )

    def _build_apis(
        self, doc: _Document
    ) -> tuple[tuple[ir.Api, ...], tuple[ir.Enum, ...]]:
        methods = naming.method_scope()
        apis: list[ir.Api] = []
        enums: list[ir.Enum] = []
        # after a method named "list", the list type is builtins.list (see _annotated)
        listed = "list"
        for api in doc.data["apis"]:
            operations = []
            for raw in api["operations"]:
                operation, operation_enums = self._operation_builder.build(
                    doc, api["path"], raw, methods, listed
                )
                operations.append(operation)
                enums += operation_enums
                if operation.py_name == "list":
                    listed = "builtins.list"
            apis.append(
                ir.Api(api["path"], api.get("description", ""), tuple(operations))
            )
        return tuple(apis), tuple(enums)


def _spec(
    validated: ValidatedSpec, package: str, declarations: tuple[ir.Declaration, ...]
) -> ir.Spec:
    inputs = tuple(ir.Input(d.name, d.sha256) for d in validated.loaded.documents)
    fingerprint = hashlib.sha256(
        "".join(f"{i.name}\0{i.sha256}\n" for i in inputs).encode()
    ).hexdigest()
    listing = validated.loaded.listing
    # the listing's facts; for a single declaration, its own
    head = (listing.data if listing is not None else {}) or (
        validated.declarations[0][1] if validated.declarations else {}
    )
    return ir.Spec(
        package=package,
        api_version=str(head.get("apiVersion", "")),
        swagger_version=str(head.get("swaggerVersion", "")),
        base_path=str(head.get("basePath", "")),
        declarations=declarations,
        inputs=inputs,
        fingerprint=fingerprint,
    )
