"""The smaller resources of the in-memory Asterisk, one class per resource (the asterisk
resource in four: information and global variables, modules, logging, dynamic configuration):
asterisk, applications, events, device states, mailboxes, sounds, endpoints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Tuple

from ._pbx_objects import (
    DEVICE_STATES,
    MODULES,
    App,
    Endpoint,
    Sound,
    StubError,
    StubRequest,
    StubResponse,
    add_reference,
    comma_list,
    now,
)

if TYPE_CHECKING:
    from ._pbx import Pbx

__all__ = [
    "Applications",
    "AsteriskConfig",
    "AsteriskInfo",
    "AsteriskLogging",
    "AsteriskModules",
    "DeviceStates",
    "Endpoints",
    "Events",
    "Mailboxes",
    "Sounds",
]


def event_sources(raw: Any, user_event: bool = False) -> List[Tuple[str, str]]:
    """The event sources a request names (``channel:<id>``, ``bridge:``, ...) as (scheme,
    rest); a user event cannot name ``deviceState:``."""
    sources = []
    for source in comma_list(raw):
        scheme, colon, rest = source.partition(":")
        schemes = ("channel", "bridge", "endpoint") if user_event else (
            "channel", "bridge", "endpoint", "deviceState",
        )  # fmt: skip
        if not colon or scheme not in schemes:
            raise StubError(400, "Invalid event source URI scheme")
        sources.append((scheme, rest))
    return sources


def source_exists(pbx: Pbx, scheme: str, rest: str) -> bool:
    """Does the event source exist (a device state always does)?"""
    if scheme == "channel":
        chan = pbx.channels.get(rest)
        return chan is not None and not chan.gone
    if scheme == "bridge":
        return rest in pbx.bridges
    if scheme == "endpoint":
        tech, _, res = rest.partition("/")
        return (tech, res) in pbx.endpoints
    return True


class AsteriskInfo:
    """``asterisk.getInfo``, ``ping`` and the global variables."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_asterisk__getInfo(self, r: StubRequest) -> Dict[str, Any]:
        info: Dict[str, Any] = {
            "build": {
                "os": "Linux",
                "kernel": "stub",
                "machine": "x86_64",
                "options": "OPTIONAL_API",
                "date": self.pbx.started[:10],
                "user": "stub",
            },
            "system": {"version": self.pbx.version, "entity_id": self.pbx.asterisk_id},
            "config": {
                "name": "",
                "default_language": "en",
                "setid": {"user": "asterisk", "group": "asterisk"},
            },
            "status": {
                "startup_time": self.pbx.started,
                "last_reload_time": self.pbx.started,
            },
        }
        only = comma_list(r.params.get("only"))
        return {k: v for k, v in info.items() if not only or k in only}

    def op_asterisk__ping(self, r: StubRequest) -> Dict[str, Any]:
        return {"ping": "pong", "timestamp": now(), "asterisk_id": self.pbx.asterisk_id}

    def op_asterisk__getGlobalVar(self, r: StubRequest) -> Dict[str, Any]:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        return {"value": self.pbx.global_vars.get(name, "")}

    def op_asterisk__setGlobalVar(self, r: StubRequest) -> None:
        name = r.params.get("variable") or ""
        if not name:
            raise StubError(400, "Variable name is required")
        value = r.params.get("value")
        if value is None or value == "":
            self.pbx.global_vars.pop(name, None)
        else:
            self.pbx.global_vars[name] = str(value)
        everyone = [a.name for a in self.pbx.apps.values() if a.all_channels]
        self.pbx.emit("ChannelVarset", everyone, variable=name, value=str(value or ""))


class AsteriskModules:
    """``/asterisk/modules``: the modules running, loading, unloading, reloading them."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.modules: Dict[str, Tuple[str, str, bool]] = {
            name: (desc, level, reload) for name, desc, level, reload in MODULES
        }
        """The modules running: name -> (description, support level, reloadable)."""
        self.available_modules = dict(self.modules)
        """The modules that can be loaded."""

    def _module(self, name: str) -> Dict[str, Any]:
        """The ``Module`` of ``name`` as ARI shows it."""
        desc, level, _ = self.modules[name]
        uses = 13 if name == "res_ari.so" else (1 if name.startswith("res_ari_") else 0)
        return {
            "name": name,
            "description": desc,
            "use_count": uses,
            "status": "Running",
            "support_level": level,
        }

    def op_asterisk__listModules(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [self._module(n) for n in sorted(self.modules)]

    def op_asterisk__getModule(self, r: StubRequest) -> Dict[str, Any]:
        name = r.path_params["moduleName"]
        if name in self.modules:
            return self._module(name)
        if f"{name}.so" in self.modules:
            raise StubError(409, "Module information could not be retrieved")
        raise StubError(404, "Module could not be found in running modules")

    def op_asterisk__loadModule(self, r: StubRequest) -> None:
        name = r.path_params["moduleName"]
        if name in self.modules:
            raise StubError(409, "Module is already loaded")
        if name not in self.available_modules:
            raise StubError(409, "Module load declined")
        self.modules[name] = self.available_modules[name]

    def op_asterisk__unloadModule(self, r: StubRequest) -> None:
        name = r.path_params["moduleName"]
        if name not in self.modules:
            raise StubError(404, "Module not found in running modules")
        del self.modules[name]

    def op_asterisk__reloadModule(self, r: StubRequest) -> None:
        name = r.path_params["moduleName"]
        if name not in self.modules:
            raise StubError(404, "Module not found in running modules")
        if not self.modules[name][2]:
            raise StubError(409, "Module does not support reloading")


class AsteriskLogging:
    """``/asterisk/logging``: log channels listed, added, deleted, rotated."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.log_channels: Dict[str, Tuple[str, str]] = {
            "/var/log/asterisk/messages": ("File", "NOTICE WARNING ERROR VERBOSE "),
            "": ("Console", "NOTICE WARNING ERROR VERBOSE "),
        }
        """The log channels: path -> (type, levels); the console's path is ""."""
        self.config_log = set(self.log_channels)
        """The log channels of logger.conf (what a rotation keeps)."""

    def op_asterisk__listLogChannels(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [
            {
                "channel": path,
                "type": kind,
                "status": "Enabled",
                "configuration": levels,
            }
            for path, (kind, levels) in self.log_channels.items()
        ]

    def _log_path(self, name: str) -> str | None:
        """The path of the log channel ``name`` (its path, or its file name)."""
        for path in self.log_channels:
            if path == name or (path and path.rsplit("/", 1)[-1] == name):
                return path
        return None

    def op_asterisk__addLog(self, r: StubRequest) -> None:
        name = r.path_params["logChannelName"]
        levels = [
            p.strip().upper()
            for p in str(r.params.get("configuration") or "").split(",")
            if p.strip()
        ]
        if not levels:
            raise StubError(400, "Configuration levels are required")
        if self._log_path(name) is not None:
            raise StubError(409, "Log channel already exists")
        path = name if name.startswith("/") else f"/var/log/asterisk/{name}"
        self.log_channels[path] = ("File", "".join(f"{lvl} " for lvl in levels))

    def op_asterisk__deleteLog(self, r: StubRequest) -> None:
        path = self._log_path(r.path_params["logChannelName"])
        if path is None:
            raise StubError(404, "Log channel does not exist")
        del self.log_channels[path]

    def op_asterisk__rotateLog(self, r: StubRequest) -> None:
        if self._log_path(r.path_params["logChannelName"]) is None:
            raise StubError(404, "Log channel does not exist")
        # Asterisk re-reads logger.conf when it rotates: channels added at run time are gone
        for path in [p for p in self.log_channels if p not in self.config_log]:
            del self.log_channels[path]


class AsteriskConfig:
    """``/asterisk/config/dynamic``: dynamic configuration (sorcery). res_mwi_external's
    mailboxes (the mailboxes resource's, read and written), res_ari's general section (from
    a file: read-only), res_websocket_client (read-only, none)."""

    SORCERY = {
        "res_mwi_external": ("mailboxes",),
        "res_ari": ("general", "user"),
        "res_websocket_client": ("websocket_client",),
    }
    """The configuration classes and their object types."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx
        self.ari_config: Dict[str, Dict[str, str]] = {
            "general": {
                "enabled": "yes",
                "pretty": "no",
                "allowed_origins": "*",
                "auth_realm": "Asterisk REST Interface",
                "websocket_write_timeout": "100",
                "channelvars": "",
            }
        }
        """res_ari's objects (ari.conf), by id."""

    def _sorcery(self, r: StubRequest) -> Tuple[str, str, str]:
        """(configClass, objectType, id) of the request, the first two known (else 404)."""
        cls, kind, oid = (
            r.path_params["configClass"],
            r.path_params["objectType"],
            r.path_params["id"],
        )
        if cls not in self.SORCERY:
            raise StubError(404, f"configClass '{cls}' not found")
        if kind not in self.SORCERY[cls]:
            raise StubError(404, f"objectType '{kind}' not found")
        return cls, kind, oid

    def _object(self, cls: str, kind: str, oid: str) -> Dict[str, str] | None:
        """The fields of one object, or None if there is no such object."""
        if cls == "res_mwi_external":
            box = self.pbx.mailboxes.get(oid)
            if box is None:
                return None
            return {"msgs_new": str(box[1]), "msgs_old": str(box[0])}
        if cls == "res_ari" and kind == "general":
            return self.ari_config.get(oid)
        return None

    @staticmethod
    def _tuples(fields: Mapping[str, str]) -> List[Dict[str, str]]:
        """Fields as ARI's ``ConfigTuple`` list."""
        return [{"attribute": k, "value": v} for k, v in fields.items()]

    def op_asterisk__getObject(self, r: StubRequest) -> List[Dict[str, str]]:
        cls, kind, oid = self._sorcery(r)
        found = self._object(cls, kind, oid)
        if found is None:
            raise StubError(404, f"Object with id '{oid}' not found")
        return self._tuples(found)

    def op_asterisk__updateObject(self, r: StubRequest) -> List[Dict[str, str]]:
        cls, kind, oid = self._sorcery(r)
        existing = self._object(cls, kind, oid)
        body = r.params.get("fields")
        if isinstance(r.body, dict) and "fields" in r.body:
            body = r.body["fields"]
        fields = body if isinstance(body, list) else []
        if cls != "res_mwi_external":
            if existing is None:
                raise StubError(403, f"Cannot create sorcery objects of type '{kind}'")
            raise StubError(403, f"Cannot update sorcery objects of type '{kind}'")
        if existing is not None and not fields:
            raise StubError(400, f"Fields must be provided to update object '{oid}'")
        values = dict(existing or {"msgs_new": "0", "msgs_old": "0"})
        for item in fields:
            attribute = item.get("attribute") if isinstance(item, dict) else None
            value = item.get("value") if isinstance(item, dict) else None
            if (
                attribute not in ("msgs_new", "msgs_old")
                or not str(value).lstrip("-").isdigit()
            ):
                what = "Update" if existing is not None else "Creation"
                raise StubError(
                    400, f"{what} of object '{oid}' failed field value validation"
                )
            values[str(attribute)] = str(int(str(value)))
        self.pbx.mailboxes[oid] = (int(values["msgs_old"]), int(values["msgs_new"]))
        return self._tuples(values)

    def op_asterisk__deleteObject(self, r: StubRequest) -> None:
        cls, kind, oid = self._sorcery(r)
        if self._object(cls, kind, oid) is None:
            raise StubError(404, f"Object with id '{oid}' not found")
        if cls != "res_mwi_external":
            raise StubError(403, f"Could not delete object with id '{oid}'")
        del self.pbx.mailboxes[oid]


class Applications:
    """The applications resource (``/applications``): list, get, subscribe to event
    sources and unsubscribe, event filters."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def _app(self, r: StubRequest) -> App:
        """The application the request's path names (404 if it is not registered)."""
        app = self.pbx.apps.get(r.path_params.get("applicationName", ""))
        if app is None:
            raise StubError(404, "Application not found")
        return app

    def op_applications__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [a.snapshot() for _, a in sorted(self.pbx.apps.items())]

    def op_applications__get(self, r: StubRequest) -> Dict[str, Any]:
        return self._app(r).snapshot()

    def op_applications__subscribe(self, r: StubRequest) -> Dict[str, Any]:
        app = self._app(r)
        sources = event_sources(r.params.get("eventSource"))
        for scheme, rest in sources:
            if rest and not source_exists(self.pbx, scheme, rest):
                raise StubError(422, "Event source does not exist")
        for scheme, rest in sources:
            if not rest:
                setattr(app, {"channel": "all_channels", "bridge": "all_bridges",
                              "endpoint": "all_endpoints", "deviceState": "all_devices"}[scheme], True)  # fmt: skip
                continue
            table = {"channel": app.channels, "bridge": app.bridges,
                     "endpoint": app.endpoints, "deviceState": app.devices}[scheme]  # fmt: skip
            add_reference(table, rest, 1)
        return app.snapshot()

    def op_applications__unsubscribe(self, r: StubRequest) -> Dict[str, Any]:
        app = self._app(r)
        sources = event_sources(r.params.get("eventSource"))
        for scheme, rest in sources:
            if not rest:
                if scheme != "deviceState":
                    raise StubError(501, "Method not implemented")
                continue
            table = {"channel": app.channels, "bridge": app.bridges,
                     "endpoint": app.endpoints, "deviceState": app.devices}[scheme]  # fmt: skip
            if rest not in table:
                raise StubError(422, "Event source was not subscribed to")
        for scheme, rest in sources:
            if not rest:
                app.all_devices = False
                continue
            table = {"channel": app.channels, "bridge": app.bridges,
                     "endpoint": app.endpoints, "deviceState": app.devices}[scheme]  # fmt: skip
            table.pop(rest, None)
        return app.snapshot()

    def op_applications__filter(self, r: StubRequest) -> Dict[str, Any]:
        app = self._app(r)
        body = r.params.get("filter")
        if body is None:
            app.allowed, app.disallowed = [], []
            return app.snapshot()
        lists = {}
        for key in ("allowed", "disallowed"):
            if key in body:
                value = body[key]
                if not isinstance(value, list) or not all(
                    isinstance(v, dict) for v in value
                ):
                    raise StubError(400, "Invalid format definition")
                lists[key] = value
        if "allowed" in lists:
            app.allowed = lists["allowed"]
        if "disallowed" in lists:
            app.disallowed = lists["disallowed"]
        return app.snapshot()


class Events:
    """The events resource's operations (the websocket itself is the server's): user events,
    and claiming a channel (which needs a module the stub does not have)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_events__userEvent(self, r: StubRequest) -> None:
        name = r.path_params["eventName"]
        application = r.params.get("application") or ""
        if not application:
            raise StubError(400, "Missing parameter application")
        if application not in self.pbx.apps:
            raise StubError(404, "Application not found")
        sources = event_sources(r.params.get("source"), user_event=True)
        objects: Dict[str, Any] = {}
        for scheme, rest in sources:
            if not source_exists(self.pbx, scheme, rest):
                raise StubError(422, "Event source was not found")
            if scheme == "channel":
                objects["channel"] = self.pbx.channels[rest].snapshot()
            elif scheme == "bridge":
                objects["bridge"] = self.pbx.bridges[rest].snapshot()
            else:
                tech, _, res = rest.partition("/")
                objects["endpoint"] = self.pbx.endpoints[(tech, res)].snapshot()
        variables = r.params.get("variables") or {}
        self.pbx.emit(
            "ChannelUserevent",
            [application],
            eventname=name,
            userevent={**variables, "eventname": name},
            **objects,
        )

    def op_events__claimChannel(self, r: StubRequest) -> None:
        if not r.params.get("channelId"):
            raise StubError(400, "channelId parameter is required")
        if not r.params.get("application"):
            raise StubError(400, "application parameter is required")
        raise StubError(
            501,
            "Broadcast functionality not available (res_stasis_broadcast not loaded)",
        )


class DeviceStates:
    """The device states resource (``/deviceStates``): the ``Stasis:`` devices the
    applications control."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_deviceStates__list(self, r: StubRequest) -> List[Dict[str, str]]:
        return [{"name": n, "state": s} for n, s in self.pbx.device_states.items()]

    def op_deviceStates__get(self, r: StubRequest) -> Dict[str, str]:
        name = r.path_params["deviceName"]
        if not name.startswith("Stasis:"):
            return {"name": name, "state": "INVALID"}
        return {"name": name, "state": self.pbx.device_states.get(name, "UNKNOWN")}

    def op_deviceStates__update(self, r: StubRequest) -> None:
        name = r.path_params["deviceName"]
        if not name.startswith("Stasis:"):
            raise StubError(409, "Uncontrolled device specified")
        state = str(r.params.get("deviceState") or "").upper()
        if state not in DEVICE_STATES or state == "UNKNOWN":
            raise StubError(500, "Unknown device")
        self.set_device_state(name, state)

    def set_device_state(self, name: str, state: str) -> None:
        """``name`` is in ``state`` now: DeviceStateChanged to who watches it."""
        self.pbx.device_states[name] = state
        apps = [
            a.name for a in self.pbx.apps.values() if a.all_devices or name in a.devices
        ]
        self.pbx.emit(
            "DeviceStateChanged", apps, device_state={"name": name, "state": state}
        )

    def op_deviceStates__delete(self, r: StubRequest) -> None:
        name = r.path_params["deviceName"]
        if not name.startswith("Stasis:"):
            raise StubError(409, "Uncontrolled device specified")
        self.pbx.device_states.pop(name, None)


class Mailboxes:
    """The mailboxes resource (``/mailboxes``): message counts by mailbox."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_mailboxes__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [
            {"name": n, "old_messages": old, "new_messages": new}
            for n, (old, new) in sorted(self.pbx.mailboxes.items())
        ]

    def op_mailboxes__get(self, r: StubRequest) -> Dict[str, Any]:
        name = r.path_params["mailboxName"]
        if name not in self.pbx.mailboxes:
            raise StubError(404, "Mailbox is does not exist")
        old, new = self.pbx.mailboxes[name]
        return {"name": name, "old_messages": old, "new_messages": new}

    def op_mailboxes__update(self, r: StubRequest) -> None:
        self.pbx.mailboxes[r.path_params["mailboxName"]] = (
            int(r.params.get("oldMessages") or 0),
            int(r.params.get("newMessages") or 0),
        )

    def op_mailboxes__delete(self, r: StubRequest) -> None:
        if self.pbx.mailboxes.pop(r.path_params["mailboxName"], None) is None:
            raise StubError(404, "Mailbox does not exist")


class Sounds:
    """The sounds resource (``/sounds``): the sounds the stub can play, filtered by language
    and format."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    @staticmethod
    def _sound(sound: Sound) -> Dict[str, Any]:
        """The ``Sound`` as ARI shows it."""
        data: Dict[str, Any] = {
            "id": sound.id,
            "formats": [
                {"language": lang, "format": fmt} for lang, fmt in sound.formats
            ],
        }
        if sound.text is not None:
            data["text"] = sound.text
        return data

    def op_sounds__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        lang, fmt = r.params.get("lang"), r.params.get("format")
        found = [
            self._sound(s)
            for s in self.pbx.sounds.values()
            if any(
                (not lang or lang == la) and (not fmt or fmt == f)
                for la, f in s.formats
            )
        ]
        if not found:
            raise StubError(404, "No sounds found that matched the query")
        return found

    def op_sounds__get(self, r: StubRequest) -> Dict[str, Any]:
        sound = self.pbx.sounds.get(r.path_params["soundId"])
        if sound is None:
            raise StubError(404, "Sound not found")
        return self._sound(sound)


class Endpoints:
    """The endpoints resource (``/endpoints``): endpoints listed and got; messages and
    refers to them (messages are kept in ``pbx.messages``)."""

    def __init__(self, pbx: Pbx) -> None:
        self.pbx = pbx

    def op_endpoints__list(self, r: StubRequest) -> List[Dict[str, Any]]:
        return [e.snapshot() for e in self.pbx.endpoints.values()]

    def op_endpoints__listByTech(self, r: StubRequest) -> List[Dict[str, Any]]:
        tech = r.path_params["tech"]
        found = [
            e.snapshot()
            for (t, _), e in self.pbx.endpoints.items()
            if t.lower() == tech.lower()
        ]
        if not found:
            raise StubError(404, f"No Endpoints found - invalid tech {tech}")
        return found

    def op_endpoints__get(self, r: StubRequest) -> Dict[str, Any]:
        found = self.pbx.endpoints.get(
            (r.path_params["tech"], r.path_params["resource"])
        )
        if found is None:
            raise StubError(404, "Endpoint not found")
        return found.snapshot()

    def _endpoint_of(self, uri: str) -> Endpoint | None:
        """The endpoint a message URI (``pjsip:alice@host``) is for, or None."""
        tech, _, rest = uri.partition(":")
        resource = rest.split("@")[0]
        for (t, res), endpoint in self.pbx.endpoints.items():
            if t.lower() == tech.lower() and res == resource:
                return endpoint
        return None

    def _message_variables(self, r: StubRequest) -> Dict[str, str]:
        """The message's ``variables`` (400 unless every value is a string)."""
        variables = r.params.get("variables") or {}
        if any(not isinstance(v, str) for v in variables.values()):
            raise StubError(400, "Only string values in the 'variables' object allowed")
        return dict(variables)

    def op_endpoints__sendMessage(self, r: StubRequest) -> StubResponse:
        to = r.params.get("to") or ""
        if not to:
            raise StubError(400, "To must be specified")
        variables = self._message_variables(r)
        if self._endpoint_of(to) is None:
            raise StubError(404, "Endpoint not found")
        self.pbx.messages.append(
            {
                "to": to,
                "from": r.params.get("from"),
                "body": r.params.get("body"),
                "variables": variables,
            }
        )
        return StubResponse(202)

    def op_endpoints__sendMessageToEndpoint(self, r: StubRequest) -> StubResponse:
        key = (r.path_params["tech"], r.path_params["resource"])
        variables = self._message_variables(r)
        if key not in self.pbx.endpoints:
            raise StubError(404, "Endpoint not found")
        self.pbx.messages.append(
            {"to": f"{key[0].lower()}:{key[1]}", "from": r.params.get("from"),
             "body": r.params.get("body"), "variables": variables}
        )  # fmt: skip
        return StubResponse(202)

    def op_endpoints__refer(self, r: StubRequest) -> StubResponse:
        if not r.params.get("to"):
            raise StubError(400, "To must be specified")
        self._message_variables(r)
        if self._endpoint_of(str(r.params["to"])) is None:
            raise StubError(404, "Endpoint not found")
        return StubResponse(202)

    def op_endpoints__referToEndpoint(self, r: StubRequest) -> StubResponse:
        self._message_variables(r)
        if (r.path_params["tech"], r.path_params["resource"]) not in self.pbx.endpoints:
            raise StubError(404, "Endpoint not found")
        return StubResponse(202)
