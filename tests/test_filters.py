"""The filter function (datalayer.filters) on a tiny hand-built dataset and on the shipped data."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from datalayer.filters import apply_selection, filter_cables, filter_facilities
from datalayer.loader import CRS, Datasets
from datalayer.selection import Selection

# --- a tiny dataset -----------------------------------------------------------------------------

#: Landing point id → (name, country, sea regions, lon, lat).
POINTS = {
    "lp-mars": ("Marseille", "France", ["mediterranean"], 5.37, 43.30),
    "lp-gen": ("Genoa", "Italy", ["mediterranean"], 8.93, 44.41),
    "lp-alex": ("Alexandria", "Egypt", ["mediterranean"], 29.92, 31.20),
    "lp-suez": ("Suez", "Egypt", ["red-sea"], 32.55, 29.97),
    "lp-jed": ("Jeddah", "Saudi Arabia", ["red-sea"], 39.19, 21.49),
    "lp-lis": ("Lisbon", "Portugal", [], -9.14, 38.72),
    "lp-ny": ("New York", "United States", [], -74.0, 40.7),
    "lp-orphan": ("Nowhere", "Greece", ["mediterranean"], 23.7, 37.9),
}

#: Cable id → (owners, suppliers, rfs_year, is_planned, length_km, landing points, regions).
CABLES = {
    "c-med": (["Orange", "Telecom Italia"], ["ASN"], 2010, False, 1000.0,
              ["lp-mars", "lp-gen"], ["mediterranean"]),
    "c-egypt": (["Telecom Egypt"], ["SubCom"], 2015, False, 500.0,
                ["lp-alex", "lp-suez"], ["mediterranean", "red-sea"]),
    "c-red": (["Orange", "STC"], ["NEC"], None, True, None,
              ["lp-suez", "lp-jed"], ["red-sea"]),
    "c-atl": (["Verizon"], ["SubCom", "ASN"], 2020, False, 6000.0,
              ["lp-lis", "lp-ny"], []),
    "c-plan": (["Orange"], ["ASN"], 2025, True, 3000.0,
               ["lp-mars", "lp-alex"], ["mediterranean"]),
}  # fmt: skip

#: Facility id → (country, exchanges).
FACILITIES = {
    "f-mrs": ("France", ["France-IX Marseille", "DE-CIX Marseille"]),
    "f-cai": ("Egypt", ["CAIX"]),
    "f-nyc": ("United States", ["NYIIX", "DE-CIX New York"]),
    "f-rom": ("Italy", ["Namex"]),
    "f-lis": ("Portugal", ["GigaPIX"]),
}

ALL_CABLES = set(CABLES)
WORLD = Selection(region="world")


def _cables() -> gpd.GeoDataFrame:
    rows = []
    for cid, (owners, suppliers, year, planned, km, lps, regions) in CABLES.items():
        coords = [POINTS[p][3:5] for p in lps]
        rows.append(
            {
                "id": cid,
                "name": cid.upper(),
                "color": "#123456",
                "owners": owners,
                "suppliers": suppliers,
                "rfs": None if year is None else str(year),
                "rfs_year": year,
                "is_planned": planned,
                "length_km": km,
                "landing_point_ids": lps,
                "url": None,
                "regions": regions,
                "geometry": LineString(coords),
            }
        )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame["rfs_year"] = frame["rfs_year"].astype("Int64")
    frame["length_km"] = frame["length_km"].astype(float)
    frame.index = pd.Index(frame["id"], name=None)
    return frame


def _landing_points() -> gpd.GeoDataFrame:
    rows = [
        {
            "id": pid,
            "name": name,
            "country": country,
            "cable_ids": [c for c, spec in CABLES.items() if pid in spec[5]],
            "regions": regions,
            "geometry": Point(lon, lat),
        }
        for pid, (name, country, regions, lon, lat) in POINTS.items()
    ]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame.index = pd.Index(frame["id"], name=None)
    return frame


def _facilities() -> gpd.GeoDataFrame:
    rows = [
        {
            "id": fid,
            "name": f"Building {fid}",
            "address": "1 Street",
            "city": "City",
            "country": country,
            "exchanges": exchanges,
            "exchange_count": len(exchanges),
            "geometry": Point(float(i), float(i)),
        }
        for i, (fid, (country, exchanges)) in enumerate(FACILITIES.items())
    ]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    frame.index = pd.Index(frame["id"], name=None)
    return frame


def _coverage() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "operator": ["Orange", "SFR"],
            "technology": ["4G", "4G"],
            "method": ["buffer", "buffer"],
            "radius_m": [1500, 1500],
            "site_count": [10, 20],
            "area_km2": [12.5, 30.0],
        },
        geometry=[box(5.0, 43.0, 5.5, 43.5), box(5.2, 43.1, 5.7, 43.6)],
        crs=CRS,
    )


def _ftth() -> gpd.GeoDataFrame:
    columns = ["code", "name", "ftth_premises_2018q1", "ftth_class", "ftth_class_label"]
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=CRS)


def _regions() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"id": ["mediterranean", "red-sea"], "name": ["Mediterranean Sea", "Red Sea"]},
        geometry=[box(-6, 30, 36, 46), box(32, 12, 44, 30)],
        crs=CRS,
    )
    frame.index = pd.Index(frame["id"], name=None)
    return frame


@pytest.fixture
def tiny() -> Datasets:
    entry = {"attribution": "test", "licence": "test", "data_date": "2024-01-01"}
    return Datasets(
        cables=_cables(),
        landing_points=_landing_points(),
        facilities=_facilities(),
        coverage=_coverage(),
        ftth=_ftth(),
        regions=_regions(),
        basemap_land=b"{}",
        basemap_borders=b"{}",
        metadata={"datasets": {"cables.geojson": entry}},
        source_dir=Path("."),
    )


def cable_ids(data: Datasets, sel: Selection) -> set[str]:
    return set(apply_selection(data, sel).cables.index)


# --- each filter alone --------------------------------------------------------------------------


def test_fixture_is_well_formed(tiny: Datasets) -> None:
    assert tiny.cables["rfs_year"].dtype == "Int64"
    assert tiny.cables["rfs_year"].isna().sum() == 1
    assert list(tiny.cables.index) == list(CABLES)


def test_world_keeps_every_cable(tiny: Datasets) -> None:
    assert cable_ids(tiny, WORLD) == ALL_CABLES


def test_default_selection_is_the_mediterranean(tiny: Datasets) -> None:
    assert cable_ids(tiny, Selection()) == {"c-med", "c-egypt", "c-plan"}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"cables": ("c-med", "c-atl")}, {"c-med", "c-atl"}),
        ({"cables": ("c-red",)}, {"c-red"}),
        ({"owners": ("Orange",)}, {"c-med", "c-red", "c-plan"}),
        # any-of: a cable matches when it has at least one of the wanted owners
        ({"owners": ("STC", "Verizon")}, {"c-red", "c-atl"}),
        ({"owners": ("Telecom Italia", "Orange")}, {"c-med", "c-red", "c-plan"}),
        ({"owners": ("Nobody",)}, set()),
        ({"suppliers": ("SubCom",)}, {"c-egypt", "c-atl"}),
        ({"suppliers": ("NEC", "SubCom")}, {"c-red", "c-egypt", "c-atl"}),
        ({"year_min": 2015}, {"c-egypt", "c-atl", "c-plan"}),
        ({"year_min": 2016}, {"c-atl", "c-plan"}),
        ({"year_max": 2015}, {"c-med", "c-egypt"}),
        ({"year_max": 2009}, set()),
        ({"year_min": 2010, "year_max": 2020}, {"c-med", "c-egypt", "c-atl"}),
        ({"year_min": 2015, "year_max": 2015}, {"c-egypt"}),
        ({"status": "planned"}, {"c-red", "c-plan"}),
        ({"status": "in-service"}, {"c-med", "c-egypt", "c-atl"}),
        ({"status": "all"}, ALL_CABLES),
        ({"region": "mediterranean"}, {"c-med", "c-egypt", "c-plan"}),
        ({"region": "red-sea"}, {"c-egypt", "c-red"}),
        ({"region": "black-sea"}, set()),
        ({"countries": ("Egypt",)}, {"c-egypt", "c-red", "c-plan"}),
        ({"countries": ("Portugal", "Italy")}, {"c-atl", "c-med"}),
        ({"countries": ("Greece",)}, set()),  # the orphan landing point has no cable
    ],
)
def test_single_cable_filter(tiny: Datasets, changes: dict[str, object], expected: set) -> None:
    assert cable_ids(tiny, replace(WORLD, **changes)) == expected


def test_null_year_passes_only_without_a_year_restriction(tiny: Datasets) -> None:
    assert "c-red" in cable_ids(tiny, WORLD)
    assert "c-red" in cable_ids(tiny, replace(WORLD, owners=("STC",)))
    assert "c-red" not in cable_ids(tiny, replace(WORLD, year_min=1900))
    assert "c-red" not in cable_ids(tiny, replace(WORLD, year_max=2100))
    wide = cable_ids(tiny, replace(WORLD, year_min=1900, year_max=2100))
    assert wide == ALL_CABLES - {"c-red"}


def test_filtered_cables_keep_the_input_order_and_columns(tiny: Datasets) -> None:
    result = filter_cables(tiny, replace(WORLD, owners=("Orange",)))
    assert list(result.index) == ["c-med", "c-red", "c-plan"]
    assert list(result.columns) == list(tiny.cables.columns)
    assert result.crs == tiny.cables.crs


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, set(FACILITIES)),
        ({"facility_countries": ("Egypt",)}, {"f-cai"}),
        ({"facility_countries": ("Egypt", "Portugal")}, {"f-cai", "f-lis"}),
        ({"exchanges": ("NYIIX",)}, {"f-nyc"}),
        ({"exchanges": ("CAIX", "Namex")}, {"f-cai", "f-rom"}),
        ({"exchanges": ("CAIX",), "facility_countries": ("France",)}, set()),
        # the region keeps facilities in countries with a landing point on its shores
        ({"region": "mediterranean"}, {"f-mrs", "f-cai", "f-rom"}),
        ({"region": "red-sea"}, {"f-cai"}),
        ({"region": "red-sea", "facility_countries": ("France",)}, set()),
    ],
)
def test_facility_filters(tiny: Datasets, changes: dict[str, object], expected: set) -> None:
    sel = replace(WORLD, **changes)
    assert set(filter_facilities(tiny, sel).index) == expected
    assert set(apply_selection(tiny, sel).facilities.index) == expected


def test_facility_filters_do_not_touch_cables(tiny: Datasets) -> None:
    sel = replace(WORLD, facility_countries=("Egypt",), exchanges=("CAIX",))
    assert cable_ids(tiny, sel) == ALL_CABLES


@pytest.mark.parametrize(
    ("operator", "expected"),
    [("Orange", ["Orange"]), ("SFR", ["SFR"]), ("all", ["Orange", "SFR"])],
)
def test_coverage_shows_one_operator_or_all(
    tiny: Datasets, operator: str, expected: list[str]
) -> None:
    result = apply_selection(tiny, replace(WORLD, operator=operator))
    assert list(result.coverage["operator"]) == expected
    assert set(result.cables.index) == ALL_CABLES


def test_ftth_is_passed_through(tiny: Datasets) -> None:
    result = apply_selection(tiny, replace(WORLD, owners=("Orange",)))
    assert list(result.ftth.columns) == list(tiny.ftth.columns)
    assert result.ftth.empty


# --- combinations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"owners": ("Orange",), "countries": ("Egypt",)}, {"c-red", "c-plan"}),
        ({"owners": ("Orange",), "countries": ("Italy",)}, {"c-med"}),
        ({"owners": ("Orange",), "year_min": 2000, "status": "in-service"}, {"c-med"}),
        ({"owners": ("Orange",), "year_max": 2030, "status": "planned"}, {"c-plan"}),
        ({"owners": ("Orange",), "status": "planned"}, {"c-red", "c-plan"}),
        ({"region": "mediterranean", "countries": ("Egypt",)}, {"c-egypt", "c-plan"}),
        ({"region": "red-sea", "countries": ("Egypt",)}, {"c-egypt", "c-red"}),
        ({"region": "red-sea", "suppliers": ("ASN",)}, set()),
    ],
)
def test_combined_filters(tiny: Datasets, changes: dict[str, object], expected: set) -> None:
    sel = replace(WORLD, **changes)
    assert cable_ids(tiny, sel) == expected


def test_combination_is_the_intersection_of_single_filters(tiny: Datasets) -> None:
    singles = [{"owners": ("Orange",)}, {"countries": ("Egypt",)}, {"status": "planned"}]
    combined = cable_ids(tiny, replace(WORLD, **{k: v for s in singles for k, v in s.items()}))
    expected = set.intersection(*(cable_ids(tiny, replace(WORLD, **s)) for s in singles))
    assert combined == expected == {"c-red", "c-plan"}


# --- landing points follow the cables -----------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"owners": ("Orange",)},
        {"countries": ("Egypt",)},
        {"region": "red-sea"},
        {"status": "in-service"},
        {"owners": ("Nobody",)},
    ],
)
def test_landing_points_are_those_of_the_returned_cables(
    tiny: Datasets, changes: dict[str, object]
) -> None:
    result = apply_selection(tiny, replace(WORLD, **changes))
    expected = {p for cid in result.cables.index for p in CABLES[cid][5]}
    assert set(result.landing_points.index) == expected
    assert "lp-orphan" not in result.landing_points.index


def test_landing_points_of_an_owner(tiny: Datasets) -> None:
    result = apply_selection(tiny, replace(WORLD, owners=("Orange",)))
    assert set(result.landing_points.index) == {"lp-mars", "lp-gen", "lp-suez", "lp-jed", "lp-alex"}
    # a country filter keeps whole cables: their landing points abroad come with them
    result = apply_selection(tiny, replace(WORLD, countries=("Italy",)))
    assert set(result.landing_points.index) == {"lp-mars", "lp-gen"}


# --- nothing is modified in place ---------------------------------------------------------------


def _snapshot(frame: gpd.GeoDataFrame) -> tuple[str, str, str, str]:
    """A deep, comparable picture of a frame (values, index, columns, dtypes)."""
    plain = pd.DataFrame(frame.to_wkt()) if "geometry" in frame.columns else frame
    return (
        repr(copy.deepcopy(plain.to_dict(orient="split"))),
        repr(list(frame.index)),
        repr(list(frame.columns)),
        repr(list(frame.dtypes.astype(str))),
    )


def test_inputs_are_not_mutated(tiny: Datasets) -> None:
    frames = {
        name: getattr(tiny, name)
        for name in ("cables", "landing_points", "facilities", "coverage", "ftth", "regions")
    }
    before = {name: _snapshot(frame) for name, frame in frames.items()}
    selections = [
        WORLD,
        Selection(),
        replace(WORLD, owners=("Orange",), countries=("Egypt",), year_min=2000),
        replace(WORLD, status="planned", suppliers=("ASN",), year_max=2030),
        replace(Selection(), region="red-sea", facility_countries=("Egypt",), exchanges=("CAIX",)),
        replace(WORLD, operator="SFR", cables=("c-atl",)),
    ]
    for sel in selections:
        result = apply_selection(tiny, sel)
        assert result.cables is not tiny.cables
    after = {name: _snapshot(getattr(tiny, name)) for name in frames}
    assert after == before
    for name, frame in frames.items():
        assert getattr(tiny, name) is frame


# --- the shipped data ---------------------------------------------------------------------------

ORANGE_MED = {
    "2africa",
    "alpal-2",
    "cadmos",
    "corse-continent-4-cc4",
    "corse-continent-5-cc5",
    "imewe",
    "seamewe-3",
    "seamewe-4",
    "seamewe-5",
    "seamewe-6",
    "ugarit",
}


def test_orange_in_the_mediterranean(real_data: Datasets) -> None:
    result = apply_selection(real_data, Selection(owners=("Orange",)))
    ids = set(result.cables.index)
    assert ids >= {"seamewe-4", "imewe", "2africa", "ugarit", "cadmos"}
    assert ids == ORANGE_MED
    assert all("Orange" in owners for owners in result.cables["owners"])
    assert all("mediterranean" in regions for regions in result.cables["regions"])
    # Orange cables elsewhere (e.g. the Caribbean's Americas-II) are left out
    assert "americas-ii" not in ids
    assert "americas-ii" in cable_ids(real_data, replace(WORLD, owners=("Orange",)))


def test_cables_landing_in_egypt(real_data: Datasets) -> None:
    result = apply_selection(real_data, replace(WORLD, countries=("Egypt",)))
    points = real_data.landing_points
    egyptian = set(points.index[points["country"] == "Egypt"])
    assert egyptian
    for ids in result.cables["landing_point_ids"]:
        assert egyptian & set(ids)
    # independently, from the landing points' own cable lists
    expected = {c for pid in egyptian for c in points.at[pid, "cable_ids"]}
    assert set(result.cables.index) == expected
    assert {"seamewe-4", "imewe", "2africa"} <= expected
    assert "Egypt" in set(result.landing_points["country"])


def test_world_returns_every_cable(real_data: Datasets) -> None:
    result = apply_selection(real_data, WORLD)
    assert len(result.cables) == 526
    assert len(result.landing_points) == 1436
    assert len(result.facilities) == 1515


def test_planned_worldwide(real_data: Datasets) -> None:
    result = apply_selection(real_data, replace(WORLD, status="planned"))
    assert len(result.cables) == 65
    assert result.cables["is_planned"].all()
    in_service = apply_selection(real_data, replace(WORLD, status="in-service"))
    assert len(in_service.cables) == 526 - 65


def test_owner_and_country_is_the_intersection(real_data: Datasets) -> None:
    orange = cable_ids(real_data, replace(WORLD, owners=("Orange",)))
    egypt = cable_ids(real_data, replace(WORLD, countries=("Egypt",)))
    both = cable_ids(real_data, replace(WORLD, owners=("Orange",), countries=("Egypt",)))
    assert both == orange & egypt
    assert "seamewe-4" in both
    assert both < orange and both < egypt
