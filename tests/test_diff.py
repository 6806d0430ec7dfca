"""`ari-codegen diff` / `diff_specs`: IR-level comparison, breaking vs compatible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ari_codegen import build_ir
from ari_codegen.cli import main
from ari_codegen.diagnostics import SpecError
from ari_codegen.diff import Change, SpecDiff, diff_specs

from .conftest import DATA, SPECS

SPEC_20 = DATA / "specs" / "20.0.0"


# --- a tiny spec builder ----------------------------------------------------------------------


def param(name: str, where: str = "query", type_: str = "string", **extra: Any) -> dict[str, Any]:
    return {"name": name, "paramType": where, "dataType": type_, **extra}


def op(
    nickname: str = "get",
    method: str = "GET",
    path: str = "/things/{thingId}",
    params: list[dict[str, Any]] | None = None,
    response: str = "void",
    errors: list[int] = (),  # type: ignore[assignment]
    **extra: Any,
) -> tuple[str, dict[str, Any]]:
    operation: dict[str, Any] = {"httpMethod": method, "nickname": nickname, "responseClass": response}
    if params is None:
        params = [param("thingId", "path", required=True)] if "{thingId}" in path else []
    operation["parameters"] = params
    if errors:
        operation["errorResponses"] = [{"code": c, "reason": f"reason {c}"} for c in errors]
    operation.update(extra)
    return path, operation


def declaration(*ops: tuple[str, dict[str, Any]], models: dict[str, Any] | None = None) -> dict[str, Any]:
    apis: dict[str, list[dict[str, Any]]] = {}
    for path, operation in ops:
        apis.setdefault(path, []).append(operation)
    return {
        "apiVersion": "1.0.0",
        "swaggerVersion": "1.1",
        "basePath": "http://localhost:8088/ari",
        "resourcePath": "/api-docs/things.{format}",
        "apis": [{"path": p, "operations": o} for p, o in apis.items()],
        "models": models or {},
    }


def model(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "unused", "properties": props, **extra}


def prop(type_: str = "string", required: bool = True, **extra: Any) -> dict[str, Any]:
    return {"type": type_, "required": required, **extra}


_counter = iter(range(10**6))


def spec_dir(tmp_path: Path, data: dict[str, Any]) -> Path:
    target = tmp_path / f"spec{next(_counter)}"
    target.mkdir()
    models = data.get("models", {})
    for key, value in models.items():
        value["id"] = key
    (target / "things.json").write_text(json.dumps(data, indent=2))
    return target / "things.json"


def diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> SpecDiff:
    return diff_specs(spec_dir(tmp_path, old), spec_dir(tmp_path, new))


def only(result: SpecDiff, **match: Any) -> Change:
    found = result.find(**match)
    assert len(found) == 1, (match, [c.format() for c in result.changes])
    return found[0]


# --- the real specs: 20.0.0 → the bundled (newer) seed ---------------------------------------


@pytest.fixture(scope="module")
def upgrade() -> SpecDiff:
    return diff_specs(SPEC_20, SPECS)


@pytest.fixture(scope="module")
def downgrade() -> SpecDiff:
    return diff_specs(SPECS, SPEC_20)


def test_real_bump_versions_and_no_breaking(upgrade: SpecDiff) -> None:
    assert (upgrade.old_version, upgrade.new_version) == ("8.0.0", "12.0.0")
    assert upgrade.changes and not upgrade.has_breaking


def test_real_bump_new_operations(upgrade: SpecDiff) -> None:
    added = {c.subject for c in upgrade.find(kind="operation", action="added")}
    assert added == {
        "channels.progress",
        "channels.transfer_progress",
        "endpoints.refer",
        "endpoints.referToEndpoint",
    }
    progress = only(upgrade, kind="operation", subject="channels.progress")
    assert "POST /channels/{channelId}/progress" in progress.message
    assert not upgrade.find(kind="operation", action="removed")


def test_real_bump_parameters(upgrade: SpecDiff) -> None:
    added = {c.subject for c in upgrade.find(kind="parameter", action="added")}
    assert added == {
        "channels.externalMedia(transport_data)",
        "bridges.play(announcer_format)",
        "bridges.playWithId(announcer_format)",
        "bridges.record(recorder_format)",
    }
    assert all(not c.breaking for c in upgrade.find(kind="parameter", action="added"))
    host = only(upgrade, subject="channels.externalMedia(external_host)", aspect="required")
    assert (host.old, host.new, host.breaking) == (True, False, False)


def test_real_bump_enum_values(upgrade: SpecDiff) -> None:
    values = {(c.subject, c.new) for c in upgrade.find(kind="enum_value", action="added")}
    assert values == {
        ("channels.externalMedia(encapsulation)", "none"),
        ("channels.externalMedia(transport)", "websocket"),
        ("channels.externalMedia(connection_type)", "server"),
    }


def test_real_bump_models_properties_errors(upgrade: SpecDiff) -> None:
    models = {c.subject for c in upgrade.find(kind="model", action="added")}
    assert {"ApplicationRegistered", "ChannelToneDetected", "ChannelTransfer", "RESTRequest", "ReferTo"} <= models
    assert len(models) == 12
    props = {c.subject for c in upgrade.find(kind="property", action="added")}
    assert props == {
        "Channel.caller_rdnis",
        "Channel.tenantid",
        "ChannelDestroyed.tech_cause",
        "ChannelHangupRequest.tech_cause",
    }
    errors = {c.subject for c in upgrade.find(kind="error", action="added")}
    assert {"bridges.create 409", "bridges.createWithId 409", "bridges.play 422"} <= errors


def test_real_downgrade_is_breaking(downgrade: SpecDiff) -> None:
    assert downgrade.has_breaking
    assert only(downgrade, kind="operation", subject="channels.progress", action="removed").breaking
    assert only(downgrade, subject="channels.externalMedia(external_host)", aspect="required").breaking
    assert only(downgrade, kind="enum_value", subject="channels.externalMedia(transport)").breaking
    assert only(downgrade, kind="property", subject="Channel.tenantid").breaking
    assert only(downgrade, kind="model", subject="ChannelTransfer").breaking
    # errors that disappear are not breaking
    assert not only(downgrade, kind="error", subject="bridges.create 409").breaking


def test_identical_specs_have_no_changes() -> None:
    result = diff_specs(SPECS, SPECS)
    assert result.changes == []
    assert "no changes" in result.to_text()


def test_bad_spec_raises_spec_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(SpecError):
        diff_specs(broken, SPECS)


# --- operations ---------------------------------------------------------------------------------


def test_operation_added_and_removed(tmp_path: Path) -> None:
    result = diff(tmp_path, declaration(op("get"), op("drop", "DELETE")), declaration(op("get"), op("make", "POST", "/things")))
    assert not only(result, kind="operation", subject="things.make", action="added").breaking
    assert only(result, kind="operation", subject="things.drop", action="removed").breaking


def test_operation_renamed_on_same_route_is_one_breaking_change(tmp_path: Path) -> None:
    result = diff(tmp_path, declaration(op("get")), declaration(op("fetch")))
    change = only(result, kind="operation")
    assert (change.action, change.aspect, change.old, change.new, change.breaking) == (
        "changed",
        "nickname",
        "get",
        "fetch",
        True,
    )


def test_operation_method_and_path_changes_are_breaking(tmp_path: Path) -> None:
    result = diff(
        tmp_path,
        declaration(op("get")),
        declaration(op("get", "POST", "/items/{thingId}")),
    )
    assert only(result, aspect="method").breaking
    path = only(result, aspect="path")
    assert (path.old, path.new, path.breaking) == ("/things/{thingId}", "/items/{thingId}", True)


def test_response_types(tmp_path: Path) -> None:
    models = {"A": model({"x": prop()}), "B": model({"x": prop()})}
    old = declaration(
        op("a", path="/a", response="void"),
        op("b", path="/b", response="A"),
        op("c", path="/c", response="A"),
        op("d", path="/d", response="double"),
        op("e", path="/e", response="long"),
        op("f", path="/f", response="List[A]"),
        models=models,
    )
    new = declaration(
        op("a", path="/a", response="A"),
        op("b", path="/b", response="void"),
        op("c", path="/c", response="B"),
        op("d", path="/d", response="long"),
        op("e", path="/e", response="int"),
        op("f", path="/f", response="A"),
        models=models,
    )
    result = diff(tmp_path, old, new)
    assert not only(result, kind="response", subject="things.a").breaking
    assert only(result, kind="response", subject="things.b").breaking
    assert only(result, kind="response", subject="things.c").breaking
    assert not only(result, kind="response", subject="things.d").breaking  # narrowed received
    assert not result.find(kind="response", subject="things.e")  # long and int are one type
    assert only(result, kind="response", subject="things.f").breaking


def test_error_responses_are_compatible(tmp_path: Path) -> None:
    result = diff(tmp_path, declaration(op(errors=[404, 409])), declaration(op(errors=[404, 422])))
    added = only(result, kind="error", action="added")
    removed = only(result, kind="error", action="removed")
    assert (added.subject, added.breaking) == ("things.get 422", False)
    assert (removed.subject, removed.breaking) == ("things.get 409", False)


def test_upgrade_change_is_breaking(tmp_path: Path) -> None:
    result = diff(tmp_path, declaration(op()), declaration(op(upgrade="websocket", websocketProtocol="ari")))
    assert only(result, aspect="upgrade").breaking
    assert only(result, aspect="websocket_protocol").breaking


# --- parameters ---------------------------------------------------------------------------------


def with_params(*params: dict[str, Any]) -> dict[str, Any]:
    return declaration(op("make", "POST", "/things", params=list(params)))


def param_diff(tmp_path: Path, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> SpecDiff:
    return diff(tmp_path, with_params(*old), with_params(*new))


def test_parameter_added_required_or_optional(tmp_path: Path) -> None:
    result = param_diff(tmp_path, [], [param("a", required=True), param("b"), param("c", required=False)])
    assert only(result, subject="things.make(a)", action="added").breaking
    assert not only(result, subject="things.make(b)", action="added").breaking
    assert not only(result, subject="things.make(c)", action="added").breaking


def test_path_parameter_added_is_required(tmp_path: Path) -> None:
    result = diff(
        tmp_path,
        declaration(op("get", path="/things", params=[])),
        declaration(op("get", path="/things/{thingId}")),
    )
    assert only(result, subject="things.get(thingId)", action="added").breaking


def test_parameter_removed_is_breaking(tmp_path: Path) -> None:
    result = param_diff(tmp_path, [param("a")], [])
    assert only(result, subject="things.make(a)", action="removed").breaking


def test_parameter_required_ness(tmp_path: Path) -> None:
    tighter = only(param_diff(tmp_path, [param("a")], [param("a", required=True)]), aspect="required")
    looser = only(param_diff(tmp_path, [param("a", required=True)], [param("a")]), aspect="required")
    assert (tighter.old, tighter.new, tighter.breaking) == (False, True, True)
    assert (looser.old, looser.new, looser.breaking) == (True, False, False)


def test_parameter_types(tmp_path: Path) -> None:
    changed = only(param_diff(tmp_path, [param("a")], [param("a", type_="int")]), aspect="type")
    assert (changed.old, changed.new, changed.breaking) == ("string", "int", True)
    widened = only(param_diff(tmp_path, [param("a", type_="long")], [param("a", type_="double")]), aspect="type")
    assert not widened.breaking
    narrowed = only(param_diff(tmp_path, [param("a", type_="double")], [param("a", type_="int")]), aspect="type")
    assert narrowed.breaking
    assert param_diff(tmp_path, [param("a", type_="int")], [param("a", type_="long")]).changes == []
    dicts = only(param_diff(tmp_path, [param("a", "body", "object")], [param("a", "body", "containers")]), aspect="type")
    assert not dicts.breaking


def test_parameter_allow_multiple(tmp_path: Path) -> None:
    more = only(param_diff(tmp_path, [param("a")], [param("a", allowMultiple=True)]), aspect="allow_multiple")
    fewer = only(param_diff(tmp_path, [param("a", allowMultiple=True)], [param("a")]), aspect="allow_multiple")
    assert not more.breaking and fewer.breaking


def test_parameter_location(tmp_path: Path) -> None:
    moved = only(param_diff(tmp_path, [param("a")], [param("a", "body")]), aspect="location")
    assert (moved.old, moved.new, moved.breaking) == ("query", "body", True)


def test_parameter_default(tmp_path: Path) -> None:
    changed = only(param_diff(tmp_path, [param("a", defaultValue="x")], [param("a", defaultValue="y")]), aspect="default")
    assert (changed.old, changed.new, changed.breaking) == ("x", "y", True)
    added = only(param_diff(tmp_path, [param("a")], [param("a", defaultValue="y")]), aspect="default")
    assert (added.old, added.new, added.breaking) == (None, "y", False)
    removed = only(param_diff(tmp_path, [param("a", defaultValue="x")], [param("a")]), aspect="default")
    assert not removed.breaking


def listed(*values: str) -> dict[str, Any]:
    return {"valueType": "LIST", "values": list(values)}


def ranged(low: float | None = None, high: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"valueType": "RANGE"}
    if low is not None:
        out["min"] = low
    if high is not None:
        out["max"] = high
    return out


def test_parameter_list_values(tmp_path: Path) -> None:
    result = param_diff(
        tmp_path,
        [param("a", allowableValues=listed("x", "y"))],
        [param("a", allowableValues=listed("y", "z"))],
    )
    added = only(result, kind="enum_value", action="added")
    removed = only(result, kind="enum_value", action="removed")
    assert (added.subject, added.new, added.breaking) == ("things.make(a)", "z", False)
    assert (removed.subject, removed.old, removed.breaking) == ("things.make(a)", "x", True)


def test_parameter_list_added_or_removed(tmp_path: Path) -> None:
    restricted = only(param_diff(tmp_path, [param("a")], [param("a", allowableValues=listed("x"))]), aspect="values")
    assert (restricted.new, restricted.breaking) == (["x"], True)
    freed = only(param_diff(tmp_path, [param("a", allowableValues=listed("x"))], [param("a")]), aspect="values")
    assert freed.breaking and "ThingsMakeA" in freed.message  # its StrEnum goes away


def test_parameter_range_bounds(tmp_path: Path) -> None:
    def bounds(old: dict[str, Any] | None, new: dict[str, Any] | None) -> SpecDiff:
        def p(allowed: dict[str, Any] | None) -> dict[str, Any]:
            return param("a", type_="int", **({"allowableValues": allowed} if allowed else {}))

        return param_diff(tmp_path, [p(old)], [p(new)])

    result = bounds(ranged(0, 10), ranged(1, 20))
    low, high = only(result, aspect="minimum"), only(result, aspect="maximum")
    assert (low.old, low.new, low.breaking) == (0, 1, True)  # narrower: the app may send 0
    assert (high.old, high.new, high.breaking) == (10, 20, False)  # wider
    result = bounds(ranged(0, 10), ranged(-5, 5))
    assert not only(result, aspect="minimum").breaking
    assert only(result, aspect="maximum").breaking
    result = bounds(ranged(0), ranged(0, 10))  # an upper bound appears: narrower
    high = only(result, aspect="maximum")
    assert (high.old, high.new, high.breaking) == (None, 10, True)
    assert not only(bounds(ranged(0, 10), ranged(None, 10)), aspect="minimum").breaking
    assert only(bounds(None, ranged(0, 10)), aspect="range").breaking
    assert not only(bounds(ranged(0, 10), None), aspect="range").breaking


def test_list_to_range_is_breaking(tmp_path: Path) -> None:
    result = param_diff(
        tmp_path,
        [param("a", type_="int", allowableValues={"valueType": "LIST", "values": [1, 2]})],
        [param("a", type_="int", allowableValues=ranged(1, 2))],
    )
    change = only(result, aspect="allowed")
    assert (change.old, change.new, change.breaking) == ("LIST", "RANGE", True)


def test_documentation_changes_are_ignored(tmp_path: Path) -> None:
    old = with_params(param("a", description="old"))
    new = with_params(param("a", description="new", since=["20.0.0"]))
    new["apis"][0]["operations"][0]["summary"] = "new summary"
    assert diff(tmp_path, old, new).changes == []


# --- models and properties ----------------------------------------------------------------------


def with_models(**models: dict[str, Any]) -> dict[str, Any]:
    return declaration(op(), models=models)


def test_model_added_and_removed(tmp_path: Path) -> None:
    result = diff(tmp_path, with_models(A=model({"x": prop()})), with_models(B=model({"x": prop()})))
    assert not only(result, kind="model", subject="B", action="added").breaking
    assert only(result, kind="model", subject="A", action="removed").breaking


def test_property_changes_follow_received_data_rules(tmp_path: Path) -> None:
    old = with_models(
        A=model(
            {
                "gone": prop(),
                "loosened": prop(required=True),
                "tightened": prop(required=False),
                "retyped": prop("string"),
                "narrowed": prop("double"),
                "widened": prop("long"),
                "state": prop(allowableValues=listed("up", "down")),
                "free": prop(),
                "bounded": prop("int", allowableValues=ranged(0, 10)),
            }
        )
    )
    new = with_models(
        A=model(
            {
                "loosened": prop(required=False),
                "tightened": prop(required=True),
                "retyped": prop("boolean"),
                "narrowed": prop("long"),
                "widened": prop("double"),
                "state": prop(allowableValues=listed("up", "ringing")),
                "free": prop(allowableValues=listed("a")),
                "bounded": prop("int", allowableValues=ranged(0, 20)),
                "fresh": prop(required=True),
            }
        )
    )
    result = diff(tmp_path, old, new)
    assert only(result, kind="property", subject="A.gone", action="removed").breaking
    assert not only(result, kind="property", subject="A.fresh", action="added").breaking
    assert only(result, subject="A.loosened", aspect="required").breaking
    assert not only(result, subject="A.tightened", aspect="required").breaking
    assert only(result, subject="A.retyped", aspect="type").breaking
    assert not only(result, subject="A.narrowed", aspect="type").breaking
    assert only(result, subject="A.widened", aspect="type").breaking
    assert not only(result, kind="enum_value", subject="A.state", action="added").breaking
    assert only(result, kind="enum_value", subject="A.state", action="removed").breaking
    assert not only(result, subject="A.free", aspect="values").breaking
    assert only(result, subject="A.bounded", aspect="maximum").breaking  # wider received


def test_model_parent_and_discriminator(tmp_path: Path) -> None:
    base = {
        "Base": model({"type": prop()}, discriminator="type", subTypes=["A"]),
        "Other": model({"type": prop()}, discriminator="type"),
        "A": model({"type": prop(), "x": prop()}),
        "Loner": model({"y": prop()}),
    }
    old = with_models(**json.loads(json.dumps(base)))
    changed = json.loads(json.dumps(base))
    changed["Base"]["subTypes"] = ["Loner"]
    changed["Other"]["subTypes"] = ["A"]
    changed["Other"]["discriminator"] = "kind"
    changed["Other"]["properties"]["kind"] = prop()
    new = with_models(**changed)
    result = diff(tmp_path, old, new)
    moved = only(result, kind="model", subject="A", aspect="parent")
    assert (moved.old, moved.new, moved.breaking) == ("Base", "Other", True)
    gained = only(result, kind="model", subject="Loner", aspect="parent")
    assert (gained.old, gained.new, gained.breaking) == (None, "Base", False)
    assert only(result, kind="model", subject="Other", aspect="discriminator").breaking


def test_inherited_property_change_is_reported_once_on_the_parent(tmp_path: Path) -> None:
    def models(required: bool) -> dict[str, Any]:
        return with_models(
            Base=model({"type": prop(), "shared": prop(required=required)}, discriminator="type", subTypes=["A", "B"]),
            A=model({"a": prop()}),
            B=model({"b": prop()}),
        )

    result = diff(tmp_path, models(True), models(False))
    change = only(result, kind="property")
    assert (change.subject, change.aspect, change.breaking) == ("Base.shared", "required", True)


def test_property_moved_to_parent_is_not_a_removal(tmp_path: Path) -> None:
    old = with_models(
        Base=model({"type": prop()}, discriminator="type", subTypes=["A"]),
        A=model({"x": prop()}),
    )
    new = with_models(
        Base=model({"type": prop(), "x": prop()}, discriminator="type", subTypes=["A"]),
        A=model({}),
    )
    result = diff(tmp_path, old, new)
    assert [(c.subject, c.action, c.breaking) for c in result.changes] == [("Base.x", "added", False)]


def test_declarations_added_and_removed(tmp_path: Path) -> None:
    def listing(*names: str) -> Path:
        root = tmp_path / "-".join(names)
        (root / "api-docs").mkdir(parents=True)
        apis = []
        for name in names:
            data = declaration(op(f"get_{name}", path=f"/{name}", params=[]))
            data["resourcePath"] = f"/api-docs/{name}.{{format}}"
            (root / "api-docs" / f"{name}.json").write_text(json.dumps(data))
            apis.append({"path": f"/api-docs/{name}.{{format}}", "description": name})
        (root / "resources.json").write_text(
            json.dumps({"apiVersion": "1", "swaggerVersion": "1.1", "basePath": "http://localhost:8088/ari", "apis": apis})
        )
        return root

    result = diff_specs(listing("alpha", "beta"), listing("beta", "gamma"))
    assert not only(result, kind="declaration", subject="gamma").breaking
    assert only(result, kind="declaration", subject="alpha").breaking
    assert not only(result, kind="operation", subject="gamma.get_gamma").breaking
    assert only(result, kind="operation", subject="alpha.get_alpha").breaking


def test_operation_moved_between_declarations(tmp_path: Path) -> None:
    def listing(owner: str) -> Path:
        root = tmp_path / f"owner-{owner}"
        (root / "api-docs").mkdir(parents=True)
        apis = []
        for name in ("alpha", "beta"):
            ops = [op("shared", path="/shared", params=[])] if name == owner else []
            data = declaration(op(f"get_{name}", path=f"/{name}", params=[]), *ops)
            (root / "api-docs" / f"{name}.json").write_text(json.dumps(data))
            apis.append({"path": f"/api-docs/{name}.{{format}}"})
        (root / "resources.json").write_text(json.dumps({"swaggerVersion": "1.1", "apis": apis}))
        return root

    result = diff_specs(listing("alpha"), listing("beta"))
    change = only(result, kind="operation")
    assert (change.subject, change.aspect, change.old, change.new, change.breaking) == (
        "beta.shared",
        "declaration",
        "alpha",
        "beta",
        True,
    )


# --- output formats and the CLI -----------------------------------------------------------------


def test_markdown_has_summary_and_tables(downgrade: SpecDiff) -> None:
    text = downgrade.to_markdown()
    assert text.startswith("## ARI spec changes: 12.0.0 → 8.0.0\n")
    assert f"**{len(downgrade.changes)} change(s): {len(downgrade.breaking)} breaking" in text
    assert "| operations | 0 | 4 | 0 | 4 |" in text
    assert "### Breaking changes" in text and "### Compatible changes" in text
    assert "| removed | operation | `channels.progress` | POST /channels/{channelId}/progress is gone |" in text
    table_rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert len(table_rows) == len(downgrade.changes)
    assert all(line.count(" | ") == 3 for line in table_rows)


def test_markdown_escapes_table_cells(tmp_path: Path) -> None:
    result = param_diff(tmp_path, [param("a", allowableValues=listed("x|y"))], [param("a", allowableValues=listed("z"))])
    rows = [line for line in result.to_markdown().splitlines() if "`things.make(a)`" in line]
    assert any("'x\\|y'" in row for row in rows)
    assert all(row.replace("\\|", "").count("|") == 5 for row in rows)


def test_json_round_trips(upgrade: SpecDiff) -> None:
    data = json.loads(upgrade.render("json"))
    assert data["old"] == {"api_version": "8.0.0"} and data["new"] == {"api_version": "12.0.0"}
    assert data["summary"]["total"] == len(data["changes"]) == len(upgrade.changes)
    assert data["summary"]["breaking"] == 0
    assert data["summary"]["by_kind"]["operation"]["added"] == 4
    assert {"kind", "action", "subject", "aspect", "breaking", "message", "old", "new", "declaration"} == set(
        data["changes"][0]
    )


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_cli_formats_and_exit_codes() -> None:
    text = run("diff", str(SPEC_20), str(SPECS))
    assert text.exit_code == 0, text.output
    assert text.output.startswith("ARI 8.0.0 → 12.0.0:")
    assert "added    operation   channels.progress" in text.output
    # nothing breaking in the upgrade: --fail-on-breaking passes
    assert run("diff", str(SPEC_20), str(SPECS), "--fail-on-breaking").exit_code == 0
    # the downgrade breaks: 0 without the flag, 1 with it
    assert run("diff", str(SPECS), str(SPEC_20), "--format", "markdown").exit_code == 0
    breaking = run("diff", str(SPECS), str(SPEC_20), "--format", "json", "--fail-on-breaking")
    assert breaking.exit_code == 1
    assert json.loads(breaking.output)["summary"]["breaking"] > 0


def test_cli_single_declarations() -> None:
    result = run("diff", str(SPEC_20 / "api-docs" / "endpoints.json"), str(SPECS / "api-docs" / "endpoints.json"))
    assert result.exit_code == 0, result.output
    assert "added    operation   endpoints.refer:" in result.output
    assert "channels" not in result.output


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("diff", str(SPECS)).exit_code == 2
    assert run("diff", str(SPECS), str(tmp_path / "missing")).exit_code == 2
    assert run("diff", str(SPECS), str(SPECS), "--format", "html").exit_code == 2


def test_cli_spec_errors_print_diagnostics_and_exit_1(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"swaggerVersion": "1.1", "apis": [}')
    result = CliRunner().invoke(main, ["diff", str(SPECS), str(broken)])
    assert result.exit_code == 1
    assert "NEW spec" in result.output and "broken.json:1: error:" in result.output
