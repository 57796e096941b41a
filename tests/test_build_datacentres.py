"""The data-centre build (scripts/build/datacentres.py) and the ``--osm-datacentres`` importer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely

from scripts.build.common import InputError
from scripts.build.datacentres import (
    COLOCATION,
    ENTERPRISE,
    TELECOM_EXCHANGE,
    UNKNOWN,
    OsmFeature,
    merge_ix_buildings,
    parse_power_mw,
    read_osm_datacentres,
    site_codes,
)
from scripts.build_data import OSM_DC_FILE, Build, build_datacentres, kind_of, main

REPO = Path(__file__).resolve().parent.parent
RAW = Path("/work/shared/data/raw")
needs_raw = pytest.mark.skipif(not (RAW / OSM_DC_FILE).is_file(), reason="raw data not here")


def shipped_facilities() -> list[dict[str, Any]]:
    """The shipped IX buildings (the data-centre step's other input)."""
    data = json.loads((REPO / "data" / "facilities.geojson").read_text(encoding="utf-8"))
    features: list[dict[str, Any]] = data["features"]
    return features


def build_from(path: Path) -> list[dict[str, Any]]:
    """The data-centre records built from ``path`` and the shipped IX buildings."""
    build = Build()
    build.facts["facilities"] = shipped_facilities()
    build_datacentres(build, RAW, path)
    records: list[dict[str, Any]] = build.facts["datacentres"]
    return records


# --- the shipped extract --------------------------------------------------------------------------


@needs_raw
def test_the_shipped_extract_gives_23_osm_records_with_their_operators_and_power() -> None:
    records = build_from(RAW / OSM_DC_FILE)
    osm = [r["properties"] for r in records if r["properties"]["osm_id"] is not None]
    assert len(osm) == 23
    assert sum(1 for p in osm if p["operator"]) == 22
    by_name = {p["name"]: p for p in osm}
    for name, mw in (("Digital Realty MRS1", 16.0), ("Digital Realty MRS3", 24.0)):
        assert by_name[name]["operator"] == "Digital Realty"
        assert by_name[name]["power_mw"] == mw
    assert by_name["Digital Realty MRS4"]["power_mw"] == 20.0
    assert by_name["Phocea DC"]["power_mw"] == 1.2
    assert sum(1 for p in osm if p["power_mw"] is not None) == 5
    assert by_name["Telehouse THM1"]["power_mw"] is None
    assert all(p["licence"].startswith("ODbL 1.0") for p in osm)
    assert all("© OpenStreetMap contributors" in p["attribution"] for p in osm)


@needs_raw
def test_mrs1_is_merged_with_its_ix_building_and_no_ix_building_is_dropped() -> None:
    records = {r["properties"]["id"]: r["properties"] for r in build_from(RAW / OSM_DC_FILE)}
    mrs1 = records["osm-68940404"]
    assert mrs1["ix_building_id"] == "building-8399"
    assert set(mrs1["exchanges"]) == {"DE-CIX Marseille", "NL-ix", "France-IX Marseille", "NetIX"}
    assert mrs1["sources"] == ["OpenStreetMap", "TeleGeography Internet Exchange Map (2020)"]
    assert "ODbL" in mrs1["licence"] and "CC BY-NC-SA" in mrs1["licence"]
    # Jaguar Network's "JN MRS-01" at 71 Avenue André Roussin is Free Pro MAR02 (same address).
    assert records["osm-69633445"]["ix_building_id"] == "building-20135"
    # The port campus address point is 11–17 m from MRS2, MRS3 and MRS4: kept apart, noted.
    port = records["building-22234"]
    assert port["sources"] == ["TeleGeography Internet Exchange Map (2020)"]
    assert "MRS2" in port["merge_note"] and "not merged" in port["merge_note"]
    assert "building-22666" in records  # Aix Les Milles (APIX): no OSM building there


@needs_raw
def test_the_shipped_file_is_what_the_build_makes() -> None:
    build = Build()
    build.facts["facilities"] = shipped_facilities()
    build_datacentres(build, RAW, None)
    shipped = (REPO / "data" / "datacentres.geojson").read_text(encoding="utf-8")
    assert build.outputs["datacentres.geojson"] == shipped


# --- pure rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16 MW", 16.0),
        ("1.2 MW", 1.2),
        ("1,2 MW", 1.2),
        ("24MW", 24.0),
        ("500 kW", 0.5),
        ("1 GW", 1000.0),
        ("16", None),
        ("10-20 MW", None),
        ("0 MW", None),
        ("about 5 MW", None),
        ("", None),
        (None, None),
        (16, None),
    ],
)
def test_power_is_parsed_or_null(text: object, expected: float | None) -> None:
    assert parse_power_mw(text) == expected


@pytest.mark.parametrize(
    ("tags", "hosts_ix", "kind"),
    [
        ({"telecom": "exchange"}, False, TELECOM_EXCHANGE),
        ({"telecom": "data_center", "operator": "Orange"}, True, TELECOM_EXCHANGE),
        ({"telecom": "data_center", "operator": "Bouygues Télécom"}, False, TELECOM_EXCHANGE),
        ({"telecom": "data_center", "operator": "Free Pro (Ex. Jaguar)"}, True, COLOCATION),
        ({"telecom": "data_center"}, True, COLOCATION),
        ({"building": "data_center"}, False, COLOCATION),
        ({"telecom": "data_center", "data_center:power": "2 MW"}, False, COLOCATION),
        ({"telecom": "data_center", "building": "office"}, False, ENTERPRISE),
        ({"telecom": "data_center", "building": "yes"}, False, UNKNOWN),
    ],
)
def test_kind_rule(tags: dict[str, str], hosts_ix: bool, kind: str) -> None:
    assert kind_of(tags, hosts_ix) == kind


def test_site_codes() -> None:
    assert site_codes("JN MRS-01") == {"MRS1"} == site_codes("Interxion MRS1")
    assert site_codes("Free Pro - Datacenter Marseille (MAR02)") == {"MAR2"}
    assert site_codes("40 Avenue Roger Salengro") == set()


# --- the merge rule on constructed cases -----------------------------------------------------------

#: One degree of longitude at 43.3° N is about 81 km; of latitude about 111 km.
M_LON = 1 / 81_000
M_LAT = 1 / 111_000


def osm(osm_id: int, dx_m: float, dy_m: float, **tags: str) -> OsmFeature:
    """A 10 m × 10 m OSM building whose south-west corner is dx, dy metres from 5.0, 43.3."""
    x, y = 5.0 + dx_m * M_LON, 43.3 + dy_m * M_LAT
    box = shapely.box(x, y, x + 10 * M_LON, y + 10 * M_LAT)
    return OsmFeature(osm_id, "way", {"telecom": "data_center", **tags}, box, f"#{osm_id}")


def ix(building: int, dx_m: float, dy_m: float, name: str, address: str = "") -> dict[str, Any]:
    """An IX building point dx, dy metres from 5.0, 43.3."""
    return {
        "type": "Feature",
        "properties": {
            "id": f"building-{building}",
            "name": name,
            "address": address or name,
            "exchanges": [f"IX {building}"],
        },
        "geometry": {"type": "Point", "coordinates": [5.0 + dx_m * M_LON, 43.3 + dy_m * M_LAT]},
    }


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["properties"]["id"]: r["properties"] for r in records}


def test_an_ix_building_a_few_tens_of_metres_from_one_osm_building_is_merged() -> None:
    records, report = merge_ix_buildings([osm(1, 0, 0), osm(2, 500, 0)], [ix(7, -30, 0, "X")])
    found = by_id(records)
    assert len(records) == 2
    assert found["osm-1"]["ix_building_id"] == "building-7"
    assert found["osm-1"]["exchanges"] == ["IX 7"]
    assert found["osm-1"]["sources"] == [
        "OpenStreetMap",
        "TeleGeography Internet Exchange Map (2020)",
    ]
    assert report.merged == [("building-7", "osm-1", 30)]


def test_an_ix_building_between_two_osm_buildings_is_kept_with_a_note() -> None:
    records, report = merge_ix_buildings([osm(1, 0, 0), osm(2, 40, 0)], [ix(7, 25, 0, "Quay 6")])
    found = by_id(records)
    assert len(records) == 3, "neither source is dropped"
    assert found["building-7"]["exchanges"] == ["IX 7"]
    assert "2 OSM buildings" in found["building-7"]["merge_note"]
    assert found["osm-1"]["ix_building_id"] is None and found["osm-2"]["ix_building_id"] is None
    assert report.ambiguous == [("building-7", ["Unnamed data centre", "Unnamed data centre"])]


def test_between_two_the_one_named_alike_wins() -> None:
    buildings = [osm(1, 0, 0, name="Acme PAR1"), osm(2, 40, 0, name="Acme PAR2")]
    records, _ = merge_ix_buildings(buildings, [ix(7, 25, 0, "Acme PAR-02")])
    assert by_id(records)["osm-2"]["ix_building_id"] == "building-7"
    assert len(records) == 2


def test_matching_site_code_merges_within_a_kilometre_but_not_across_town() -> None:
    near = merge_ix_buildings([osm(1, 0, 0, name="Interxion MRS1")], [ix(7, 400, 0, "MRS1")])[0]
    assert by_id(near)["osm-1"]["ix_building_id"] == "building-7"
    far_osm = [osm(1, 0, 0, name="Digital Realty MRS1"), osm(2, 0, 20_000)]
    far = merge_ix_buildings(far_osm, [ix(7, 5_000, 0, "JN MRS-01")])[0]
    assert by_id(far)["osm-1"]["ix_building_id"] is None
    assert "building-7" in by_id(far)


def test_same_street_address_merges() -> None:
    building = osm(
        1, 0, 0, **{"contact:housenumber": "71", "contact:street": "Avenue André Roussin"}
    )
    records, _ = merge_ix_buildings(
        [building], [ix(7, 120, 0, "JN X", "JN X, 71 Avenue Andre Roussin, Marseille")]
    )
    assert by_id(records)["osm-1"]["ix_building_id"] == "building-7"


def test_ix_buildings_outside_the_osm_extent_stay_out() -> None:
    records, report = merge_ix_buildings([osm(1, 0, 0)], [ix(7, 0, 200_000, "Far away")])
    assert [r["properties"]["id"] for r in records] == ["osm-1"]
    assert report.outside == 1


# --- the importer ---------------------------------------------------------------------------------


def overpass_collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def overpass_feature(ref: str, lon: Any, lat: Any, **props: Any) -> dict[str, Any]:
    """An osmtogeojson-style feature: flat tags, ``@id``/``id`` as ``way/123``."""
    return {
        "type": "Feature",
        "id": ref,
        "properties": {"@id": ref, "telecom": "data_center", **props},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def test_importer_reads_overpass_geojson_and_keeps_hostile_text_inert(tmp_path: Path) -> None:
    path = tmp_path / "dc.geojson"
    collection = overpass_collection(
        overpass_feature(
            "way/11",
            2.35,
            48.85,
            name="<script>alert(1)</script>",
            operator="=cmd|' /C calc'!A0",
            website="javascript:alert(1)",
            **{"data_center:power": "3 MW"},
        ),
        overpass_feature("node/12", 2.36, 48.86, operator="Acme", website="https://acme.example"),
        overpass_feature("relation/13", 2.37, 48.87),
    )
    path.write_text(json.dumps(collection), encoding="utf-8")
    records = by_id(build_from(path))
    hostile = records["osm-11"]
    assert hostile["name"] == "<script>alert(1)</script>", "kept as text, escaped where shown"
    assert hostile["operator"] == "=cmd|' /C calc'!A0"
    assert hostile["website"] is None, "a javascript: URL is not a link"
    assert hostile["power_mw"] == 3.0
    assert records["osm-12"]["website"] == "https://acme.example"
    assert records["osm-r13"]["name"] == "Unnamed data centre"
    assert records["osm-r13"]["operator"] is None
    # The IX buildings of Paris inside the import's extent are records too, none dropped.
    assert any(r["ix_building_id"] and not r["osm_id"] for r in records.values())


def test_importer_reads_geojson_lines(tmp_path: Path) -> None:
    path = tmp_path / "dc.geojsonl"
    lines = [
        {
            "id": 5,
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [5.3, 43.3]},
            "properties": {"osm_id": 5, "tags": {"telecom": "data_center", "name": "A"}},
        },
        {
            "id": "w6",
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [5.31, 43.31]},
            "properties": {"tags": {"building": "data_center", "name": "B"}},
        },
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    found = read_osm_datacentres(path)
    assert [(f.osm_id, f.tags["name"]) for f in found] == [(5, "A"), (6, "B")]


@pytest.mark.parametrize(
    ("feature", "field"),
    [
        ({"type": "Feature", "properties": {"telecom": "data_center"}}, "osm_id"),
        (
            {
                "type": "Feature",
                "properties": {"@id": "way/1", "telecom": "data_center"},
                "geometry": {"type": "Point", "coordinates": [200, 43]},
            },
            "geometry.coordinates",
        ),
        (
            {
                "type": "Feature",
                "properties": {"@id": "way/1", "telecom": "data_center"},
                "geometry": {"type": "Point", "coordinates": ["5.3", 43]},
            },
            "geometry.coordinates",
        ),
        (
            {
                "type": "Feature",
                "properties": {"@id": "way/1", "telecom": "data_center"},
                "geometry": {"type": "LineString", "coordinates": [[5, 43], [5.1, 43]]},
            },
            "geometry.type",
        ),
        (
            {"type": "Feature", "properties": {"@id": "way/1", "telecom": "data_center"}},
            "geometry",
        ),
        (
            {
                "type": "Feature",
                "properties": {"@id": "way/1", "amenity": "bank"},
                "geometry": {"type": "Point", "coordinates": [5, 43]},
            },
            "tags",
        ),
        (
            {
                "type": "Feature",
                "properties": {"@id": "way/1", "telecom": "data_center", "name": {"x": 1}},
                "geometry": {"type": "Point", "coordinates": [5, 43]},
            },
            "tags.name",
        ),
    ],
)
def test_bad_records_are_named_with_their_field(
    tmp_path: Path, feature: dict[str, Any], field: str
) -> None:
    good = overpass_feature("way/9", 5.3, 43.3)
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(overpass_collection(good, feature)), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_osm_datacentres(path)
    message = str(caught.value)
    assert str(path) in message and "feature #1" in message and f"field {field}" in message
    assert "\n" not in message


def test_nan_coordinates_in_geojson_lines_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "nan.geojsonl"
    path.write_text(
        '{"type":"Feature","id":"n1","properties":{"telecom":"data_center"},'
        '"geometry":{"type":"Point","coordinates":[NaN,43]}}\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"line 1 \(osm_id 1\): field geometry.coordinates"):
        read_osm_datacentres(path)


@needs_raw
def test_bad_import_is_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.geojsonl"
    bad.write_text('{"type":"Feature","properties":{"telecom":"data_center"}}\n', encoding="utf-8")
    out = tmp_path / "out"
    code = main(["--raw", str(RAW), "--out", str(out), "--osm-datacentres", str(bad)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1
    assert "bad.geojsonl" in err and "line 1" in err and "field osm_id" in err
    assert not out.exists()
