"""What Asterisk reads from a request body, where its spec says otherwise.

Asterisk's request handlers (``res/res_ari_*.c``) hand the whole JSON body to the resource as
the value of the operation's one body parameter; the resource (``res/ari/resource_*.c``) then
reads what it wants from it. Almost every resource reads the key named like the parameter
(``{"variables": {...}}``), which is what the generated client sends by default. The rows below
are the exceptions, each checked against the server's source, applied by ``parse`` when a spec's
parameter still has the type the row names (so a spec that fixes itself is left alone).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BodyCorrection:
    operation: str  # "declaration.nickname"
    parameter: str
    spec_type: str  # the dataType the spec gives; the row applies only while it does
    # the value is the body itself, not the value of a key named like the parameter
    whole_body: bool = False
    # the type the server really reads, where the spec's is wrong
    type: str | None = None
    reason: str = ""


BODY_CORRECTIONS: tuple[BodyCorrection, ...] = (
    BodyCorrection(
        "applications.filter",
        "filter",
        "object",
        whole_body=True,
        reason="resource_applications.c passes the body itself to"
        " stasis_app_event_filter_set: {'allowed': [...], 'disallowed': [...]}",
    ),
    BodyCorrection(
        "asterisk.updateObject",
        "fields",
        "containers",
        type="List[ConfigTuple]",
        reason="resource_asterisk.c reads body['fields'] as an array of"
        " {'attribute', 'value'} objects, as the parameter's description says",
    ),
    BodyCorrection(
        "bridges.create",
        "variables",
        "containers",
        whole_body=True,
        reason="resource_bridges.c (ast_ari_bridges_create) reads every key of the body"
        " as a variable; createWithId reads body['variables']",
    ),
)

_BY_KEY = {(c.operation, c.parameter): c for c in BODY_CORRECTIONS}


def body_correction(
    operation: str, parameter: str, spec_type: str
) -> BodyCorrection | None:
    """The correction of one body parameter, if the spec still says what the row corrects."""
    found = _BY_KEY.get((operation, parameter))
    return found if found is not None and found.spec_type == spec_type else None
