"""Stage 3, parse: validated (normalized) documents → the IR in ``ir``.

Runs only on a spec that validated without errors, so it may trust the shapes that
``validate`` checked. Names come from ``naming``; order is spec order.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import PurePosixPath
from typing import Any

from . import ir, naming
from .corrections import body_correction
from .validate import ValidatedSpec

_KIND = {
    "string": "string",
    "int": "int",
    "long": "int",
    "double": "double",
    "float": "double",
    "boolean": "boolean",
    "Date": "date",
    "object": "object",
    "containers": "containers",
    "void": "void",
    "binary": "binary",
}


class _Builder:
    def __init__(self, validated: ValidatedSpec, package: str) -> None:
        self.validated = validated
        self.package = package
        self.classes = naming.class_scope()
        self.functions = naming.function_scope()
        self.model_classes: dict[str, str] = {}  # model id -> class name
        self.model_parent: dict[str, str] = {}
        self.raw_models: dict[str, dict[str, Any]] = {}
        self.module_of: dict[str, str] = {}  # model id -> py_module of its declaration
        self.model_children: dict[str, list[str]] = {}
        self.fields_of: dict[
            str, tuple[tuple[ir.Property, ...], tuple[ir.Property, ...]]
        ] = {}
        self.enums_of: dict[str, list[ir.Enum]] = (
            {}
        )  # model id -> enums of its own fields

    # -- types -------------------------------------------------------------------------------

    def typeref(self, spec: str) -> ir.TypeRef:
        if spec.startswith("List[") and spec.endswith("]"):
            item = self.typeref(spec[5:-1])
            return ir.TypeRef(
                "list", spec, naming.annotation("list", item=item.annotation), item=item
            )
        if spec in _KIND:
            kind = _KIND[spec]
            return ir.TypeRef(kind, spec, naming.annotation(kind))  # type: ignore[arg-type]
        cls = self.model_classes[spec]
        return ir.TypeRef("model", spec, naming.annotation("model", cls), model=spec)

    def allowed(self, raw: Any, owner: str, enum_name: str) -> ir.Allowed | None:
        if not isinstance(raw, dict):
            return None
        if raw["valueType"] == "RANGE":
            return ir.Allowed("range", minimum=raw.get("min"), maximum=raw.get("max"))
        values = tuple(raw["values"])
        enum = None
        if values and all(isinstance(v, str) for v in values):
            members = naming.member_scope()
            enum = ir.Enum(
                self.classes.claim(enum_name),
                tuple(
                    ir.EnumMember(v, members.claim(naming.constant(v)))
                    for v in dict.fromkeys(values)
                ),
                owner,
            )
        return ir.Allowed("list", values=values, enum=enum)

    # -- models ------------------------------------------------------------------------------

    def name_models(self) -> None:
        for _, data in self.validated.declarations:
            for key, model in data.get("models", {}).items():
                if key not in self.model_classes:
                    self.model_classes[key] = self.classes.claim(naming.pascal(key))
                    self.raw_models[key] = model
        for key, model in self.raw_models.items():
            for sub in model.get("subTypes", []):
                self.model_parent.setdefault(sub, key)
        for key, model in self.raw_models.items():
            if "extends" in model:
                self.model_parent.setdefault(key, model["extends"])
        for key in self.raw_models:  # children in spec order, looked up once per model
            if key in self.model_parent:
                self.model_children.setdefault(self.model_parent[key], []).append(key)

    def ancestors(self, key: str) -> list[str]:
        chain: list[str] = []
        while key in self.model_parent:
            key = self.model_parent[key]
            chain.insert(0, key)
        return chain

    def properties(
        self, key: str, model: dict[str, Any], scope: naming.Scope, enums: list[ir.Enum]
    ) -> tuple[ir.Property, ...]:
        result = []
        for name, prop in model.get("properties", {}).items():
            allowed = self.allowed(
                prop.get("allowableValues"),
                f"{key}.{name}",
                self.model_classes[key] + naming.pascal(name),
            )
            if allowed is not None and allowed.enum is not None:
                enums.append(allowed.enum)
            result.append(
                ir.Property(
                    name=name,
                    py_name=scope.claim(naming.snake(name)),
                    type=self.typeref(prop["type"]),
                    required=bool(prop.get("required", False)),
                    description=prop.get("description", ""),
                    allowed=allowed,
                    since=tuple(prop.get("since", ())),
                )
            )
        return tuple(result)

    def children(self, key: str) -> list[str]:
        return self.model_children.get(key, [])

    def descendants(self, key: str) -> tuple[str, ...]:
        return tuple(d for c in self.children(key) for d in (c, *self.descendants(c)))

    def fields(
        self, key: str
    ) -> tuple[tuple[ir.Property, ...], tuple[ir.Property, ...]]:
        """A model's (inherited, own) properties, built once: a subclass shares its
        ancestors' Property values, with their field names and enums."""
        if key not in self.fields_of:
            parent = self.model_parent.get(key)
            inherited: tuple[ir.Property, ...] = ()
            if parent is not None:
                inherited = sum(self.fields(parent), ())
            scope = naming.field_scope()
            for prop in inherited:
                scope.claim(prop.py_name)  # already safe and unique: reserves it as is
            names = {prop.name for prop in inherited}
            raw = self.raw_models[key].get("properties", {})
            own_raw = {"properties": {k: v for k, v in raw.items() if k not in names}}
            self.enums_of[key] = []
            own = self.properties(key, own_raw, scope, self.enums_of[key])
            self.fields_of[key] = (inherited, own)
        return self.fields_of[key]

    def model(self, key: str, module: str, enums: list[ir.Enum]) -> ir.Model:
        inherited, own = self.fields(key)
        enums.extend(self.enums_of[key])
        tag_key = None
        for ancestor in self.ancestors(key):
            tag_key = self.raw_models[ancestor].get("discriminator", tag_key)
        raw = self.raw_models[key]
        tag_key = raw.get("discriminator", tag_key)
        tag = next((p for p in inherited + own if p.name == tag_key), None)
        snake = naming.snake(key)
        descendants = self.descendants(key)
        parser = None
        if "discriminator" in raw and key not in self.model_parent and descendants:
            parser = self.functions.claim(f"parse_{snake}")
        fallbacks = sorted(
            (k for k in descendants if self.children(k)),
            key=lambda k: -len(self.ancestors(k)),
        )
        return ir.Model(
            id=key,
            py_name=self.model_classes[key],
            description=raw.get("description", ""),
            declaration=module,
            properties=own,
            inherited=inherited,
            parent=self.model_parent.get(key),
            subtypes=tuple(self.children(key)),
            discriminator=raw.get("discriminator"),
            py_validator=self.functions.claim(f"validate_{snake}"),
            py_parser=parser,
            tag=tag,
            descendants=descendants,
            fallbacks=tuple(fallbacks) if parser else (),
            subtype_modules=tuple(
                dict.fromkeys(
                    self.module_of[k]
                    for k in descendants
                    if self.module_of[k] != module
                )
            ),
        )

    # -- operations ----------------------------------------------------------------------------

    def parameter(
        self,
        op_name: str,
        raw: dict[str, Any],
        scope: naming.Scope,
        enums: list[ir.Enum],
        owner: str,
    ) -> ir.Parameter:
        allowed = self.allowed(
            raw.get("allowableValues"),
            f"{owner}({raw['name']})",
            naming.pascal(owner.split(".")[0])
            + naming.pascal(op_name)
            + naming.pascal(raw["name"]),
        )
        if allowed is not None and allowed.enum is not None:
            enums.append(allowed.enum)
        location = raw["paramType"]
        data_type = raw["dataType"]
        correction = (
            body_correction(owner, raw["name"], data_type) if location == "body" else None
        )
        if correction is not None and correction.type is not None:
            if correction.type.removeprefix("List[").rstrip("]") in self.model_classes:
                data_type = correction.type
        return ir.Parameter(
            name=raw["name"],
            py_name=scope.claim(naming.snake(raw["name"])),
            location=location,
            type=self.typeref(data_type),
            required=bool(raw.get("required", False)) or location == "path",
            allow_multiple=bool(raw.get("allowMultiple", False)),
            description=raw.get("description", ""),
            default=raw.get("defaultValue"),
            has_default="defaultValue" in raw,
            allowed=allowed,
            since=tuple(raw.get("since", ())),
            whole_body=correction is not None and correction.whole_body,
        )

    def operation(
        self,
        decl: str,
        path: str,
        raw: dict[str, Any],
        methods: naming.Scope,
        enums: list[ir.Enum],
    ) -> ir.Operation:
        py_name = methods.claim(naming.snake(raw["nickname"]))
        scope = naming.argument_scope()
        # required arguments come first in signatures: claim their names first
        ordered = sorted(
            raw.get("parameters", []),
            key=lambda p: not (p.get("required") or p["paramType"] == "path"),
        )
        params = {
            id(p): self.parameter(
                raw["nickname"], p, scope, enums, f"{decl}.{raw['nickname']}"
            )
            for p in ordered
        }
        return ir.Operation(
            nickname=raw["nickname"],
            py_name=py_name,
            method=raw["httpMethod"],
            path=path,
            summary=raw.get("summary", ""),
            notes=raw.get("notes", ""),
            since=tuple(raw.get("since", ())),
            response=self.typeref(raw.get("responseClass", "void")),
            parameters=tuple(params[id(p)] for p in raw.get("parameters", [])),
            errors=tuple(
                ir.ErrorResponse(e["code"], e.get("reason", ""))
                for e in raw.get("errorResponses", [])
            ),
            upgrade=raw.get("upgrade"),
            websocket_protocol=raw.get("websocketProtocol"),
        )

    def base_first(self, keys: list[str]) -> list[str]:
        """Spec order, except that a model comes after its ancestors defined in the same list."""
        ordered: list[str] = []
        for key in keys:
            for k in [*self.ancestors(key), key]:
                if k in keys and k not in ordered:
                    ordered.append(k)
        return ordered

    def imports(self, decl: ir.Declaration) -> tuple[ir.Import, ...]:
        needed: dict[str, set[str]] = {}
        bases = {
            self.module_of[m.parent]
            for m in decl.models
            if m.parent is not None and self.module_of[m.parent] != decl.py_module
        }
        for model in decl.models:
            used = [p.type.element.model for p in model.all_properties]
            # descendants are imported where the parser needs them, at its first call, so
            # that a subtype's module (which needs this one for its base class) may import it
            for key in [*used, model.parent]:
                if key is not None and self.module_of[key] != decl.py_module:
                    needed.setdefault(self.module_of[key], set()).add(
                        self.model_classes[key]
                    )
        return tuple(
            ir.Import(m, tuple(sorted(n)), m in bases)
            for m, n in sorted(needed.items())
        )

    # -- the whole spec ------------------------------------------------------------------------

    def build(self) -> ir.Spec:
        self.name_models()
        listing = self.validated.loaded.listing
        listing_data = listing.data if listing is not None else {}
        descriptions = {
            str(PurePosixPath(a["path"].replace("{format}", "json")).name): a.get(
                "description", ""
            )
            for a in listing_data.get("apis", [])
        }
        modules = naming.module_scope()
        names = [
            PurePosixPath(doc.name).name.removesuffix(".json")
            for doc, _ in self.validated.declarations
        ]
        module_names = [modules.claim(naming.snake(name)) for name in names]
        # resource classes share one namespace with models and enums (an api module
        # imports the models it returns): models keep their names, resources come next
        class_names = [naming.resource_class(self.classes, name) for name in names]
        for module, (_, data) in zip(module_names, self.validated.declarations):
            for key in data.get("models", {}):
                self.module_of.setdefault(key, module)  # the first definition wins
        declarations = []
        for name, module, py_class, (doc, data) in zip(
            names, module_names, class_names, self.validated.declarations
        ):
            enums: list[ir.Enum] = []
            models = [
                self.model(key, module, enums)
                for key in self.base_first(list(data.get("models", {})))
                if self.module_of[key] == module
            ]
            methods = naming.method_scope()
            apis = tuple(
                ir.Api(
                    api["path"],
                    api.get("description", ""),
                    tuple(
                        self.operation(name, api["path"], op, methods, enums)
                        for op in api["operations"]
                    ),
                )
                for api in data["apis"]
            )
            declarations.append(
                ir.Declaration(
                    name=name,
                    source=doc.name,
                    sha256=doc.sha256,
                    py_module=module,
                    py_class=py_class,
                    description=descriptions.get(PurePosixPath(doc.name).name, ""),
                    api_version=str(data.get("apiVersion", "")),
                    swagger_version=str(data["swaggerVersion"]),
                    resource_path=str(data.get("resourcePath", "")),
                    since=tuple(data.get("since", ())),
                    requires_modules=tuple(data.get("requiresModules", ())),
                    apis=apis,
                    models=tuple(models),
                    enums=tuple(enums),
                )
            )
        declarations = [
            dataclasses.replace(d, imports=self.imports(d)) for d in declarations
        ]
        inputs = tuple(
            ir.Input(d.name, d.sha256) for d in self.validated.loaded.documents
        )
        fingerprint = hashlib.sha256(
            "".join(f"{i.name}\0{i.sha256}\n" for i in inputs).encode()
        ).hexdigest()
        head = listing_data or (
            self.validated.declarations[0][1] if self.validated.declarations else {}
        )
        return ir.Spec(
            package=self.package,
            api_version=str(head.get("apiVersion", "")),
            swagger_version=str(head.get("swaggerVersion", "")),
            base_path=str(head.get("basePath", "")),
            declarations=tuple(declarations),
            inputs=inputs,
            fingerprint=fingerprint,
        )


def parse(validated: ValidatedSpec, package: str = "ari_client") -> ir.Spec:
    """Build the IR of a spec that validated without errors."""
    if not validated.ok:
        raise ValueError("parse() needs a spec that validated without errors")
    return _Builder(validated, package).build()
