"""Synthetic input for the scaling benchmark: the bundled listing widened N times.

Copy ``k`` (``k >= 1``) of every API declaration is a new file ``{name}X{k}.json`` listed in
the resource listing; every model id of the listing is renamed ``{id}X{k}`` in it, and every
reference to a model (property and parameter types, ``List[...]`` items, response classes,
``subTypes``, ``extends``) is renamed the same way, so that each copy is a complete, valid,
self-contained ARI whose references all resolve to its own models. API paths get the suffix
too (``/channelsX3/{channelId}``). Copy 0 is the listing itself.

``python bench/widen.py 10 OUT`` writes a 10x listing to OUT.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

SPECS = Path(__file__).resolve().parent.parent / "specs"
_LIST = re.compile(r"^List\[(.*)\]$")


def _rename_type(name: str, rename: dict[str, str]) -> str:
    match = _LIST.match(name)
    if match:
        return f"List[{_rename_type(match.group(1), rename)}]"
    return rename.get(name, name)


def _copy_declaration(
    data: dict[str, Any], rename: dict[str, str], suffix: str
) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    models = {}
    for key, model in data.get("models", {}).items():
        model["id"] = rename.get(model.get("id", key), model.get("id", key))
        for prop in model.get("properties", {}).values():
            if isinstance(prop.get("type"), str):
                prop["type"] = _rename_type(prop["type"], rename)
        if "subTypes" in model:
            model["subTypes"] = [rename.get(s, s) for s in model["subTypes"]]
        if "extends" in model:
            model["extends"] = rename.get(model["extends"], model["extends"])
        models[rename.get(key, key)] = model
    if "models" in data:
        data["models"] = models
    for api in data.get("apis", []):
        head, _, rest = api["path"].lstrip("/").partition("/")
        api["path"] = f"/{head}{suffix}" + (f"/{rest}" if rest else "")
        for op in api.get("operations", []):
            if isinstance(op.get("responseClass"), str):
                op["responseClass"] = _rename_type(op["responseClass"], rename)
            for param in op.get("parameters", []):
                if isinstance(param.get("dataType"), str):
                    param["dataType"] = _rename_type(param["dataType"], rename)
    if "resourcePath" in data:
        data["resourcePath"] = data["resourcePath"].replace(
            ".{format}", f"{suffix}.{{format}}"
        )
    return data


def widen(factor: int, out: Path, specs: Path = SPECS) -> dict[str, int]:
    """Write the listing ``specs`` widened ``factor`` times to ``out``; return its size."""
    listing = json.loads((specs / "resources.json").read_text("utf-8"))
    declarations = {}
    for api in listing["apis"]:
        relative = api["path"].replace("{format}", "json").lstrip("/")
        declarations[relative] = json.loads((specs / relative).read_text("utf-8"))
    model_ids = {
        key for data in declarations.values() for key in data.get("models", {})
    }
    apis = []
    sizes = {"declarations": 0, "models": 0, "operations": 0}
    (out / "api-docs").mkdir(parents=True, exist_ok=True)
    for k in range(factor):
        suffix = f"X{k}" if k else ""
        rename = {key: key + suffix for key in model_ids} if k else {}
        for api in listing["apis"]:
            relative = api["path"].replace("{format}", "json").lstrip("/")
            data = declarations[relative]
            if k:
                data = _copy_declaration(data, rename, suffix)
            stem = relative.removesuffix(".json")
            target = out / f"{stem}{suffix}.json"
            target.write_text(
                json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8"
            )
            apis.append(
                {
                    **api,
                    "path": api["path"].replace(".{format}", f"{suffix}.{{format}}"),
                }
            )
            sizes["declarations"] += 1
            sizes["models"] += len(data.get("models", {}))
            sizes["operations"] += sum(
                len(a.get("operations", [])) for a in data.get("apis", [])
            )
    (out / "resources.json").write_text(
        json.dumps({**listing, "apis": apis}, indent=1) + "\n", "utf-8"
    )
    return sizes


if __name__ == "__main__":
    print(widen(int(sys.argv[1]), Path(sys.argv[2])))
