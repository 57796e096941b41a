"""The shipped datasets hold what the 2022-11 TeleGeography snapshot and the other sources say."""

from __future__ import annotations

from datalayer.loader import Datasets

MARSEILLE_CABLES = {
    "2africa",
    "africa-1",
    "asia-africa-europe-1-aae-1",
    "atlas-offshore",
    "blue",
    "hawk",
    "imewe",
    "med-cable-network",
    "medusa-submarine-cable-system",
    "peace-cable",
    "seamewe-4",
    "seamewe-6",
    "te-northtgn-eurasiaseacomalexandrosmedex",
}


def test_counts(real_data: Datasets) -> None:
    assert len(real_data.cables) == 526
    assert real_data.cables.index.is_unique
    assert len(real_data.landing_points) == 1436
    assert len(real_data.facilities) == 1515
    assert str(real_data.cables.crs) == "EPSG:4326"


def test_cables_landing_in_marseille(real_data: Datasets) -> None:
    marseille = real_data.landing_points.loc["marseille-france"]
    assert set(marseille["cable_ids"]) == MARSEILLE_CABLES
    landing = {
        cid
        for cid, ids in real_data.cables["landing_point_ids"].items()
        if "marseille-france" in ids
    }
    assert landing == MARSEILLE_CABLES


def test_owner_names_with_commas_are_kept_whole(real_data: Datasets) -> None:
    owners = {o for row in real_data.cables["owners"] for o in row}
    for name in (
        "Seren Juno Network Co., Ltd.",
        "Blackburn Technologies, LLC.",
        "Ocean Specialists, Inc (OSI)",
        "Virgin Islands Next Generation Networks, Inc.",
    ):
        assert name in owners
    assert not {o for o in owners if o.strip() in {"Ltd.", "LLC.", "Inc.", "Inc (OSI)"}}
    assert "Orange" in real_data.cables.loc["seamewe-4", "owners"]


def test_length_parsing(real_data: Datasets) -> None:
    assert real_data.cables.loc["2africa", "length_km"] == 45000
    assert real_data.cables.loc["seamewe-4", "length_km"] == 20000
    assert real_data.cables["length_km"].isna().sum() == 32


def test_region_tags(real_data: Datasets) -> None:
    regions = real_data.cables["regions"]
    assert {"mediterranean", "red-sea"} <= set(regions["seamewe-4"])
    assert {"mediterranean", "red-sea"} <= set(regions["asia-africa-europe-1-aae-1"])
    assert "mediterranean" in regions["medusa-submarine-cable-system"]
    assert {"mediterranean", "red-sea"} <= set(regions["2africa"])
    assert regions["faster"] == []  # trans-Pacific
    med = sum("mediterranean" in r for r in regions)
    assert 55 <= med <= 80


def test_planned_and_years(real_data: Datasets) -> None:
    cables = real_data.cables
    assert int(cables["is_planned"].sum()) == 65
    assert cables.loc["seamewe-4", "rfs_year"] == 2005
    assert str(cables["rfs_year"].dtype) == "Int64"


def test_facilities_in_marseille(real_data: Datasets) -> None:
    marseille = real_data.facilities[real_data.facilities["city"] == "Marseille"]
    assert len(marseille) == 3
    exchanges = {x for row in marseille["exchanges"] for x in row}
    assert "France-IX Marseille" in exchanges
    counts = real_data.facilities["exchange_count"]
    assert (counts == real_data.facilities["exchanges"].map(len)).all()


def test_coverage_zones_per_operator(real_data: Datasets) -> None:
    coverage = real_data.coverage
    # Free Mobile never ran a 2G network: ARCEP lists no 2G site for it, so it has no 2G zone.
    assert len(coverage) == 11
    per_operator = coverage.groupby("operator")["technology"].apply(sorted).to_dict()
    assert per_operator == {
        "Bouygues Telecom": ["2G", "3G", "4G"],
        "Free Mobile": ["3G", "4G"],
        "Orange": ["2G", "3G", "4G"],
        "SFR": ["2G", "3G", "4G"],
    }
    assert (coverage["area_km2"] > 0).all()
    assert coverage["method"].str.contains("odelled").all()
    assert coverage.geometry.is_valid.all()


def test_ftth_arrondissements(real_data: Datasets) -> None:
    ftth = real_data.ftth
    assert sorted(ftth["code"]) == [str(c) for c in range(13201, 13217)]
    assert ftth.set_index("code").loc["13208", "ftth_premises_2018q1"] == 38438


def test_metadata_carries_attribution(real_data: Datasets) -> None:
    entries = real_data.metadata["datasets"]
    assert "TeleGeography" in entries["cables.geojson"]["attribution"]
    assert "CC BY-NC-SA 3.0" in entries["cables.geojson"]["licence"]
    assert "Arcep" in entries["coverage.geojson"]["attribution"]
    assert entries["cables.geojson"]["data_date"] == "2022-11-10"
