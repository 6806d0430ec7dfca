"""The runtime of every generated package, as source: modules that are the same for every spec.

Each module in ``COPIED`` is copied into the generated package verbatim, under the same
name, after a header line saying it is generated (``ari_codegen.render``); black never runs
on it. Its imports are relative, so it needs no substitution: it imports what depends on
the spec only from the generated modules ``_spec`` (the data the runtime needs: basePath,
every operation for the stub server) and ``client`` (the clients, for ``testing``).
``STAND_INS`` are small checked-in versions of those two, so that this package imports,
type-checks (``mypy --strict ari_codegen``) and runs its unit tests (``tests/runtime/``) on
its own; they are never copied.

A template of the same name in a ``-t`` directory (``package/_http.py.jinja``) replaces the
copy; ``builtin/package/_http.py.jinja`` names the copy as a template (see docs/templates.md).

Nothing here imports the rest of ari_codegen, and nothing in ari_codegen imports these
modules except ``_runtime`` (for ``DATE_PATTERN``): they need httpx and websockets, which
only the generated package requires (and ``pytest_plugin`` pytest, which it imports only when
a test suite enables it).
"""

COPIED = (
    "_http.py",
    "_route.py",
    "_runtime.py",
    "errors.py",
    "events.py",
    "testing.py",
    "_stub_server.py",
    "_stub_api.py",
    "_pbx.py",
    "_pbx_objects.py",
    "_pbx_core.py",
    "_pbx_channels.py",
    "_pbx_media.py",
    "_pbx_resources.py",
    "pytest_plugin.py",
)
"""The modules copied into every generated package (by file name)."""

STAND_INS = ("_objects.py", "_spec.py", "client.py")
"""Checked-in stand-ins for generated modules the copied ones import; never copied."""
