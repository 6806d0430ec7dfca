"""The asterisk resource: info, ping, modules, logging, global variables, dynamic configuration."""

from __future__ import annotations

import asyncio
import fcntl
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from .conftest import Package, Server, raises

# A module nothing here depends on (use_count 0, no reload support) to unload and load again,
# and one that supports reloading (its reload is harmless: music on hold classes re-read).
UNLOADABLE = "codec_alaw.so"
RELOADABLE = "res_musiconhold.so"


@pytest.fixture()
def exclusive(server: Server) -> Iterator[None]:
    """Held while a test changes what the whole server shares (modules, the logger): test runs in
    other processes on this machine wait instead of seeing a module vanish under them.
    """
    name = "".join(c if c.isalnum() else "_" for c in server.url)
    with open(Path(tempfile.gettempdir()) / f"ari-it-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- info and ping --------------------------------------------------------------------------------


def test_get_info_everything(ari: Any, pkg: Package) -> None:
    info = ari.asterisk.get_info()
    m = pkg.models
    assert isinstance(info, m.AsteriskInfo)
    assert isinstance(info.build, m.BuildInfo) and info.build.os
    assert isinstance(info.system, m.SystemInfo) and info.system.version
    assert info.system.entity_id
    assert (
        isinstance(info.config, m.ConfigInfo) and info.config.default_language == "en"
    )
    assert isinstance(info.config.setid, m.SetId)
    assert isinstance(info.status, m.StatusInfo)
    assert isinstance(info.status.startup_time, datetime)
    assert info.status.startup_time.tzinfo is not None
    assert info.status.last_reload_time >= info.status.startup_time


def test_get_info_only(ari: Any, pkg: Package) -> None:
    system = ari.asterisk.get_info(only="system")
    assert isinstance(system, pkg.models.AsteriskInfo)
    assert system.system is not None and system.system.version
    assert (system.build, system.config, system.status) == (None, None, None)

    two = ari.asterisk.get_info(only=["build", "status"])  # sent as only=build,status
    assert two.build is not None and two.status is not None
    assert two.system is None and two.config is None

    config = ari.asterisk.get_info(only=pkg.models.AsteriskGetInfoOnly.CONFIG)
    assert config.config is not None and config.config.default_language == "en"
    assert config.build is None and config.system is None and config.status is None


def test_get_info_only_rejects_unknown_section(ari: Any, pkg: Package) -> None:
    with pytest.raises(pkg.errors.ValidationError) as info:
        ari.asterisk.get_info(only=["system", "bogus"])
    assert [p.path for p in info.value.problems] == ["only[1]"]


def test_detect_server_version(ari: Any, pkg: Package) -> None:
    version = ari.detect_server_version()
    assert version == ari.asterisk.get_info(only="system").system.version
    assert ari.server_version == version


def test_ping(ari: Any, pkg: Package) -> None:
    pong = ari.asterisk.ping()
    assert isinstance(pong, pkg.models.AsteriskPing)
    assert pong.ping == "pong"
    assert pong.asterisk_id == ari.asterisk.get_info(only="system").system.entity_id
    assert pong.timestamp


def test_async_info_ping_and_errors(pkg: Package, server: Server) -> None:
    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            info, pong = await asyncio.gather(
                client.asterisk.get_info(only=["system"]), client.asterisk.ping()
            )
            assert isinstance(info, pkg.models.AsteriskInfo)
            assert isinstance(pong, pkg.models.AsteriskPing)
            assert pong.asterisk_id == info.system.entity_id
            module = await client.asterisk.get_module(module_name="res_ari.so")
            assert isinstance(module, pkg.models.Module) and module.name == "res_ari.so"
            with raises(
                pkg, "NotFound", 404, "Module could not be found in running modules"
            ):
                await client.asterisk.get_module(module_name="no_such_module.so")

    asyncio.run(flow())


# --- modules --------------------------------------------------------------------------------------


def test_list_modules(ari: Any, pkg: Package) -> None:
    modules = ari.asterisk.list_modules()
    assert modules and all(isinstance(m, pkg.models.Module) for m in modules)
    by_name = {m.name: m for m in modules}
    assert by_name["res_ari.so"].status == "Running"
    assert by_name["res_ari.so"].support_level == "core"
    assert isinstance(by_name["res_ari.so"].use_count, int)


def test_get_module(ari: Any, pkg: Package) -> None:
    module = ari.asterisk.get_module(module_name="res_ari.so")
    assert isinstance(module, pkg.models.Module)
    assert module.name == "res_ari.so"
    assert module.description == "Asterisk RESTful Interface"
    assert module.status == "Running"
    assert module.use_count >= 1


def test_get_module_errors(ari: Any, pkg: Package) -> None:
    with raises(
        pkg, "NotFound", 404, "Module could not be found in running modules"
    ) as info:
        ari.asterisk.get_module(module_name="no_such_module.so")
    assert (
        info.value.reason == "Module could not be found in running modules."
    )  # the spec's
    assert info.value.operation == "asterisk.getModule"
    # without ".so" the module is found but its information is not
    with raises(pkg, "Conflict", 409, "Module information could not be retrieved"):
        ari.asterisk.get_module(module_name="res_ari")


def test_unload_and_load_module(ari: Any, pkg: Package, exclusive: None) -> None:
    assert ari.asterisk.get_module(module_name=UNLOADABLE).status == "Running"
    try:
        assert ari.asterisk.unload_module(module_name=UNLOADABLE) is None
        with raises(
            pkg, "NotFound", 404, "Module could not be found in running modules"
        ):
            ari.asterisk.get_module(module_name=UNLOADABLE)
        assert UNLOADABLE not in {m.name for m in ari.asterisk.list_modules()}
        with raises(pkg, "NotFound", 404, "Module not found in running modules"):
            ari.asterisk.unload_module(module_name=UNLOADABLE)
        with raises(pkg, "NotFound", 404, "Module not found in running modules"):
            ari.asterisk.reload_module(module_name=UNLOADABLE)
        assert ari.asterisk.load_module(module_name=UNLOADABLE) is None
        assert ari.asterisk.get_module(module_name=UNLOADABLE).status == "Running"
        with raises(pkg, "Conflict", 409, "Module is already loaded"):
            ari.asterisk.load_module(module_name=UNLOADABLE)
    finally:
        try:
            ari.asterisk.load_module(module_name=UNLOADABLE)
        except pkg.errors.Conflict:
            pass  # loaded


def test_load_module_errors(ari: Any, pkg: Package) -> None:
    with raises(pkg, "Conflict", 409, "Module load declined"):
        ari.asterisk.load_module(module_name="no_such_module.so")
    with raises(pkg, "NotFound", 404, "Module not found in running modules"):
        ari.asterisk.unload_module(module_name="no_such_module.so")


def test_reload_module(ari: Any, pkg: Package, exclusive: None) -> None:
    assert ari.asterisk.reload_module(module_name=RELOADABLE) is None
    assert ari.asterisk.get_module(module_name=RELOADABLE).status == "Running"
    with raises(pkg, "Conflict", 409, "Module does not support reloading"):
        ari.asterisk.reload_module(module_name=UNLOADABLE)
    with raises(pkg, "NotFound", 404, "Module not found in running modules"):
        ari.asterisk.reload_module(module_name="no_such_module.so")


# --- logging --------------------------------------------------------------------------------------


@pytest.fixture()
def log_name(ari: Any, pkg: Package, server: Server) -> Any:
    """A log channel name of this test's own; the channel and its file are removed at the end."""
    name = f"it-log-{uuid.uuid4().hex[:8]}"
    paths: list[str] = []

    def path_of() -> str | None:
        for channel in ari.asterisk.list_log_channels():
            if Path(channel.channel).name == name:
                return str(channel.channel)
        return None

    yield name, path_of, paths
    try:
        ari.asterisk.delete_log(log_channel_name=name)
    except pkg.errors.NotFound:
        pass
    if server.prefix is not None:  # the server is on this machine
        for path in paths:
            if Path(path).name == name and Path(path).is_file():
                Path(path).unlink()


def test_list_log_channels(ari: Any, pkg: Package) -> None:
    channels = ari.asterisk.list_log_channels()
    assert channels and all(isinstance(c, pkg.models.LogChannel) for c in channels)
    assert {c.type for c in channels} >= {"File", "Console"}
    messages = [c for c in channels if Path(c.channel).name == "messages"]
    assert messages and messages[0].status == "Enabled"
    assert "ERROR" in messages[0].configuration.split()


def test_add_and_delete_log(
    ari: Any, pkg: Package, exclusive: None, log_name: Any
) -> None:
    name, path_of, paths = log_name
    assert (
        ari.asterisk.add_log(log_channel_name=name, configuration="notice,warning")
        is None
    )
    path = path_of()
    assert path is not None
    paths.append(path)
    channel = next(c for c in ari.asterisk.list_log_channels() if c.channel == path)
    assert channel.type == "File" and channel.status == "Enabled"
    assert channel.configuration.split() == ["NOTICE", "WARNING"]
    with raises(pkg, "Conflict", 409, "Log channel already exists"):
        ari.asterisk.add_log(log_channel_name=name, configuration="error")

    assert ari.asterisk.delete_log(log_channel_name=name) is None
    assert path_of() is None
    with raises(pkg, "NotFound", 404, "Log channel does not exist"):
        ari.asterisk.delete_log(log_channel_name=name)


def test_add_log_errors(ari: Any, pkg: Package, log_name: Any) -> None:
    name, path_of, _ = log_name
    with raises(pkg, "BadRequest", 400, "Configuration levels are required") as info:
        ari.asterisk.add_log(log_channel_name=name, configuration="")
    assert info.value.documented and info.value.reason == "Bad request body"
    assert path_of() is None


def test_rotate_log(ari: Any, pkg: Package, exclusive: None, log_name: Any) -> None:
    name, path_of, paths = log_name
    ari.asterisk.add_log(log_channel_name=name, configuration="notice")
    path = path_of()
    assert path is not None
    paths.append(path)
    assert ari.asterisk.rotate_log(log_channel_name=name) is None
    # (Asterisk re-reads logger.conf when it rotates, which drops channels added at run time.)
    with raises(pkg, "NotFound", 404, "Log channel does not exist"):
        ari.asterisk.rotate_log(log_channel_name=f"{name}-missing")


# --- global variables -----------------------------------------------------------------------------


def test_set_and_get_global_var(ari: Any, pkg: Package) -> None:
    name = f"IT_GLOBAL_{uuid.uuid4().hex[:8].upper()}"
    assert ari.asterisk.set_global_var(variable=name, value="42") is None
    got = ari.asterisk.get_global_var(variable=name)
    assert isinstance(got, pkg.models.Variable) and got.value == "42"

    text = "a b & c=d ü €"
    ari.asterisk.set_global_var(variable=name, value=text)
    assert ari.asterisk.get_global_var(variable=name).value == text

    ari.asterisk.set_global_var(variable=name)  # no value: unset
    assert ari.asterisk.get_global_var(variable=name).value == ""


def test_get_global_var_never_set(ari: Any, pkg: Package) -> None:
    got = ari.asterisk.get_global_var(
        variable=f"IT_NEVER_{uuid.uuid4().hex[:8].upper()}"
    )
    assert isinstance(got, pkg.models.Variable) and got.value == ""


def test_global_var_errors(ari: Any, pkg: Package) -> None:
    with raises(pkg, "BadRequest", 400, "Variable name is required") as info:
        ari.asterisk.get_global_var(variable="")
    assert info.value.reason == "Missing variable parameter."
    with raises(pkg, "BadRequest", 400, "Variable name is required"):
        ari.asterisk.set_global_var(variable="", value="x")
    with pytest.raises(pkg.errors.ValidationError):
        ari.asterisk.get_global_var(variable=None)  # type: ignore[arg-type]


# --- dynamic configuration (sorcery) --------------------------------------------------------------
# res_pjsip is absent here. res_mwi_external keeps its "mailboxes" objects in astdb, a wizard that
# can create, update and delete; they are the mailboxes of the mailboxes resource.

MWI = ("res_mwi_external", "mailboxes")


@pytest.fixture()
def mwi_id(ari: Any, pkg: Package) -> Any:
    name = f"it-cfg-{uuid.uuid4().hex[:8]}"
    yield name
    try:
        ari.asterisk.delete_object(config_class=MWI[0], object_type=MWI[1], id=name)
    except pkg.errors.NotFound:
        pass


def _fields(tuples: list[Any]) -> dict[str, str]:
    return {t.attribute: t.value for t in tuples}


def test_update_get_delete_object(ari: Any, pkg: Package, mwi_id: str) -> None:
    ConfigTuple = pkg.models.ConfigTuple
    created = ari.asterisk.update_object(
        config_class=MWI[0],
        object_type=MWI[1],
        id=mwi_id,
        fields=[
            ConfigTuple(attribute="msgs_new", value="3"),
            ConfigTuple(attribute="msgs_old", value="1"),
        ],
    )
    assert all(isinstance(t, ConfigTuple) for t in created)
    assert _fields(created) == {"msgs_new": "3", "msgs_old": "1"}

    got = ari.asterisk.get_object(config_class=MWI[0], object_type=MWI[1], id=mwi_id)
    assert all(isinstance(t, ConfigTuple) for t in got)
    assert _fields(got) == {"msgs_new": "3", "msgs_old": "1"}
    mailbox = ari.mailboxes.get(
        mailbox_name=mwi_id
    )  # the same object, seen as a mailbox
    assert (mailbox.new_messages, mailbox.old_messages) == (3, 1)

    updated = ari.asterisk.update_object(
        config_class=MWI[0],
        object_type=MWI[1],
        id=mwi_id,
        fields=[ConfigTuple(attribute="msgs_new", value="5")],
    )
    assert _fields(updated) == {"msgs_new": "5", "msgs_old": "1"}
    got = ari.asterisk.get_object(config_class=MWI[0], object_type=MWI[1], id=mwi_id)
    assert _fields(got) == {"msgs_new": "5", "msgs_old": "1"}

    assert (
        ari.asterisk.delete_object(config_class=MWI[0], object_type=MWI[1], id=mwi_id)
        is None
    )
    with raises(pkg, "NotFound", 404, f"Object with id '{mwi_id}' not found"):
        ari.asterisk.get_object(config_class=MWI[0], object_type=MWI[1], id=mwi_id)
    with raises(pkg, "NotFound", 404, f"Object with id '{mwi_id}' not found"):
        ari.asterisk.delete_object(config_class=MWI[0], object_type=MWI[1], id=mwi_id)


def test_update_object_without_fields(ari: Any, pkg: Package, mwi_id: str) -> None:
    # no fields: a new object is created with its defaults; an existing one needs fields
    created = ari.asterisk.update_object(
        config_class=MWI[0], object_type=MWI[1], id=mwi_id
    )
    assert _fields(created) == {"msgs_new": "0", "msgs_old": "0"}
    with raises(
        pkg, "BadRequest", 400, f"Fields must be provided to update object '{mwi_id}'"
    ):
        ari.asterisk.update_object(config_class=MWI[0], object_type=MWI[1], id=mwi_id)


def test_update_object_bad_field(ari: Any, pkg: Package, mwi_id: str) -> None:
    with raises(
        pkg,
        "BadRequest",
        400,
        f"Creation of object '{mwi_id}' failed field value validation",
    ):
        ari.asterisk.update_object(
            config_class=MWI[0],
            object_type=MWI[1],
            id=mwi_id,
            fields=[pkg.models.ConfigTuple(attribute="no_such_field", value="1")],
        )
    with raises(pkg, "NotFound", 404):
        ari.asterisk.get_object(config_class=MWI[0], object_type=MWI[1], id=mwi_id)


def test_dynamic_config_not_found(ari: Any, pkg: Package) -> None:
    with raises(pkg, "NotFound", 404, "configClass 'res_pjsip' not found"):
        ari.asterisk.get_object(
            config_class="res_pjsip", object_type="endpoint", id="it"
        )
    with raises(pkg, "NotFound", 404, "objectType 'bogus' not found"):
        ari.asterisk.get_object(config_class=MWI[0], object_type="bogus", id="it")
    with raises(pkg, "NotFound", 404, "configClass 'res_pjsip' not found"):
        ari.asterisk.update_object(
            config_class="res_pjsip",
            object_type="endpoint",
            id="it",
            fields=[pkg.models.ConfigTuple(attribute="allow", value="ulaw")],
        )
    with raises(pkg, "NotFound", 404, "objectType 'bogus' not found"):
        ari.asterisk.delete_object(config_class=MWI[0], object_type="bogus", id="it")


def test_dynamic_config_read_only_wizard(ari: Any, pkg: Package) -> None:
    # websocket_client.conf objects come from a config file: sorcery cannot create or delete them
    with raises(
        pkg,
        "Forbidden",
        403,
        "Cannot create sorcery objects of type 'websocket_client'",
    ):
        ari.asterisk.update_object(
            config_class="res_websocket_client",
            object_type="websocket_client",
            id=f"it-{uuid.uuid4().hex[:8]}",
            fields=[
                pkg.models.ConfigTuple(attribute="uri", value="ws://127.0.0.1:9/x")
            ],
        )
    general = ari.asterisk.get_object(
        config_class="res_ari", object_type="general", id="general"
    )
    assert (
        _fields(general)["enabled"] == "Yes"
        or _fields(general)["enabled"].lower() == "yes"
    )
    with raises(pkg, "Forbidden", 403, "Could not delete object with id 'general'"):
        ari.asterisk.delete_object(
            config_class="res_ari", object_type="general", id="general"
        )
