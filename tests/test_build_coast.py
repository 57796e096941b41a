"""The finer basemap's build helpers (scripts/build/coast.py) on small hand-made inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from scripts.build import coast
from scripts.build.common import InputError

#: A TopoJSON with two quantised, delta-encoded arcs: a 2°×2° square from (0, 0) made of its
#: lower-right half (arc 0) and its upper-left half (arc 1), and a second square reusing arc 0
#: reversed (~0), as TopoJSON shares arcs between neighbours.
TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [0.0, 0.0]},
    "arcs": [
        [[0, 0], [4, 0], [0, 4]],  # (0,0) → (2,0) → (2,2)
        [[4, 4], [-4, 0], [0, -4]],  # (2,2) → (0,2) → (0,0)
    ],
    "objects": {
        "land": {
            "type": "GeometryCollection",
            "geometries": [{"type": "Polygon", "arcs": [[0, 1]]}],
        }
    },
}


def test_topology_arcs_are_decoded_and_joined() -> None:
    land = coast.topology_object(TOPOLOGY, "land")
    assert land.area == pytest.approx(4.0)
    assert land.equals(shapely.box(0, 0, 2, 2))


def test_a_reversed_arc_walks_backwards() -> None:
    topology = {**TOPOLOGY, "objects": {"land": {"type": "MultiPolygon", "arcs": [[[~1, ~0]]]}}}
    land = coast.topology_object(topology, "land")
    assert land.equals(shapely.box(0, 0, 2, 2))


def test_fine_land_is_clipped_to_its_box_which_it_carries() -> None:
    collection = coast.build_fine_land(TOPOLOGY, box=(1.0, -1.0, 3.0, 1.0))
    assert collection["bbox"] == [1.0, -1.0, 3.0, 1.0]
    (only,) = collection["features"]
    assert only["properties"] == {"kind": "land"}
    assert shape(only["geometry"]).equals(shapely.box(1, 0, 2, 1))


def _departement(code: str, geom: shapely.Geometry) -> dict[str, object]:
    return {"type": "Feature", "properties": {"code": code}, "geometry": geom.__geo_interface__}


def test_city_land_keeps_the_detailed_islands_and_closes_the_inland_gap() -> None:
    # The simplified 13 is a plain square; the detailed one is a bit smaller inland (a gap
    # of 0.002° along its border with 83) and has an island the simplified one lacks.
    simplified_13 = shapely.box(0, 0, 1, 1)
    neighbour_83 = shapely.box(1, 0, 2, 1)
    detailed_13 = shapely.MultiPolygon(
        [shapely.box(0, 0.2, 0.998, 1), shapely.box(0.4, 0.05, 0.45, 0.1)]
    )
    collection = coast.build_city_land(
        detailed_13,
        [_departement("13", simplified_13), _departement("83", neighbour_83)],
        "13",
        box=(-0.5, -0.5, 2.5, 1.5),
    )
    land = shape(collection["features"][0]["geometry"])
    assert collection["bbox"] == [-0.5, -0.5, 2.5, 1.5]
    assert land.contains(shapely.Point(0.425, 0.075))  # the island
    assert land.contains(shapely.Point(0.999, 0.5))  # no sliver of sea inland
    # The detailed coast wins: between it and the simplified 13's coast is sea.
    assert not land.contains(shapely.Point(0.2, 0.1))
    # The neighbour grows only over land, never into the sea.
    assert not land.contains(shapely.Point(1.5, -0.002))


def test_city_land_needs_its_departement() -> None:
    with pytest.raises(InputError, match="13"):
        coast.build_city_land(
            shapely.box(0, 0, 1, 1), [_departement("83", shapely.box(0, 0, 1, 1))], "13"
        )


def test_without_npm_the_build_says_how_to_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = tmp_path / coast.WORLD_ATLAS / "land-10m.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")  # not the pinned file: it must not be used
    monkeypatch.setattr(coast.shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="--land-10m"):
        coast.fetch_land_10m(tmp_path)
