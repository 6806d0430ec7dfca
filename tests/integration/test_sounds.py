"""The sounds resource. The server has one sound, ``beep`` (en, slin)."""

from __future__ import annotations

import asyncio
from typing import Any

from .conftest import Package, Server, raises


def test_list(ari: Any, pkg: Package) -> None:
    sounds = ari.sounds.list()
    assert sounds and all(isinstance(s, pkg.models.Sound) for s in sounds)
    beep = next(s for s in sounds if s.id == "beep")
    assert beep.formats and all(
        isinstance(f, pkg.models.FormatLangPair) for f in beep.formats
    )
    assert {(f.language, f.format) for f in beep.formats} >= {("en", "slin")}


def test_list_filtered(ari: Any, pkg: Package) -> None:
    everything = {s.id for s in ari.sounds.list()}
    assert {s.id for s in ari.sounds.list(lang="en")} == everything
    assert {s.id for s in ari.sounds.list(format="slin")} == everything
    assert "beep" in {s.id for s in ari.sounds.list(lang="en", format="slin")}


def test_list_nothing_matches(ari: Any, pkg: Package) -> None:
    # an empty result is a 404, not an empty list
    with raises(pkg, "NotFound", 404, "No sounds found that matched the query") as info:
        ari.sounds.list(lang="fr")
    assert not info.value.documented  # sounds.list documents no error
    with raises(pkg, "NotFound", 404, "No sounds found that matched the query"):
        ari.sounds.list(format="gsm")


def test_get(ari: Any, pkg: Package) -> None:
    beep = ari.sounds.get(sound_id="beep")
    assert isinstance(beep, pkg.models.Sound)
    assert beep.id == "beep"
    assert [(f.language, f.format) for f in beep.formats] == [("en", "slin")]
    assert beep.text is None or isinstance(beep.text, str)


def test_get_unknown(ari: Any, pkg: Package) -> None:
    with raises(pkg, "NotFound", 404, "Sound not found") as info:
        ari.sounds.get(sound_id="does-not-exist")
    assert info.value.operation == "sounds.get"


def test_async_sounds(pkg: Package, server: Server) -> None:
    async def flow() -> None:
        async with pkg.AsyncAriClient(
            server.url, username=server.user, password=server.password
        ) as client:
            sounds, beep = await asyncio.gather(
                client.sounds.list(lang="en"), client.sounds.get(sound_id="beep")
            )
            assert beep.id in {s.id for s in sounds}
            with raises(pkg, "NotFound", 404, "Sound not found"):
                await client.sounds.get(sound_id="does-not-exist")

    asyncio.run(flow())
