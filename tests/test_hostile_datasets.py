"""A corpus of hostile and broken datasets: each one is refused clearly or repaired visibly.

Every case starts from a copy of the shipped data (by symlink) with one file replaced. A refused
case raises :class:`DatasetError` naming the file and, where the problem sits in a feature, the
feature and the field; ``python app.py`` then exits with status 2 and no traceback (checked for
a sample). A repaired case loads with a counted warning naming file, feature and field, keeps
every feature (nothing is dropped) and the page shows the warning.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from datalayer import schema
from datalayer.errors import DatasetError
from datalayer.loader import load_datasets
from tests.conftest import DATA_DIR, REPO

Mutation = Callable[[Any], Any]
Content = bytes | Mutation | Callable[[Path], None] | None


@dataclass(frozen=True)
class Case:
    """One hostile dataset: the file it replaces and what must happen."""

    name: str
    file: str
    content: Content
    #: Substrings of the error (refused) or of one warning (repaired).
    expected: tuple[str, ...]
    repaired: bool = False


def write_case(tmp_path: Path, case: Case) -> Path:
    """A data dir: the shipped files (symlinked) with ``case.file`` replaced or removed."""
    target = tmp_path / "data"
    target.mkdir()
    for item in DATA_DIR.iterdir():
        if item.name != case.file:
            (target / item.name).symlink_to(item)
    path = target / case.file
    content = case.content
    if content is None:
        return target
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif getattr(content, "writes_file", False):
        content(path)
    else:
        parsed = json.loads((DATA_DIR / case.file).read_text(encoding="utf-8"))
        # allow_nan: NaN/Infinity are written as the bare tokens some tools produce.
        path.write_text(json.dumps(content(parsed), allow_nan=True), encoding="utf-8")
    return target


def props(update: dict[str, Any], index: int = 0) -> Mutation:
    def mutate(fc: Any) -> Any:
        fc["features"][index]["properties"].update(update)
        return fc

    return mutate


def props_in(indices: range, update: dict[str, Any]) -> Mutation:
    def mutate(fc: Any) -> Any:
        for index in indices:
            fc["features"][index]["properties"].update(update)
        return fc

    return mutate


def drop(name: str, index: int = 0) -> Mutation:
    def mutate(fc: Any) -> Any:
        del fc["features"][index]["properties"][name]
        return fc

    return mutate


def geometry(value: Any, index: int = 0) -> Mutation:
    def mutate(fc: Any) -> Any:
        fc["features"][index]["geometry"] = value
        return fc

    return mutate


def feature(value: Any, index: int = 0) -> Mutation:
    def mutate(fc: Any) -> Any:
        fc["features"][index] = value
        return fc

    return mutate


def top(update: dict[str, Any]) -> Mutation:
    def mutate(fc: Any) -> Any:
        return {**fc, **update}

    return mutate


def duplicate_id(id_field: str) -> Mutation:
    def mutate(fc: Any) -> Any:
        fc["features"][1]["properties"][id_field] = fc["features"][0]["properties"][id_field]
        return fc

    return mutate


def raw_text(text: str) -> bytes:
    return text.encode("utf-8")


def sparse_file(size: int) -> Callable[[Path], None]:
    """Write a file of ``size`` bytes without using the disk space (a sparse file)."""

    def write(path: Path) -> None:
        with path.open("wb") as handle:
            handle.write(b'{"type": "FeatureCollection", "features": [')
            handle.truncate(size)

    write.writes_file = True  # type: ignore[attr-defined]
    return write


def latin1_name() -> bytes:
    raw = (DATA_DIR / "landing_points.geojson").read_bytes()
    # "Marseille" → "Mars\xe9ille": a Latin-1 byte in the middle of UTF-8 text.
    return raw.replace(b"Marseille", b"Mars\xe9ille", 1)


def utf16_file() -> bytes:
    return (DATA_DIR / "ftth.geojson").read_text(encoding="utf-8").encode("utf-16")


def bom_file() -> bytes:
    return b"\xef\xbb\xbf" + (DATA_DIR / "regions.geojson").read_bytes()


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[5.0, 43.0], [5.6, 43.6], [5.6, 43.0], [5.0, 43.6], [5.0, 43.0]]],
}
UNCLOSED = {
    "type": "Polygon",
    "coordinates": [[[5.3, 43.2], [5.4, 43.2], [5.4, 43.3], [5.3, 43.3]]],
}
COLLAPSED = {
    "type": "Polygon",
    "coordinates": [[[5.3, 43.2], [5.3, 43.2], [5.3, 43.2], [5.3, 43.2]]],
}
MARSEILLE = [5.37, 43.3]
F0 = "feature #0"

CASES: list[Case] = [
    # ---- not JSON, not UTF-8, not GeoJSON -------------------------------------------------
    Case(
        "truncated JSON",
        "cables.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feat',
        ("cables.geojson", "not valid JSON", "line 1"),
    ),
    Case(
        "trailing comma",
        "facilities.geojson",
        b'{"type": "FeatureCollection", "features": [],}',
        ("facilities.geojson", "not valid JSON"),
    ),
    Case("empty file", "regions.geojson", b"", ("regions.geojson", "not valid JSON")),
    Case("only whitespace", "ftth.geojson", b"   \n\t ", ("ftth.geojson", "not valid JSON")),
    Case(
        "Latin-1 byte in UTF-8 text",
        "landing_points.geojson",
        latin1_name(),
        ("landing_points.geojson", "not UTF-8", "offset"),
    ),
    Case("UTF-16 file", "ftth.geojson", utf16_file(), ("ftth.geojson", "UTF-16")),
    Case(
        "unpaired surrogate escape",
        "cables.geojson",
        raw_text('{"type": "FeatureCollection", "features": [{"name": "\\ud800"}]}'),
        ("cables.geojson", "not valid JSON"),
    ),
    Case(
        "nesting bomb",
        "facilities.geojson",
        b"[" * 200_000 + b"]" * 200_000,
        ("facilities.geojson", "not valid JSON", "depth"),
    ),
    Case(
        "file far larger than expected",
        "coverage.geojson",
        sparse_file(schema.MAX_FILE_BYTES * 16),
        ("coverage.geojson", "MiB, more than the 64 MiB"),
    ),
    Case("missing file", "facilities.geojson", None, ("facilities.geojson", "file not found")),
    Case(
        "top level is an array",
        "cables.geojson",
        lambda fc: fc["features"],
        ("cables.geojson", "FeatureCollection"),
    ),
    Case(
        "top level is a string",
        "landing_points.geojson",
        b'"FeatureCollection"',
        ("landing_points.geojson", "FeatureCollection"),
    ),
    Case(
        "features is null",
        "regions.geojson",
        top({"features": None}),
        ("regions.geojson", "'features' must be a list"),
    ),
    Case(
        "empty FeatureCollection",
        "cables.geojson",
        top({"features": []}),
        ("cables.geojson", "no features"),
    ),
    Case(
        "feature is a string",
        "facilities.geojson",
        feature("Feature"),
        ("facilities.geojson", F0, "not a GeoJSON Feature"),
    ),
    Case(
        "feature of another type",
        "regions.geojson",
        lambda fc: {**fc, "features": [{**fc["features"][0], "type": "Topology"}]},
        ("regions.geojson", F0, "not a GeoJSON Feature"),
    ),
    Case(
        "properties null",
        "landing_points.geojson",
        feature({"type": "Feature", "properties": None, "geometry": None}),
        ("landing_points.geojson", F0, "field 'properties'"),
    ),
    # ---- geometry ---------------------------------------------------------------------------
    Case(
        "point where a cable route belongs",
        "cables.geojson",
        geometry({"type": "Point", "coordinates": MARSEILLE}),
        ("cables.geojson", F0, "field 'geometry'", "expected geometry type"),
    ),
    Case(
        "geometry collection",
        "coverage.geojson",
        geometry({"type": "GeometryCollection", "geometries": []}),
        ("coverage.geojson", F0, "field 'geometry'", "expected geometry type"),
    ),
    Case(
        "null geometry",
        "landing_points.geojson",
        geometry(None),
        ("landing_points.geojson", F0, "field 'geometry'", "expected a geometry object"),
    ),
    Case(
        "empty coordinates",
        "facilities.geojson",
        geometry({"type": "Point", "coordinates": []}),
        ("facilities.geojson", F0, "field 'geometry'", "no coordinates"),
    ),
    Case(
        "empty part of a MultiLineString",
        "cables.geojson",
        geometry({"type": "MultiLineString", "coordinates": [[MARSEILLE, [6.0, 44.0]], []]}),
        ("cables.geojson", F0, "field 'geometry'", "invalid geometry"),
    ),
    Case(
        "line of one position",
        "cables.geojson",
        geometry({"type": "MultiLineString", "coordinates": [[MARSEILLE]]}),
        ("cables.geojson", F0, "field 'geometry'", "at least 2 positions"),
    ),
    Case(
        "longitude out of range",
        "landing_points.geojson",
        geometry({"type": "Point", "coordinates": [200.0, 43.0]}),
        ("landing_points.geojson", F0, "field 'geometry'", "outside longitude"),
    ),
    Case(
        "latitude out of range",
        "facilities.geojson",
        geometry({"type": "Point", "coordinates": [5.0, -95.0]}),
        ("facilities.geojson", F0, "field 'geometry'", "outside longitude ±180 / latitude ±90"),
    ),
    Case(
        "NaN coordinate",
        "landing_points.geojson",
        geometry({"type": "Point", "coordinates": [float("nan"), 43.0]}),
        ("landing_points.geojson", F0, "field 'geometry'", "non-numeric coordinate", "NaN"),
    ),
    Case(
        "Infinity coordinate",
        "cables.geojson",
        geometry({"type": "LineString", "coordinates": [MARSEILLE, [float("-inf"), 40.0]]}),
        ("cables.geojson", F0, "field 'geometry'", "-Infinity"),
    ),
    Case(
        "coordinate as text",
        "facilities.geojson",
        geometry({"type": "Point", "coordinates": ["5.37", 43.3]}),
        ("facilities.geojson", F0, "field 'geometry'", "non-numeric coordinate"),
    ),
    Case(
        "coordinate as boolean",
        "landing_points.geojson",
        geometry({"type": "Point", "coordinates": [True, 43.3]}),
        ("landing_points.geojson", F0, "field 'geometry'", "non-numeric coordinate"),
    ),
    Case(
        "position of one number",
        "cables.geojson",
        geometry({"type": "LineString", "coordinates": [[5.37], [6.0, 44.0]]}),
        ("cables.geojson", F0, "field 'geometry'", "not [longitude, latitude]"),
    ),
    Case(
        "coordinates nested too deep",
        "facilities.geojson",
        geometry({"type": "Point", "coordinates": [[[5.37, 43.3]]]}),
        ("facilities.geojson", F0, "field 'geometry'"),
    ),
    Case(
        "polygon ring of three positions",
        "coverage.geojson",
        geometry({"type": "Polygon", "coordinates": [[[5.3, 43.2], [5.4, 43.2], [5.3, 43.2]]]}),
        ("coverage.geojson", F0, "field 'geometry'", "at least 4 positions"),
    ),
    Case(
        "polygon collapsed to a point",
        "ftth.geojson",
        geometry(COLLAPSED),
        ("ftth.geojson", F0, "field 'geometry'", "cannot be repaired"),
    ),
    Case(
        "projected CRS",
        "cables.geojson",
        top({"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}}),
        ("cables.geojson", "coordinate reference system", "EPSG::3857", "EPSG:4326"),
    ),
    Case(
        "CRS that is not an object",
        "facilities.geojson",
        top({"crs": "Lambert-93"}),
        ("facilities.geojson", "coordinate reference system", "Lambert-93"),
    ),
    Case(
        "wrong geometry in the basemap",
        "basemap_land.geojson",
        geometry({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}),
        ("basemap_land.geojson", F0, "field 'geometry'"),
    ),
    # ---- ids and references --------------------------------------------------------------------
    Case(
        "duplicate cable id",
        "cables.geojson",
        duplicate_id("id"),
        ("cables.geojson", "feature #1", "field 'id'", "duplicate id"),
    ),
    Case(
        "duplicate arrondissement code",
        "ftth.geojson",
        duplicate_id("code"),
        ("ftth.geojson", "feature #1", "field 'code'", "duplicate id"),
    ),
    Case(
        "cable lands at an unknown landing point",
        "cables.geojson",
        props({"landing_point_ids": ["atlantis-nowhere"]}),
        ("cables.geojson", F0, "field 'landing_point_ids'", "atlantis-nowhere"),
    ),
    Case(
        "landing point lists an unknown cable",
        "landing_points.geojson",
        props({"cable_ids": ["ghost-cable"]}),
        ("landing_points.geojson", F0, "field 'cable_ids'", "ghost-cable"),
    ),
    Case(
        "empty id",
        "facilities.geojson",
        props({"id": "  "}),
        ("facilities.geojson", F0, "field 'id'", "must not be empty"),
    ),
    Case(
        "numeric id",
        "regions.geojson",
        props({"id": 7}),
        ("regions.geojson", F0, "field 'id'", "expected a string"),
    ),
    Case(
        "id of 5000 characters",
        "facilities.geojson",
        props({"id": "x" * 5000}),
        ("facilities.geojson", F0, "field 'id'", "longer than 200"),
    ),
    Case(
        "id with a newline",
        "cables.geojson",
        props({"id": "evil\ncable"}),
        ("cables.geojson", F0, "field 'id'", "control characters"),
    ),
    # ---- required fields -----------------------------------------------------------------------
    Case(
        "missing name",
        "landing_points.geojson",
        drop("name"),
        ("landing_points.geojson", F0, "field 'name'", "missing required property"),
    ),
    Case(
        "missing status flag",
        "cables.geojson",
        drop("is_planned"),
        ("cables.geojson", F0, "field 'is_planned'", "missing required property"),
    ),
    Case(
        "owners as one string",
        "cables.geojson",
        props({"owners": "Orange, Telecom Egypt"}),
        ("cables.geojson", F0, "field 'owners'", "expected a list of strings"),
    ),
    Case(
        "owner that is a number",
        "cables.geojson",
        props({"owners": ["Orange", 42]}),
        ("cables.geojson", F0, "field 'owners'", "expected a list of strings"),
    ),
    Case(
        "fractional year",
        "cables.geojson",
        props({"rfs_year": 2017.5}),
        ("cables.geojson", F0, "field 'rfs_year'", "expected an integer or null"),
    ),
    Case(
        "year as text",
        "cables.geojson",
        props({"rfs_year": "2017"}),
        ("cables.geojson", F0, "field 'rfs_year'", "str '2017'"),
    ),
    Case(
        "status flag as text",
        "cables.geojson",
        props({"is_planned": "false"}),
        ("cables.geojson", F0, "field 'is_planned'", "expected a boolean"),
    ),
    Case(
        "Infinity as a length",
        "cables.geojson",
        props({"length_km": float("inf")}),
        ("cables.geojson", F0, "field 'length_km'", "non-finite number Infinity"),
    ),
    Case(
        "NaN as an area",
        "coverage.geojson",
        props({"area_km2": float("nan")}),
        ("coverage.geojson", F0, "field 'area_km2'", "non-finite number NaN"),
    ),
    Case(
        "count as text",
        "facilities.geojson",
        props({"exchange_count": "3"}),
        ("facilities.geojson", F0, "field 'exchange_count'", "expected an integer"),
    ),
    Case(
        "known optional field of the wrong type",
        "landing_points.geojson",
        props({"is_tbd": "no"}),
        ("landing_points.geojson", F0, "field 'is_tbd'", "expected a boolean"),
    ),
    Case(
        "metadata without attribution",
        "metadata.json",
        lambda m: {
            **m,
            "datasets": {
                **m["datasets"],
                "cables.geojson": {**m["datasets"]["cables.geojson"], "attribution": ""},
            },
        },
        ("metadata.json", "cables.geojson", "field 'attribution'"),
    ),
    Case("metadata is a list", "metadata.json", b"[]", ("metadata.json", "expected an object")),
    # ---- repaired, with a counted warning ------------------------------------------------------
    Case(
        "UTF-8 byte-order mark",
        "regions.geojson",
        bom_file(),
        ("regions.geojson: UTF-8 byte-order mark removed",),
        repaired=True,
    ),
    Case(
        "unknown extra field",
        "cables.geojson",
        props({"colour_of_the_sea": "wine-dark"}),
        ("cables.geojson: unknown properties ignored in 1 feature", F0, "'colour_of_the_sea'"),
        repaired=True,
    ),
    Case(
        "unknown field on many features",
        "facilities.geojson",
        props_in(range(5), {"extra": 1}),
        ("facilities.geojson: unknown properties ignored in 5 features", F0, "'extra'"),
        repaired=True,
    ),
    Case(
        "property named like the geometry column",
        "landing_points.geojson",
        props({"geometry": "POINT (0 0)"}),
        ("landing_points.geojson: unknown properties ignored", "'geometry'"),
        repaired=True,
    ),
    Case(
        "missing nullable field",
        "cables.geojson",
        drop("url", 3),
        ("cables.geojson: missing property set to null in 1 feature", "feature #3", "'url'"),
        repaired=True,
    ),
    Case(
        "missing optional field",
        "landing_points.geojson",
        drop("is_tbd", 2),
        ("landing_points.geojson: missing optional property", "feature #2", "'is_tbd'"),
        repaired=True,
    ),
    Case(
        "self-intersecting polygon",
        "coverage.geojson",
        geometry(BOWTIE),
        ("coverage.geojson: invalid polygons repaired in 1 feature", F0, "Self-intersection"),
        repaired=True,
    ),
    Case(
        "unclosed polygon ring",
        "ftth.geojson",
        geometry(UNCLOSED, 4),
        ("ftth.geojson: unclosed polygon rings closed in 1 feature", "feature #4"),
        repaired=True,
    ),
    Case(
        "javascript: link",
        "cables.geojson",
        props({"url": "javascript:alert(document.domain)"}, 1),
        ("cables.geojson: links that are not http(s) URLs removed", "feature #1", "'url'"),
        repaired=True,
    ),
    Case(
        "data: link among exchange websites",
        "facilities.geojson",
        props({"exchange_urls": ["https://ix.example", "data:text/html,<script>1</script>"]}),
        ("facilities.geojson: links that are not http(s) URLs removed", "'exchange_urls'"),
        repaired=True,
    ),
    Case(
        "control and bidi-override characters",
        "landing_points.geojson",
        props({"name": "Mar\u202eseille\x00\x1b[31m"}),
        ("landing_points.geojson: control or bidi-override characters removed", "'name'"),
        repaired=True,
    ),
    Case(
        "name of 100,000 characters",
        "cables.geojson",
        props({"name": "SeaMeWe " * 12_500}),
        ("cables.geojson: text longer than 500 characters cut", F0, "'name'"),
        repaired=True,
    ),
]


def test_corpus_is_large_and_names_are_unique() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


def feature_counts(directory: Path) -> dict[str, int]:
    counts = {}
    for spec in schema.ALL_SPECS[:6]:
        parsed = json.loads((directory / spec.file).read_bytes().removeprefix(b"\xef\xbb\xbf"))
        counts[spec.key] = len(parsed["features"])
    return counts


REFUSED = [c for c in CASES if not c.repaired]
REPAIRED = [c for c in CASES if c.repaired]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_refused_with_file_feature_and_field(tmp_path: Path, case: Case) -> None:
    directory = write_case(tmp_path, case)
    with pytest.raises(DatasetError) as info:
        load_datasets(directory)
    message = str(info.value)
    for part in case.expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert info.value.file == case.file
    assert message.startswith(case.file)
    if F0 in case.expected or "feature #1" in case.expected:
        assert info.value.feature is not None and info.value.field is not None


@pytest.mark.parametrize("case", REPAIRED, ids=[c.name for c in REPAIRED])
def test_repaired_with_counted_warning_and_nothing_dropped(tmp_path: Path, case: Case) -> None:
    directory = write_case(tmp_path, case)
    data = load_datasets(directory)
    matching = [w for w in data.warnings if all(part in w for part in case.expected)]
    assert matching, f"no warning with {case.expected} in {data.warnings}"
    frames = {
        "cables": data.cables,
        "landing_points": data.landing_points,
        "facilities": data.facilities,
        "coverage": data.coverage,
        "ftth": data.ftth,
        "regions": data.regions,
    }
    assert {k: len(v) for k, v in frames.items()} == feature_counts(directory)
    for frame in frames.values():
        assert frame.geometry.is_valid.all()
        assert set(frame.columns) <= {"geometry"} | {
            f.name for s in schema.ALL_SPECS for f in (*s.fields, *s.optional)
        }


def test_repairs_are_what_the_warnings_say(tmp_path: Path) -> None:
    by_name = {c.name: c for c in REPAIRED}
    directory = tmp_path / "combined"
    directory.mkdir()
    data = load_datasets(
        write_case(directory, by_name["control and bidi-override characters"])
    ).landing_points
    assert data.iloc[0]["name"] == "Marseille[31m"
    cables = load_datasets(write_case(tmp_path, by_name["name of 100,000 characters"])).cables
    assert len(cables.iloc[0]["name"]) == schema.MAX_TEXT_CHARS
    assert cables.iloc[0]["name"].endswith("…")


def test_shipped_data_needs_no_repair(real_data: Any) -> None:
    assert real_data.warnings == ()


def run_cli(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "app.py"), "--data", str(directory), "--port", "1"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


CLI_SAMPLE = [
    "truncated JSON",
    "file far larger than expected",
    "NaN coordinate",
    "cable lands at an unknown landing point",
    "Infinity as a length",
]


@pytest.mark.parametrize("name", CLI_SAMPLE)
def test_cli_exits_2_without_traceback(tmp_path: Path, name: str) -> None:
    case = next(c for c in CASES if c.name == name)
    result = run_cli(write_case(tmp_path, case))
    assert result.returncode == 2
    assert result.stderr.startswith(f"Landfall cannot start: {case.file}")
    assert "Traceback" not in result.stderr + result.stdout
    for part in case.expected:
        assert part in result.stderr


def combined_repairs(tmp_path: Path) -> Path:
    """One data dir holding several repaired files at once."""
    directory = tmp_path / "data"
    directory.mkdir()
    chosen = [
        "unknown extra field",
        "self-intersecting polygon",
        "control and bidi-override characters",
    ]
    cases = [c for c in REPAIRED if c.name in chosen]
    replaced = {c.file for c in cases}
    for item in DATA_DIR.iterdir():
        if item.name not in replaced:
            (directory / item.name).symlink_to(item)
    for case in cases:
        parsed = json.loads((DATA_DIR / case.file).read_text(encoding="utf-8"))
        assert callable(case.content)
        (directory / case.file).write_text(json.dumps(case.content(parsed)), encoding="utf-8")
    return directory


def test_page_shows_every_repair_warning(tmp_path: Path) -> None:
    from app import create_app
    from components.data_notice import DATA_WARNINGS

    directory = combined_repairs(tmp_path)
    app = create_app(data_dir=directory)
    warnings = app.server.config["LANDFALL_DATA_WARNINGS"]
    assert len(warnings) == 3
    response = app.server.test_client().get("/_dash-layout")
    assert response.status_code == 200
    texts = set(strings(response.get_json()))
    assert DATA_WARNINGS in texts
    for warning in warnings:
        assert warning in texts


def strings(node: Any) -> list[str]:
    """Every string in a JSON document."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return []


def test_shipped_page_has_no_repair_notice() -> None:
    from app import create_app
    from components.data_notice import DATA_WARNINGS

    app = create_app(data_dir=DATA_DIR)
    assert DATA_WARNINGS not in app.server.test_client().get("/_dash-layout").get_data(as_text=True)


def test_gunicorn_refuses_bad_data_without_traceback(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "duplicate cable id")
    directory = write_case(tmp_path, case)
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "app:server"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
        env={**os.environ, "LANDFALL_DATA": str(directory), "LANDFALL_BIND": "127.0.0.1:0"},
    )
    assert result.returncode != 0
    assert "Landfall cannot start: cables.geojson, feature #1" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
