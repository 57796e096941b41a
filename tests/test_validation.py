"""Malformed datasets stop loading with one clear message naming the file, feature and field."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from datalayer.errors import DatasetError
from datalayer.loader import load_datasets
from tests.conftest import DATA_DIR, REPO

Mutation = Callable[[Any], Any]


def data_dir_with(tmp_path: Path, file: str, content: bytes | Mutation | None) -> Path:
    """A copy of the shipped data dir (by symlink) where ``file`` is replaced or removed."""
    target = tmp_path / "data"
    target.mkdir()
    for item in DATA_DIR.iterdir():
        if item.name != file:
            (target / item.name).symlink_to(item)
    if content is None:
        return target
    if callable(content):
        parsed = json.loads((DATA_DIR / file).read_text(encoding="utf-8"))
        parsed = content(parsed)
        (target / file).write_text(json.dumps(parsed), encoding="utf-8")
    else:
        (target / file).write_bytes(content)
    return target


def first_props(update: dict[str, Any], index: int = 0) -> Mutation:
    def mutate(fc: Any) -> Any:
        fc["features"][index]["properties"].update(update)
        return fc

    return mutate


def drop_field(name: str) -> Mutation:
    def mutate(fc: Any) -> Any:
        del fc["features"][0]["properties"][name]
        return fc

    return mutate


def set_geometry(geometry: Any, index: int = 0) -> Mutation:
    def mutate(fc: Any) -> Any:
        fc["features"][index]["geometry"] = geometry
        return fc

    return mutate


def duplicate_first(fc: Any) -> Any:
    fc["features"][1]["properties"]["id"] = fc["features"][0]["properties"]["id"]
    return fc


def with_crs(fc: Any) -> Any:
    fc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}
    return fc


CASES: list[tuple[str, str, bytes | Mutation | None, list[str]]] = [
    (
        "truncated JSON",
        "cables.geojson",
        b'{"type": "FeatureCollection", "features": [',
        ["cables.geojson", "not valid JSON", "line 1"],
    ),
    (
        "non-UTF-8 bytes",
        "landing_points.geojson",
        b'{"type": "\xff\xfe"}',
        ["landing_points.geojson", "not UTF-8"],
    ),
    ("missing file", "coverage.geojson", None, ["coverage.geojson", "file not found"]),
    (
        "not a FeatureCollection",
        "facilities.geojson",
        lambda fc: fc["features"],
        ["facilities.geojson", "FeatureCollection"],
    ),
    (
        "empty FeatureCollection",
        "facilities.geojson",
        lambda fc: {"type": "FeatureCollection", "features": []},
        ["facilities.geojson", "no features"],
    ),
    (
        "wrong geometry type",
        "cables.geojson",
        set_geometry({"type": "Point", "coordinates": [5.0, 43.0]}),
        ["cables.geojson", "feature #0", "field 'geometry'", "expected geometry type"],
    ),
    (
        "null geometry",
        "landing_points.geojson",
        set_geometry(None),
        ["landing_points.geojson", "feature #0", "field 'geometry'"],
    ),
    (
        "longitude out of range",
        "landing_points.geojson",
        set_geometry({"type": "Point", "coordinates": [200.0, 43.0]}),
        ["landing_points.geojson", "feature #0", "'geometry'", "outside longitude"],
    ),
    (
        "non-numeric coordinate",
        "facilities.geojson",
        set_geometry({"type": "Point", "coordinates": ["5.3", 43.0]}),
        ["facilities.geojson", "feature #0", "non-numeric"],
    ),
    (
        "missing field",
        "cables.geojson",
        drop_field("owners"),
        ["cables.geojson", "feature #0", "field 'owners'", "missing required property"],
    ),
    (
        "owners as one string",
        "cables.geojson",
        first_props({"owners": "Orange, Telecom Egypt"}),
        ["cables.geojson", "feature #0", "field 'owners'", "expected a list of strings"],
    ),
    (
        "fractional year",
        "cables.geojson",
        first_props({"rfs_year": 2017.5}),
        ["cables.geojson", "field 'rfs_year'", "expected an integer or null"],
    ),
    (
        "count as text",
        "facilities.geojson",
        first_props({"exchange_count": "3"}),
        ["facilities.geojson", "field 'exchange_count'", "expected an integer"],
    ),
    (
        "unknown landing point id",
        "cables.geojson",
        first_props({"landing_point_ids": ["atlantis-nowhere"]}),
        ["cables.geojson", "feature #0", "field 'landing_point_ids'", "atlantis-nowhere"],
    ),
    (
        "duplicate id",
        "landing_points.geojson",
        duplicate_first,
        ["landing_points.geojson", "feature #1", "field 'id'", "duplicate id"],
    ),
    (
        "projected CRS",
        "cables.geojson",
        with_crs,
        ["cables.geojson", "coordinate reference system", "EPSG:4326"],
    ),
    (
        "metadata without attribution",
        "metadata.json",
        lambda m: {
            **m,
            "datasets": {
                **m["datasets"],
                "cables.geojson": {**m["datasets"]["cables.geojson"], "attribution": ""},
            },
        },
        ["metadata.json", "cables.geojson", "field 'attribution'"],
    ),
]


@pytest.mark.parametrize(
    ("file", "content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed_dataset_gives_clear_error(
    tmp_path: Path, file: str, content: bytes | Mutation | None, expected: list[str]
) -> None:
    directory = data_dir_with(tmp_path, file, content)
    with pytest.raises(DatasetError) as info:
        load_datasets(directory)
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert info.value.file == file


def test_bom_is_accepted(tmp_path: Path) -> None:
    raw = (DATA_DIR / "facilities.geojson").read_bytes()
    directory = data_dir_with(tmp_path, "facilities.geojson", b"\xef\xbb\xbf" + raw)
    assert len(load_datasets(directory).facilities) > 0


def test_cli_reports_bad_data_without_traceback(tmp_path: Path) -> None:
    directory = data_dir_with(tmp_path, "cables.geojson", drop_field("name"))
    result = subprocess.run(
        [sys.executable, str(REPO / "app.py"), "--data", str(directory), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 2
    assert "cables.geojson, feature #0" in result.stderr
    assert "field 'name'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_env_variable_selects_data_dir(tmp_path: Path) -> None:
    directory = data_dir_with(tmp_path, "coverage.geojson", None)
    result = subprocess.run(
        [sys.executable, str(REPO / "app.py"), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={"LANDFALL_DATA": str(directory), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "coverage.geojson: file not found" in result.stderr
