"""The data cache (datalayer/cache.py): a hit equals a fresh load, and nothing stale or broken
is ever served — a changed file, a code change, a corrupt or foreign entry, a cache that cannot be
written or a disabled cache all end in the normal load."""

from __future__ import annotations

import gc
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from geopandas.testing import assert_geodataframe_equal

import datalayer.cache as cache
from config import CACHE_ENV, cache_dir_from_env
from datalayer.errors import DatasetError
from datalayer.loader import DATA_FILES, Datasets, load_datasets
from datalayer.schema import ALL_SPECS
from tests.conftest import DATA_DIR

FRAMES = ("cables", "landing_points", "facilities", "coverage", "ftth", "regions")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped data (tests change its files)."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every real (parsing, validating) load the cache falls back to."""
    calls: list[Path] = []

    def counting(directory: Path | str) -> Datasets:
        calls.append(Path(directory))
        return load_datasets(directory)

    monkeypatch.setattr(cache, "load_datasets", counting)
    return calls


def assert_same(got: Datasets, expected: Datasets) -> None:
    for name in FRAMES:
        assert_geodataframe_equal(getattr(got, name), getattr(expected, name))
        assert list(getattr(got, name).index) == list(getattr(expected, name).index)
    assert got.basemap_land == expected.basemap_land
    assert got.basemap_borders == expected.basemap_borders
    assert got.metadata == expected.metadata
    assert got.warnings == expected.warnings
    assert got.source_dir == expected.source_dir


def entry(cache_dir: Path) -> Path:
    (path,) = cache_dir.glob("*" + cache.SUFFIX)
    return path


def test_key_covers_every_file_the_loader_reads() -> None:
    assert set(DATA_FILES) == {"metadata.json", *(spec.file for spec in ALL_SPECS)}


def test_hit_equals_a_fresh_load(data_dir: Path, tmp_path: Path, loads: list[Path]) -> None:
    cache_dir = tmp_path / "cache"
    first = cache.load_datasets_cached(data_dir, cache_dir)
    assert len(loads) == 1 and entry(cache_dir).stat().st_size > 0
    hit = cache.load_datasets_cached(data_dir, cache_dir)
    assert len(loads) == 1  # served from the cache
    assert_same(hit, load_datasets(data_dir))
    assert_same(first, hit)
    # The same directory by another spelling finds the same entry.
    again = cache.load_datasets_cached(str(data_dir / ".." / "data"), cache_dir)
    assert len(loads) == 1
    assert again.source_dir == Path(str(data_dir / ".." / "data"))


def test_hit_keeps_the_repair_warnings(
    data_dir: Path, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cables = data_dir / "cables.geojson"
    cables.write_bytes(b"\xef\xbb\xbf" + cables.read_bytes())  # a BOM: repaired and counted
    fresh = load_datasets(data_dir)
    assert fresh.warnings
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    from app import create_app

    apps = [create_app(data_dir=data_dir) for _ in range(2)]
    assert len(loads) == 1
    for dash_app in apps:
        assert dash_app.server.config["LANDFALL_DATA_WARNINGS"] == fresh.warnings
    assert str(apps[0].layout) == str(apps[1].layout)  # the notice lists the same repairs


@pytest.mark.parametrize("change", ["content", "touch", "same size and mtime"])
def test_a_changed_file_is_a_miss(
    data_dir: Path, tmp_path: Path, loads: list[Path], change: str
) -> None:
    cache_dir = tmp_path / "cache"
    cache.load_datasets_cached(data_dir, cache_dir)
    metadata = data_dir / "metadata.json"
    before = metadata.stat()
    text = metadata.read_text()
    if change == "content":
        metadata.write_text(text.replace("TeleGeography", "TeleGeography (changed)", 1))
    elif change == "touch":
        os.utime(metadata, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))
    else:
        metadata.write_text(text.replace("TeleGeography", "TELEGEOGRAPHY", 1))
        os.utime(metadata, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert metadata.stat().st_size == before.st_size
    data = cache.load_datasets_cached(data_dir, cache_dir)
    assert len(loads) == 2
    assert_same(data, load_datasets(data_dir))
    cache.load_datasets_cached(data_dir, cache_dir)  # the new entry replaced the old one
    assert len(loads) == 2
    assert len(list(cache_dir.iterdir())) == 1


def test_a_code_change_is_a_miss(
    data_dir: Path, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    cache.load_datasets_cached(data_dir, cache_dir)
    fingerprint = cache.code_fingerprint()
    monkeypatch.setattr(cache, "code_fingerprint", lambda: fingerprint + b"validate.py edited")
    cache.load_datasets_cached(data_dir, cache_dir)
    assert len(loads) == 2


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "empty", "not an entry", "shared"])
def test_a_bad_entry_falls_back_to_the_files(
    data_dir: Path, tmp_path: Path, loads: list[Path], damage: str, caplog: Any
) -> None:
    cache_dir = tmp_path / "cache"
    cache.load_datasets_cached(data_dir, cache_dir)
    path = entry(cache_dir)
    blob = bytearray(path.read_bytes())
    if damage == "flipped byte":
        blob[len(blob) // 2] ^= 0xFF
        path.write_bytes(bytes(blob))
    elif damage == "truncated":
        path.write_bytes(bytes(blob[: len(blob) // 3]))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not an entry":
        path.write_bytes(b"\x80\x05N." + bytes(blob))
    else:
        path.chmod(0o666)  # others could have put anything there: a pickle runs code
    data = cache.load_datasets_cached(data_dir, cache_dir)
    assert len(loads) == 2
    assert_same(data, load_datasets(data_dir))
    assert "data cache" in caplog.text
    cache.load_datasets_cached(data_dir, cache_dir)  # rewritten, good again
    assert len(loads) == 2


def test_an_entry_of_other_data_is_never_served(
    data_dir: Path, tmp_path: Path, loads: list[Path]
) -> None:
    """Even an intact entry, put in place of this directory's, is refused by its key."""
    cache_dir = tmp_path / "cache"
    other = tmp_path / "other"
    shutil.copytree(data_dir, other)
    cache.load_datasets_cached(other, cache_dir)
    cache.entry_path(cache_dir, other).rename(cache.entry_path(cache_dir, data_dir))
    cache.load_datasets_cached(data_dir, cache_dir)
    assert len(loads) == 2


def test_disabled_cache_reads_the_files_and_writes_nothing(
    data_dir: Path, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for value in ("off", "OFF", "0", "none"):
        monkeypatch.setenv(CACHE_ENV, value)
        assert cache_dir_from_env() is None
        assert_same(
            cache.load_datasets_cached(data_dir, cache_dir_from_env()), load_datasets(data_dir)
        )
    assert len(loads) == 4
    assert not (tmp_path / "home").exists()


def test_cache_dir_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert cache_dir_from_env() == tmp_path / "home" / ".cache" / "landfall"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir_from_env() == tmp_path / "xdg" / "landfall"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert cache_dir_from_env() == tmp_path / "home" / ".cache" / "landfall"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_dir_from_env() == tmp_path / "mine"


def test_unwritable_cache_dir_still_starts(
    data_dir: Path, tmp_path: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    data = cache.load_datasets_cached(data_dir, blocker / "cache")
    assert_same(data, load_datasets(data_dir))
    assert "not written" in caplog.text

    def refuse(*_: Any) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(os, "replace", refuse)
    cache_dir = tmp_path / "cache"
    assert_same(cache.load_datasets_cached(data_dir, cache_dir), load_datasets(data_dir))
    assert list(cache_dir.iterdir()) == []  # no temporary file left behind
    assert len(loads) == 2


def test_errors_are_never_cached(data_dir: Path, tmp_path: Path, loads: list[Path]) -> None:
    cache_dir = tmp_path / "cache"
    good = (data_dir / "cables.geojson").read_bytes()
    cache.load_datasets_cached(data_dir, cache_dir)  # a good entry exists
    (data_dir / "cables.geojson").write_bytes(
        good.replace(b'"owners":[', b'"owners":"Orange","x":[', 1)
    )
    for _ in range(2):
        with pytest.raises(DatasetError) as error:
            cache.load_datasets_cached(data_dir, cache_dir)
        assert "cables.geojson" in str(error.value) and "'owners'" in str(error.value)
    (data_dir / "cables.geojson").unlink()
    with pytest.raises(DatasetError, match=r"cables\.geojson"):
        cache.load_datasets_cached(data_dir, cache_dir)
    (data_dir / "cables.geojson").write_bytes(good)
    assert_same(cache.load_datasets_cached(data_dir, cache_dir), load_datasets(data_dir))
    assert len(loads) == 5  # each attempt read the files (the restored file is a new one too)
    assert gc.isenabled()  # paused while loading, restored after errors too
