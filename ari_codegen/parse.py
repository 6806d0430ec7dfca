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
- ``_DeclarationBuilder``, ``_imports`` and ``_spec`` put them together.

Within a scope, names are first come, first served (``naming.Scope``), so the order in
which they are claimed is part of the output: model classes in spec order, then resource
classes, then enums, declaration by declaration (its models' before its parameters', an
ancestor's before its descendants'); validators and parsers as the models are built;
arguments of one operation, required ones first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any, Iterable, Mapping, NamedTuple

from . import ir, kinds, naming
from .corrections import body_correction
from .load import Document
from .validate import ValidatedSpec

_Raw = Mapping[str, Any]  # a validated JSON object


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
    declarations = tuple(
        builder.build(
            doc, py_class, descriptions.get(PurePosixPath(doc.source.name).name, "")
        )
        for doc, py_class in zip(documents, py_classes)
    )
    return _spec(validated, package, declarations)


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
    parents: Mapping[
        str, str
    ]  # model id -> its parent's (subTypes first, then extends)
    children: Mapping[
        str, tuple[str, ...]
    ]  # model id -> its direct children, spec order

    @classmethod
    def index(cls, documents: Iterable[_Document], classes: naming.Scope) -> _Models:
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
        return cls(
            raw,
            class_of,
            module_of,
            parents,
            {key: tuple(keys) for key, keys in children.items()},
        )

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
            return ir.TypeRef("model", spec, self.classes[spec], model=spec)
        return replace(t, annotation=kinds.of(t).annotation(t))


# --- allowed values -----------------------------------------------------------------------------


def _allowed(
    raw: Any, owner: str, enum_name: str, classes: naming.Scope
) -> ir.Allowed | None:
    """``allowableValues`` → ``Allowed``; a LIST of strings gets an ``Enum``, whose class
    name is claimed in ``classes``."""
    if not isinstance(raw, dict):
        return None
    if raw["valueType"] == "RANGE":
        return ir.Allowed("range", minimum=raw.get("min"), maximum=raw.get("max"))
    values = tuple(raw["values"])
    enum = None
    if values and all(isinstance(v, str) for v in values):
        members = naming.member_scope()
        enum = ir.Enum(
            classes.claim(enum_name),
            tuple(
                ir.EnumMember(v, members.claim(naming.constant(v)))
                for v in dict.fromkeys(values)
            ),
            owner,
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
        return _ModelFields(inherited, own, _enums(p.allowed for p in own))

    def _property(
        self, key: str, name: str, raw: _Raw, scope: naming.Scope
    ) -> ir.Property:
        allowed = _allowed(
            raw.get("allowableValues"),
            f"{key}.{name}",
            self._models.classes[key] + naming.pascal(name),
            self._classes,
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


# --- models -------------------------------------------------------------------------------------


class _ModelBuilder:
    """``ir.Model`` values; validators and parsers are named in one package-wide scope."""

    def __init__(self, models: _Models, fields: _Fields) -> None:
        self._models = models
        self._fields = fields
        self._functions = naming.function_scope()

    def build(self, key: str) -> tuple[ir.Model, tuple[ir.Enum, ...]]:
        """The model, and the enums of its own properties."""
        models = self._models
        fields = self._fields.of(key)
        raw = models.raw[key]
        module = models.modules[key]
        tag_key = None  # the nearest discriminator, on the model or its ancestors
        for k in [*models.ancestors(key), key]:
            tag_key = models.raw[k].get("discriminator", tag_key)
        descendants = models.descendants(key)
        snake = naming.snake(key)
        parser = None
        if "discriminator" in raw and key not in models.parents and descendants:
            parser = self._functions.claim(f"parse_{snake}")
        validator = self._functions.claim(f"validate_{snake}")
        # a parser falls back to the deepest intermediate base it reached
        fallbacks = sorted(
            (k for k in descendants if models.children.get(k)),
            key=lambda k: -len(models.ancestors(k)),
        )
        model = ir.Model(
            id=key,
            py_name=models.classes[key],
            description=raw.get("description", ""),
            py_module=module,
            properties=fields.own,
            inherited=fields.inherited,
            parent=models.parents.get(key),
            subtypes=models.children.get(key, ()),
            discriminator=raw.get("discriminator"),
            py_validator=validator,
            py_parser=parser,
            tag=next((p for p in fields.all if p.name == tag_key), None),
            descendants=descendants,
            fallbacks=tuple(fallbacks) if parser else (),
            subtype_modules=tuple(
                dict.fromkeys(
                    models.modules[k]
                    for k in descendants
                    if models.modules[k] != module
                )
            ),
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

    def build(
        self, decl: str, path: str, raw: _Raw, methods: naming.Scope
    ) -> tuple[ir.Operation, tuple[ir.Enum, ...]]:
        """The operation, and the enums of its parameters in the order they were named."""
        nickname = raw["nickname"]
        py_name = methods.claim(naming.snake(nickname))
        arguments = naming.argument_scope()
        raws = raw.get("parameters", [])
        # required arguments come first in signatures: their names are claimed first
        order = sorted(range(len(raws)), key=lambda i: not _required(raws[i]))
        built = {i: self._parameter(decl, nickname, raws[i], arguments) for i in order}
        operation = ir.Operation(
            nickname=nickname,
            py_name=py_name,
            method=raw["httpMethod"],
            path=path,
            summary=raw.get("summary", ""),
            notes=raw.get("notes", ""),
            since=tuple(raw.get("since", ())),
            response=self._models.typeref(raw.get("responseClass", "void")),
            parameters=tuple(built[i] for i in range(len(raws))),
            errors=tuple(
                ir.ErrorResponse(e["code"], e.get("reason", ""))
                for e in raw.get("errorResponses", [])
            ),
            upgrade=raw.get("upgrade"),
            websocket_protocol=raw.get("websocketProtocol"),
        )
        return operation, _enums(built[i].allowed for i in order)

    def _parameter(
        self, decl: str, nickname: str, raw: _Raw, arguments: naming.Scope
    ) -> ir.Parameter:
        name = raw["name"]
        # an enum is named after the declaration (its name up to any "."), the operation
        # and the parameter: ChannelsHangupReason
        enum_name = (
            naming.pascal(decl.split(".")[0])
            + naming.pascal(nickname)
            + naming.pascal(name)
        )
        allowed = _allowed(
            raw.get("allowableValues"),
            f"{decl}.{nickname}({name})",
            enum_name,
            self._classes,
        )
        location = raw["paramType"]
        data_type = raw["dataType"]
        # what Asterisk really reads from a body, where its spec says otherwise
        correction = (
            body_correction(f"{decl}.{nickname}", name, data_type)
            if location == "body"
            else None
        )
        if correction is not None and correction.type is not None:
            if (
                correction.type.removeprefix("List[").rstrip("]")
                in self._models.classes
            ):
                data_type = correction.type
        return ir.Parameter(
            name=name,
            py_name=arguments.claim(naming.snake(name)),
            location=location,
            type=self._models.typeref(data_type),
            required=_required(raw),
            allow_multiple=bool(raw.get("allowMultiple", False)),
            description=raw.get("description", ""),
            default=raw.get("defaultValue"),
            has_default="defaultValue" in raw,
            allowed=allowed,
            since=tuple(raw.get("since", ())),
            whole_body=correction is not None and correction.whole_body,
        )


# --- declarations and the spec ------------------------------------------------------------------


class _DeclarationBuilder:
    """``ir.Declaration`` values, one after the other in listing order (the order in which
    their enums, validators and parsers are named)."""

    def __init__(self, models: _Models, classes: naming.Scope) -> None:
        self._models = models
        self._model_builder = _ModelBuilder(models, _Fields(models, classes))
        self._operation_builder = _OperationBuilder(models, classes)

    def build(self, doc: _Document, py_class: str, description: str) -> ir.Declaration:
        models, model_enums = self._build_models(doc)
        apis, operation_enums = self._build_apis(doc)
        data = doc.data
        return ir.Declaration(
            name=doc.name,
            source=doc.source.name,
            sha256=doc.source.sha256,
            py_module=doc.module,
            py_class=py_class,
            description=description,
            api_version=str(data.get("apiVersion", "")),
            swagger_version=str(data["swaggerVersion"]),
            resource_path=str(data.get("resourcePath", "")),
            since=tuple(data.get("since", ())),
            requires_modules=tuple(data.get("requiresModules", ())),
            apis=apis,
            models=models,
            enums=model_enums + operation_enums,
            imports=_imports(doc.module, models, self._models),
        )

    def _build_models(
        self, doc: _Document
    ) -> tuple[tuple[ir.Model, ...], tuple[ir.Enum, ...]]:
        """The models this declaration defines (first), a base before its subtypes."""
        keys = [
            key
            for key in self._models.base_first(list(doc.data.get("models", {})))
            if self._models.modules[key] == doc.module
        ]
        built = [self._model_builder.build(key) for key in keys]
        return (
            tuple(model for model, _ in built),
            tuple(enum for _, enums in built for enum in enums),
        )

    def _build_apis(
        self, doc: _Document
    ) -> tuple[tuple[ir.Api, ...], tuple[ir.Enum, ...]]:
        methods = naming.method_scope()
        apis: list[ir.Api] = []
        enums: list[ir.Enum] = []
        for api in doc.data["apis"]:
            operations = []
            for raw in api["operations"]:
                operation, operation_enums = self._operation_builder.build(
                    doc.name, api["path"], raw, methods
                )
                operations.append(operation)
                enums += operation_enums
            apis.append(
                ir.Api(api["path"], api.get("description", ""), tuple(operations))
            )
        return tuple(apis), tuple(enums)


def _imports(
    module: str, models: Iterable[ir.Model], index: _Models
) -> tuple[ir.Import, ...]:
    """The models of other declarations that the models of ``module`` use, by module."""
    needed: dict[str, set[str]] = {}
    bases: set[str] = set()
    for model in models:
        if model.parent is not None and index.modules[model.parent] != module:
            bases.add(index.modules[model.parent])
        used = [p.type.element.model for p in model.all_properties]
        # descendants are imported where the parser needs them, at its first call, so
        # that a subtype's module (which needs this one for its base class) may import it
        for key in [*used, model.parent]:
            if key is not None and index.modules[key] != module:
                needed.setdefault(index.modules[key], set()).add(index.classes[key])
    return tuple(
        ir.Import(m, tuple(sorted(names)), m in bases)
        for m, names in sorted(needed.items())
    )


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
