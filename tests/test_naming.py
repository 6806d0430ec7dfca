"""Every Python name of the generated code comes from ari_codegen.naming."""

from __future__ import annotations

import importlib
import json
import keyword
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ari_codegen import build_ir, generate, naming

from .conftest import SPECS


@pytest.mark.parametrize(
    ("text", "snake", "pascal", "constant"),
    [
        ("externalMedia", "external_media", "ExternalMedia", "EXTERNAL_MEDIA"),
        ("channelId", "channel_id", "ChannelId", "CHANNEL_ID"),
        ("channel_id", "channel_id", "ChannelId", "CHANNEL_ID"),
        ("HTTPServer", "http_server", "HTTPServer", "HTTP_SERVER"),
        ("deviceStates", "device_states", "DeviceStates", "DEVICE_STATES"),
        ("Dialing Offhook", "dialing_offhook", "DialingOffhook", "DIALING_OFFHOOK"),
        ("no_answer", "no_answer", "NoAnswer", "NO_ANSWER"),
        ("a-b.c d", "a_b_c_d", "ABCD", "A_B_C_D"),
        ("ring-back", "ring_back", "RingBack", "RING_BACK"),
        ("2fa", "n2fa", "N2fa", "V_2FA"),
        ("0", "n0", "N0", "V_0"),
        ("café", "cafe", "Cafe", "CAFE"),
        ("Ünïcödé", "unicode", "Unicode", "UNICODE"),
        ("日本", "u65e5_u672c", "U65e5U672c", "U65E5_U672C"),
        ("", "value", "Model", "VALUE"),
        ("__x__", "x", "X", "X"),
    ],
)
def test_names_from_spec_text(
    text: str, snake: str, pascal: str, constant: str
) -> None:
    assert naming.snake(text) == snake
    assert naming.pascal(text) == pascal
    assert naming.constant(text) == constant


@pytest.mark.parametrize(
    ("value", "member"),
    [
        ("*", "STAR"),
        ("#", "HASH"),
        ("+", "PLUS"),
        ("-", "MINUS"),
        ("Dialing Offhook", "DIALING_OFFHOOK"),
    ],
)
def test_enum_member_names_for_symbols(value: str, member: str) -> None:
    assert naming.constant(value) == member


def test_keywords_get_an_underscore() -> None:
    arguments = naming.argument_scope()
    assert [
        arguments.claim(naming.snake(n)) for n in ("class", "from", "import", "self")
    ] == [
        "class_",
        "from_",
        "import_",
        "self_",
    ]
    assert naming.class_scope().claim(naming.pascal("None")) == "None_"
    assert naming.member_scope().claim("None") == "None_"
    assert naming.safe("lambda") == "lambda_"


def test_builtins_and_runtime_names_are_never_shadowed() -> None:
    classes = naming.class_scope()
    assert [
        classes.claim(n)
        for n in ("str", "List", "Any", "Model", "Exception", "Channel")
    ] == [
        "str_",
        "List_",
        "Any_",
        "Model_",
        "Exception_",
        "Channel",
    ]
    fields = naming.field_scope()
    assert [
        fields.claim(naming.snake(n))
        for n in ("str", "int", "to_dict", "validate", "type", "id")
    ] == [
        "str_",
        "int_",
        "to_dict_",
        "validate_",
        "type",
        "id",
    ]
    assert naming.function_scope().claim("print") == "print_"
    assert naming.module_scope().claim("models") == "models_"
    assert naming.module_scope().claim("list") == "list_"


def test_collisions_get_numbered_first_come_first_served() -> None:
    fields = naming.field_scope()
    assert [
        fields.claim(naming.snake(n))
        for n in ("fooBar", "foo_bar", "FooBar", "foo_bar_2")
    ] == [
        "foo_bar",
        "foo_bar_2",
        "foo_bar_3",
        "foo_bar_2_2",
    ]


def test_case_only_differences_never_collide() -> None:
    classes = (
        naming.class_scope()
    )  # Python names are case-sensitive, but pascal() folds
    assert [classes.claim(naming.pascal(n)) for n in ("foo", "Foo", "FOO")] == [
        "Foo",
        "Foo_2",
        "FOO",
    ]
    modules = naming.module_scope()  # file names: also unique on case-insensitive disks
    assert [modules.claim(n) for n in ("foo", "Foo", "FOO", "bar")] == [
        "foo",
        "Foo_2",
        "FOO_3",
        "bar",
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=8))
def test_any_text_gives_distinct_ascii_identifiers_that_are_no_keywords(
    texts: list[str],
) -> None:
    for scope, rule in (
        (naming.class_scope(), naming.pascal),
        (naming.field_scope(), naming.snake),
        (naming.argument_scope(), naming.snake),
        (naming.member_scope(), naming.constant),
    ):
        names = [scope.claim(rule(t)) for t in texts]
        assert len(set(names)) == len(names)
        for name in names:
            assert (
                name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
            )
    modules = naming.module_scope()
    files = [modules.claim(naming.snake(t)) for t in texts]
    assert len({f.lower() for f in files}) == len(files)


# --- names in the IR and in working generated code ----------------------------------------


def test_the_bundled_spec_names() -> None:
    model, _ = build_ir(SPECS)
    assert model is not None
    modules = {d.name: (d.py_module, d.py_class) for d in model.declarations}
    assert modules["deviceStates"] == ("device_states", "DeviceStates")
    channels = next(d for d in model.declarations if d.name == "channels")
    methods = {op.nickname: op.py_name for op in channels.operations}
    assert methods["externalMedia"] == "external_media"
    assert methods["list"] == "list"
    originate = next(op for op in channels.operations if op.nickname == "originate")
    assert [p.py_name for p in originate.parameters][:3] == [
        "endpoint",
        "extension",
        "context",
    ]
    get = next(op for op in channels.operations if op.nickname == "get")
    assert [(p.name, p.py_name) for p in get.parameters] == [
        ("channelId", "channel_id")
    ]
    state = next(p for p in model.model("Channel").properties if p.name == "state")
    assert (
        state.name == "state"
        and state.allowed is not None
        and state.allowed.enum is not None
    )
    members = {m.value: m.py_name for m in state.allowed.enum.members}
    assert members["Dialing Offhook"] == "DIALING_OFFHOOK"
    assert (members["OffHook"], members["Pre-ring"]) == ("OFF_HOOK", "PRE_RING")
    enums = {e.py_name: e for e in model.enums}
    dtmf = [e for e in enums.values() if "*" in [m.value for m in e.members]]
    assert dtmf and all(
        {m.value: m.py_name for m in e.members}["#"] == "HASH" for e in dtmf
    )


def test_awkward_names_generate_working_code(tmp_path: Path) -> None:
    declaration = {
        "swaggerVersion": "1.2",
        "apis": [],
        "models": {
            "foo": {
                "id": "foo",
                "properties": {"class": {"type": "string", "required": True}},
            },
            "Foo": {
                "id": "Foo",
                "properties": {
                    "fooBar": {"type": "string"},
                    "foo_bar": {"type": "int"},
                    "2nd": {"type": "boolean"},
                    "str": {"type": "string"},
                    "mode": {
                        "type": "string",
                        "allowableValues": {
                            "valueType": "LIST",
                            "values": ["*", "#", "Dialing Offhook", "a", "A"],
                        },
                    },
                },
            },
        },
    }
    spec = tmp_path / "weird.json"
    spec.write_text(json.dumps(declaration))
    result = generate(spec, tmp_path / "out", package="naming_probe", format=False)
    assert result.ok, [d.format() for d in result.diagnostics]
    model, _ = build_ir(spec, package="naming_probe")
    assert model is not None
    assert [(m.id, m.py_name) for m in model.models] == [
        ("foo", "Foo"),
        ("Foo", "Foo_2"),
    ]
    fields = [(p.name, p.py_name) for p in model.model("Foo").properties]
    assert fields == [
        ("fooBar", "foo_bar"),
        ("foo_bar", "foo_bar_2"),
        ("2nd", "n2nd"),
        ("str", "str_"),
        ("mode", "mode"),
    ]
    assert [p.py_name for p in model.model("foo").properties] == ["class_"]
    (enum,) = model.enums
    assert [m.py_name for m in enum.members] == [
        "STAR",
        "HASH",
        "DIALING_OFFHOOK",
        "A",
        "A_2",
    ]

    sys.path.insert(0, str(tmp_path / "out"))
    try:
        module = importlib.import_module("naming_probe.models.weird")
        payload = {"fooBar": "x", "foo_bar": 2, "2nd": True, "str": "s", "mode": "#"}
        foo = module.Foo_2.from_dict(payload)
        assert (foo.foo_bar, foo.foo_bar_2, foo.n2nd, foo.str_) == ("x", 2, True, "s")
        assert foo.to_dict() == payload
        assert module.Foo.from_dict({"class": "c"}).class_ == "c"
        assert getattr(module, enum.py_name).HASH == "#"
    finally:
        sys.path.remove(str(tmp_path / "out"))
        for name in [m for m in sys.modules if m.split(".")[0] == "naming_probe"]:
            del sys.modules[name]
