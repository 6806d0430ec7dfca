"""ari_codegen.corrections: what Asterisk reads from a body where its spec says otherwise."""

from __future__ import annotations

from ari_codegen import build_ir
from ari_codegen.corrections import BODY_CORRECTIONS, body_correction

from .conftest import SPECS


def _parameter(operation: str, name: str):  # type: ignore[no-untyped-def]
    spec, diagnostics = build_ir(SPECS)
    assert spec is not None, diagnostics
    declaration, nickname = operation.split(".")
    decl = next(d for d in spec.declarations if d.name == declaration)
    op = next(o for o in decl.operations if o.nickname == nickname)
    return next(p for p in op.parameters if p.name == name)


def test_the_ir_carries_the_corrections() -> None:
    fields = _parameter("asterisk.updateObject", "fields")
    assert fields.type.kind == "list" and fields.type.item.model == "ConfigTuple"
    assert not fields.whole_body
    assert _parameter("applications.filter", "filter").whole_body
    # every other body parameter is the value of a key named like it
    assert not _parameter("channels.originate", "variables").whole_body


def test_a_correction_applies_only_while_the_spec_says_what_it_corrects() -> None:
    assert body_correction("asterisk.updateObject", "fields", "containers") is not None
    # a spec that fixed itself is left alone
    assert (
        body_correction("asterisk.updateObject", "fields", "List[ConfigTuple]") is None
    )
    assert body_correction("channels.originate", "variables", "containers") is None


def test_every_correction_says_why() -> None:
    for row in BODY_CORRECTIONS:
        assert row.reason and (row.whole_body or row.type), row
