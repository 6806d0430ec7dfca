"""The JSON Schema (Draft 2020-12) of each model, emitted into the generated package.

It states what the generated validators check, so that ``jsonschema`` can serve as their
oracle: required fields, JSON types, LIST values, RANGE bounds, nested models, list items.
"""

from __future__ import annotations

from typing import Any

from urllib.parse import quote

from . import ir, kinds
from .load import pointer_join

DATE_PATTERN = kinds.DATE_PATTERN


def type_schema(
    spec: ir.Spec, t: ir.TypeRef, here: str, allowed: ir.Allowed | None
) -> dict[str, Any]:
    """The schema of one value of ``t`` in the document of module ``here``; its kind's
    schema, with the LIST values or RANGE bounds of ``allowed``."""
    if t.kind == "list":
        assert t.item is not None
        return {"type": "array", "items": type_schema(spec, t.item, here, allowed)}
    if t.kind == "model":
        assert t.model is not None
        module = spec.model(t.model).source_module
        prefix = "" if module == here else f"{module}.json"
        return {"$ref": f"{prefix}#{quote(pointer_join('/$defs', t.model), safe='/$')}"}
    schema: dict[str, Any] = dict(kinds.of(t).schema)
    if allowed is not None and allowed.kind == "list":
        schema["enum"] = list(allowed.values)
    elif allowed is not None and t.kind in ("int", "double"):
        if allowed.minimum is not None:
            schema["minimum"] = allowed.minimum
        if allowed.maximum is not None:
            schema["maximum"] = allowed.maximum
    return schema


def model_schema(spec: ir.Spec, model: ir.Model) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object"}
    if model.description:
        schema["description"] = model.description
    schema["properties"] = {
        p.name: type_schema(spec, p.type, model.source_module, p.allowed)
        for p in model.all_properties
    }
    required = [p.name for p in model.all_properties if p.required]
    if required:
        schema["required"] = required
    return schema


def declaration_schema(
    spec: ir.Spec, declaration: ir.Declaration, comment: str
) -> dict[str, Any]:
    """One document per declaration; models of other declarations are referenced by file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{declaration.py_module}.json",
        "$comment": comment,
        "$defs": {m.id: model_schema(spec, m) for m in declaration.models},
    }
