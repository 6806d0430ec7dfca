"""Which event properties hold which objects, and which events end them: derived from the IR.

This is what the generated client's ``wait_for``, ``expect``, ``watch`` and
``on(..., channel=...)`` match on (rendered into the package's ``_objects.py`` by the template
``package/_objects.py.jinja``, read by the runtime module ``events``). Nothing here is a
hand-written list of ARI's events; three rules read the spec:

- **Identity.** A model is an *object* when it has a required string property ``id`` (a
  ``Channel``, ``Bridge``, ``Playback``) or, failing that, ``name`` (a ``LiveRecording``, a
  ``DeviceState``): that property identifies it. Models without either (``Endpoint``,
  ``Peer``) are matched with a predicate (``where=``) instead.
- **Objects of an event.** Every property of an event class (its own and inherited) whose
  type is an object model is a keyword of the matchers, by its Python name:
  ``StasisStart`` has ``channel`` and ``replace_channel``, ``Dial`` ``caller``, ``peer`` and
  ``forwarded``. A base class (``Event``) accepts the keywords of all its descendants.
- **Ends.** An event ends the object of one of its required object properties when its name
  is that property's name in CamelCase followed by ``Destroyed``, ``Finished`` or ``Failed``
  (``ChannelDestroyed`` ends ``channel``, ``PlaybackFinished`` ``playback``,
  ``RecordingFailed`` ``recording``), or when it is ``XEnd`` of a pair ``XStart``/``XEnd``,
  for the required object properties the pair shares (``StasisEnd`` ends ``channel``: the
  channel has left the application). ``ChannelTalkingFinished`` ends nothing: no property is
  called ``channel_talking``.

The hierarchies considered are those with a parser (a discriminator root with subtypes:
ARI's ``Message``), root included.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import ir

IDENTITY_KEYS = ("id", "name")
"""The properties that identify an object model, in order of preference."""
END_WORDS = ("Destroyed", "Finished", "Failed")
"""What an event's name ends with when it ends the object it is named after."""


@dataclass(frozen=True)
class ObjectProperty:
    """A property of an event that holds an object."""

    property: ir.Property
    model: ir.Model  # the object's model
    key: ir.Property  # the model's identifying property


@dataclass(frozen=True)
class EventObjects:
    """The objects of one event class (a model of a parsed hierarchy)."""

    model: ir.Model
    objects: tuple[ObjectProperty, ...]  # its own and inherited object properties
    keywords: tuple[tuple[str, tuple[str, ...]], ...]
    """Every keyword the class accepts (its and its descendants' object properties, by
    py_name, in order of first appearance) with the class names of the models it may hold."""
    ends: tuple[str, ...]  # py_names of the properties whose objects this event ends


def identity(model: ir.Model) -> ir.Property | None:
    """The property that identifies a model as an object, or None."""
    props = {p.name: p for p in model.all_properties}
    for name in IDENTITY_KEYS:
        prop = props.get(name)
        if prop is not None and prop.required and prop.type.kind == "string":
            return prop
    return None


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def event_objects(spec: ir.Spec) -> tuple[EventObjects, ...]:
    """The object properties of every class of every parsed hierarchy, spec order."""
    hierarchy: list[ir.Model] = []
    for root in spec.models:
        if root.py_parser and root.is_root:
            hierarchy += [root, *(spec.model(k) for k in root.descendants)]
    names = {m.id for m in hierarchy}

    def objects_of(model: ir.Model) -> tuple[ObjectProperty, ...]:
        found = []
        for prop in model.all_properties:
            if prop.type.kind != "model" or prop.type.model is None:
                continue
            target = spec.models_by_id.get(prop.type.model)
            key = identity(target) if target is not None else None
            if target is not None and key is not None:
                found.append(ObjectProperty(prop, target, key))
        return tuple(found)

    own = {m.id: objects_of(m) for m in hierarchy}
    out: list[EventObjects] = []
    for model in hierarchy:
        keywords: dict[str, list[str]] = {}
        for member in (model.id, *model.descendants):
            for obj in own[member]:
                held = keywords.setdefault(obj.property.py_name, [])
                if obj.model.py_name not in held:
                    held.append(obj.model.py_name)
        ends: list[str] = []
        required = [o for o in own[model.id] if o.property.required]
        for obj in required:
            noun = _camel(obj.property.name)
            if any(model.id == noun + word for word in END_WORDS):
                ends.append(obj.property.py_name)
        if model.id.endswith("End") and model.id[:-3] + "Start" in names:
            start = {
                (o.property.name, o.model.id)
                for o in own[model.id[:-3] + "Start"]
                if o.property.required
            }
            for obj in required:
                if (obj.property.name, obj.model.id) in start:
                    if obj.property.py_name not in ends:
                        ends.append(obj.property.py_name)
        out.append(
            EventObjects(
                model,
                own[model.id],
                tuple((k, tuple(v)) for k, v in keywords.items()),
                tuple(ends),
            )
        )
    return tuple(out)


def object_models(spec: ir.Spec) -> tuple[tuple[ir.Model, ir.Property], ...]:
    """Every object model that some event holds, with its identifying property (spec order)."""
    held = {o.model.id for e in event_objects(spec) for o in e.objects}
    found = []
    for model in spec.models:
        key = identity(model)
        if model.id in held and key is not None:
            found.append((model, key))
    return tuple(found)
