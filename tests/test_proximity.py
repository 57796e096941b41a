"""Great-circle distances and nearest-neighbour queries (analysis.proximity)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point

from analysis import proximity
from analysis.proximity import (
    RESULT_COLUMNS,
    haversine_km,
    nearest,
    nearest_distance_table,
    within_radius,
)
from datalayer.loader import Datasets

MARSEILLE = (5.3726, 43.2932)
ALEXANDRIA = (29.92, 31.20)


# --- haversine ----------------------------------------------------------------------------------


def test_marseille_alexandria() -> None:
    km = float(haversine_km(*MARSEILLE, *ALEXANDRIA))
    # The great circle is about 2,540 km (the WGS84 geodesic says 2,543.5 km).
    assert km == pytest.approx(2540, rel=0.02)
    geodesic_km = Geod(ellps="WGS84").inv(*MARSEILLE, *ALEXANDRIA)[2] / 1000
    assert km == pytest.approx(geodesic_km, rel=0.005)


def test_zero_distance() -> None:
    assert float(haversine_km(*MARSEILLE, *MARSEILLE)) == 0.0


@pytest.mark.parametrize(("lon", "lat"), [(0.0, 0.0), (5.3726, 43.2932), (-120.0, -89.0)])
def test_antipodes(lon: float, lat: float) -> None:
    other_lon = lon + 180.0 if lon <= 0 else lon - 180.0
    assert float(haversine_km(lon, lat, other_lon, -lat)) == pytest.approx(20015.1, abs=1.0)


def test_symmetric_and_broadcasting() -> None:
    lons, lats = np.array([0.0, 10.0, 20.0]), np.array([0.0, 5.0, -5.0])
    matrix = haversine_km(lons[:, None], lats[:, None], lons[None, :], lats[None, :])
    assert matrix.shape == (3, 3)
    np.testing.assert_allclose(matrix, matrix.T)
    np.testing.assert_allclose(np.diag(matrix), 0.0, atol=1e-9)
    # One degree of longitude on the equator.
    assert matrix[0, 1] == pytest.approx(haversine_km(0, 0, 10, 5))
    assert float(haversine_km(0, 0, 1, 0)) == pytest.approx(111.195, abs=0.01)


# --- a tiny hand-built frame --------------------------------------------------------------------


@pytest.fixture
def places() -> gpd.GeoDataFrame:
    """Points east of (0, 0) on the equator; "b" and "a2" are equally far (a tie)."""
    rows = [
        ("c", "Charlie", "CC", Point(3.0, 0.0)),
        ("b", "Bravo", "BB", Point(1.0, 0.0)),
        ("a2", "Alpha two", "AA", Point(-1.0, 0.0)),
        ("d", "Delta", "DD", Point(10.0, 0.0)),
        ("e", "Echo", "EE", Point()),  # no location: never a result
    ]
    frame = gpd.GeoDataFrame(
        {"name": [r[1] for r in rows], "country": [r[2] for r in rows]},
        geometry=[r[3] for r in rows],
        crs="EPSG:4326",
        index=pd.Index([r[0] for r in rows]),
    )
    return frame


def test_nearest_orders_by_distance_then_id(places: gpd.GeoDataFrame) -> None:
    result = nearest(Point(0, 0), places, k=10)
    assert list(result.columns) == RESULT_COLUMNS
    assert list(result["id"]) == ["a2", "b", "c", "d"]
    assert list(result["name"]) == ["Alpha two", "Bravo", "Charlie", "Delta"]
    assert list(result["country"]) == ["AA", "BB", "CC", "DD"]
    assert result["distance_km"].is_monotonic_increasing
    assert result["distance_km"].iloc[0] == pytest.approx(111.195, abs=0.01)


def test_nearest_k_and_max_km(places: gpd.GeoDataFrame) -> None:
    assert list(nearest(Point(0, 0), places, k=2)["id"]) == ["a2", "b"]
    assert list(nearest(Point(0, 0), places, k=5, max_km=400)["id"]) == ["a2", "b", "c"]
    assert nearest(Point(0, 0), places, k=5, max_km=50).empty
    empty = nearest(Point(0, 0), places, k=0)
    assert empty.empty and list(empty.columns) == RESULT_COLUMNS
    with pytest.raises(ValueError):
        nearest(Point(0, 0), places, k=-1)


def test_nearest_accepts_row_tuple_and_exclude(places: gpd.GeoDataFrame) -> None:
    from_row = nearest(places.loc["b"], places, k=3)
    assert list(from_row["id"]) == ["b", "a2", "c"]
    assert from_row["distance_km"].iloc[0] == 0.0
    assert list(nearest((1.0, 0.0), places, k=3, exclude={"b"})["id"]) == ["a2", "c", "d"]
    with pytest.raises(TypeError):
        nearest("not a point", places)


def test_nearest_reprojects_other_crs(places: gpd.GeoDataFrame) -> None:
    located = places[~places.geometry.is_empty]
    projected = located.to_crs("EPSG:3857")
    a = nearest(Point(0, 0), located, k=4)
    b = nearest(Point(0, 0), projected, k=4)
    assert list(a["id"]) == list(b["id"])
    np.testing.assert_allclose(a["distance_km"], b["distance_km"], rtol=1e-9)


def test_non_point_candidates_rejected() -> None:
    lines = gpd.GeoDataFrame(
        {"name": ["x"]}, geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:4326", index=["x"]
    )
    with pytest.raises(ValueError, match="point"):
        nearest(Point(0, 0), lines)


def test_missing_country_column_is_blank() -> None:
    frame = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(1, 1)], crs="EPSG:4326", index=["x"])
    assert nearest(Point(0, 0), frame)["country"].tolist() == [""]


def test_within_radius(places: gpd.GeoDataFrame) -> None:
    result = within_radius(0.0, 0.0, places, 200)
    assert list(result.columns) == RESULT_COLUMNS
    assert list(result["id"]) == ["a2", "b"]
    assert (result["distance_km"] <= 200).all()
    assert within_radius(0.0, 0.0, places, 10).empty
    assert len(within_radius(0.0, 0.0, places, 20_000)) == 4


def test_nearest_distance_table_small(places: gpd.GeoDataFrame) -> None:
    sources = gpd.GeoDataFrame(
        {"name": ["Origin", "Far east", "Nowhere"]},
        geometry=[Point(0, 0), Point(9, 0), Point()],
        crs="EPSG:4326",
        index=pd.Index(["o", "f", "n"]),
    )
    table = nearest_distance_table(sources, places)
    assert list(table.columns) == ["id", "name", "nearest_id", "nearest_name", "distance_km"]
    assert list(table.index) == ["o", "f", "n"]
    # The tie at (0, 0) between "a2" and "b" goes to the smaller id.
    assert table.loc["o", "nearest_id"] == "a2"
    assert table.loc["o", "nearest_name"] == "Alpha two"
    assert table.loc["f", "nearest_id"] == "d"
    assert table.loc["f", "distance_km"] == pytest.approx(111.195, abs=0.01)
    assert pd.isna(table.loc["n", "nearest_id"])
    assert np.isnan(table.loc["n", "distance_km"])


# --- the shipped data ---------------------------------------------------------------------------


def test_nearest_facilities_to_marseille(real_data: Datasets) -> None:
    point = real_data.landing_points.loc["marseille-france"]
    result = nearest(point, real_data.facilities, k=5)
    assert len(result) == 5
    assert set(result["id"].iloc[:3]) == {"building-8399", "building-22234", "building-20135"}
    assert (result["distance_km"].iloc[:3] < 15).all()


def test_nearest_distance_table_matches_nearest(real_data: Datasets) -> None:
    points, facilities = real_data.landing_points, real_data.facilities
    table = nearest_distance_table(points, facilities)
    assert len(table) == len(points)
    assert table["nearest_id"].notna().all()
    assert table.loc["marseille-france", "nearest_id"] == "building-8399"
    for point_id in ("marseille-france", "alexandria-egypt", "sapporo-japan", points.index[0]):
        one = nearest(points.loc[point_id], facilities, k=1)
        assert table.loc[point_id, "nearest_id"] == one["id"].iloc[0]
        assert table.loc[point_id, "distance_km"] == pytest.approx(one["distance_km"].iloc[0])


@pytest.mark.parametrize(("seed", "chunk"), [(1, 512), (2, 512), (3, 7)])
def test_nearest_distance_table_equals_brute_force(
    seed: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random points, with the antimeridian, the poles and exact ties: same as the full matrix
    (also when the sources are searched in many small chunks)."""
    monkeypatch.setattr(proximity, "_CHUNK", chunk)
    rng = np.random.default_rng(seed)
    t_lon = np.concatenate([rng.uniform(-180, 180, 300), [179.9, -179.9, 0.0, 0.0, 10.0, 10.0]])
    t_lat = np.concatenate([rng.uniform(-89, 89, 300), [0.0, 0.0, 89.9, -89.9, 5.0, 5.0]])
    s_lon = np.concatenate([rng.uniform(-180, 180, 200), [-179.95, 179.95, 120.0, 10.0]])
    s_lat = np.concatenate([rng.uniform(-90, 90, 200), [0.0, 1.0, 89.99, 5.0]])
    targets = gpd.GeoDataFrame(
        {"name": [f"t{i}" for i in range(len(t_lon))]},
        geometry=gpd.points_from_xy(t_lon, t_lat),
        crs="EPSG:4326",
        index=pd.Index([f"t{i:04d}" for i in range(len(t_lon))]),
    )
    sources = gpd.GeoDataFrame(
        {"name": [f"s{i}" for i in range(len(s_lon))]},
        geometry=gpd.points_from_xy(s_lon, s_lat),
        crs="EPSG:4326",
        index=pd.Index([f"s{i}" for i in range(len(s_lon))]),
    )
    table = nearest_distance_table(sources, targets)
    matrix = haversine_km(s_lon[:, None], s_lat[:, None], t_lon[None, :], t_lat[None, :])
    expected = np.argmin(matrix, axis=1)  # first minimum = smallest id (ids sort as positions)
    assert list(table["nearest_id"]) == [targets.index[i] for i in expected]
    assert np.allclose(table["distance_km"], matrix[np.arange(len(s_lon)), expected])
    # The tie at (10, 5) goes to the smaller id.
    assert table["nearest_id"].iloc[-1] == "t0304"
