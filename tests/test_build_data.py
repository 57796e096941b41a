"""Unit tests of the pure helpers of scripts/build_data.py (no raw data, no browser)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import shapely

from scripts.build_data import (
    class_label,
    country_from_name,
    coverage_radius_m,
    http_url_or_none,
    is_legal_suffix,
    main,
    method_sentence,
    parse_count,
    parse_length_km,
    parse_party_list,
    parse_rfs_year,
    regions_for_geometry,
    regions_near_points,
    slugify,
    split_antimeridian,
    split_exchange_label,
    split_line_antimeridian,
)

# --- owners / suppliers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Seren Juno Network Co., Ltd.",
        "Blackburn Technologies, LLC.",
        "Ocean Specialists, Inc (OSI)",
        "Virgin Islands Next Generation Networks, Inc.",
    ],
)
def test_comma_names_survive_alone_and_in_a_list(name: str) -> None:
    assert parse_party_list(name) == [name]
    assert parse_party_list(f"Google, {name}, Orange") == ["Google", name, "Orange"]


def test_all_four_comma_names_in_one_string() -> None:
    text = (
        "Seren Juno Network Co., Ltd., Blackburn Technologies, LLC., Ocean Specialists, "
        "Inc (OSI), Virgin Islands Next Generation Networks, Inc."
    )
    assert parse_party_list(text) == [
        "Seren Juno Network Co., Ltd.",
        "Blackburn Technologies, LLC.",
        "Ocean Specialists, Inc (OSI)",
        "Virgin Islands Next Generation Networks, Inc.",
    ]


def test_suffix_rule_is_generic_not_a_list_of_names() -> None:
    assert parse_party_list("Kakike, Lda., KumoxiCom, Lda.") == ["Kakike, Lda.", "KumoxiCom, Lda."]
    assert parse_party_list("Acme Cable, S.A., Example Telecom, GmbH") == [
        "Acme Cable, S.A.",
        "Example Telecom, GmbH",
    ]
    assert parse_party_list("Foo Pte., Ltd.") == ["Foo Pte., Ltd."]


def test_commas_inside_parentheses_do_not_split() -> None:
    text = "Arelion (formerly Telia Carrier), Telia Eesti (formerly Eesti Telekom, EMT, Elion)"
    assert parse_party_list(text) == [
        "Arelion (formerly Telia Carrier)",
        "Telia Eesti (formerly Eesti Telekom, EMT, Elion)",
    ]


def test_plain_lists_null_blank_and_duplicates() -> None:
    assert parse_party_list("China Mobile, MTN, Meta") == ["China Mobile", "MTN", "Meta"]
    assert parse_party_list(None) == []
    assert parse_party_list("  ") == []
    assert parse_party_list("ASN, , ASN") == ["ASN"]
    assert parse_party_list(42) == []


def test_known_comma_name_without_suffix() -> None:
    name = "Libyan Post, Telecommunications and Information Technology Company (LPTIC Holding)"
    assert parse_party_list(f"Telecom Italia Sparkle, {name}") == ["Telecom Italia Sparkle", name]


def test_suffix_detection() -> None:
    for token in (
        "Ltd",
        "Ltd.",
        "LLC",
        "LLC.",
        "Inc",
        "Inc.",
        "Inc (OSI)",
        "Co.",
        "S.A.",
        "Lda.",
        "Pte. Ltd.",
        " GmbH ",
    ):
        assert is_legal_suffix(token), token
    for token in ("Orange", "Telecom Egypt", "Inc Corp Telecom", "Limited Edition Cable", ""):
        assert not is_legal_suffix(token), token


def test_a_leading_suffix_token_is_kept_as_a_name() -> None:
    assert parse_party_list("Ltd., Orange") == ["Ltd.", "Orange"]


# --- length, RFS year, URL, country ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45,000 km", 45000.0),
        ("1,234.5 km", 1234.5),
        ("12 km", 12.0),
        (" 7,000  KM ", 7000.0),
        ("n.a.", None),
        ("", None),
        (None, None),
        ("0 km", None),
    ],
)
def test_parse_length_km(text: str | None, expected: float | None) -> None:
    assert parse_length_km(text) == expected


@pytest.mark.parametrize(
    ("rfs", "upstream", "expected"),
    [
        ("2024 Q3", None, 2024),
        ("2017 June", 2017, 2017),
        ("2023", "2023", 2023),
        ("1999 February", 1998, 1998),
        ("Q4", None, None),
        (None, None, None),
        ("2021 March", True, 2021),
        ("2025 Q2", 12, 2025),
    ],
)
def test_parse_rfs_year(rfs: str | None, upstream: object, expected: int | None) -> None:
    assert parse_rfs_year(rfs, upstream) == expected


def test_http_url_or_none() -> None:
    assert http_url_or_none("https://www.2africacable.com") == "https://www.2africacable.com"
    assert http_url_or_none(" http://netix.net ") == "http://netix.net"
    assert http_url_or_none("www.biznetnetworks.com") is None
    assert http_url_or_none("ftp://example.org") is None
    assert http_url_or_none(None) is None


def test_country_from_name_and_slugify() -> None:
    assert country_from_name("Sapporo, Japan") == "Japan"
    # Why the detail records are preferred: the last ", " cuts "Congo, Dem. Rep." in two.
    assert country_from_name("Muanda, Congo, Dem. Rep.") == "Dem. Rep."
    assert slugify("Côte d'Ivoire") == "cte-divoire"
    assert slugify("Congo, Dem. Rep.") == "congo-dem-rep-"
    assert slugify("North Macedonia") == "north-macedonia"


def test_split_exchange_label() -> None:
    assert split_exchange_label("France-IX Marseille (Marseille, France)") == (
        "France-IX Marseille",
        "Marseille, France",
    )
    assert split_exchange_label("Remki Internet Exchange (RIX) (Guntur, India)") == (
        "Remki Internet Exchange (RIX)",
        "Guntur, India",
    )
    assert split_exchange_label("MegaIX Sofia (OM-NIX)") == ("MegaIX Sofia (OM-NIX)", None)


# --- region tagging -------------------------------------------------------------------------------

SEA_A = shapely.box(0.0, 0.0, 10.0, 10.0)
SEA_B = shapely.box(20.0, 0.0, 30.0, 10.0)
REGIONS = {"sea-a": SEA_A, "sea-b": SEA_B}


def test_line_through_both_seas_gets_both_in_region_order() -> None:
    route = shapely.MultiLineString([[(-5.0, 5.0), (25.0, 5.0)]])
    assert regions_for_geometry(route, REGIONS) == ["sea-a", "sea-b"]
    reversed_regions = {"sea-b": SEA_B, "sea-a": SEA_A}
    assert regions_for_geometry(route, reversed_regions) == ["sea-b", "sea-a"]


def test_line_in_one_sea_or_none() -> None:
    assert regions_for_geometry(shapely.LineString([(1, 1), (2, 2)]), REGIONS) == ["sea-a"]
    assert regions_for_geometry(shapely.LineString([(12, 1), (18, 9)]), REGIONS) == []
    trans_pacific = shapely.MultiLineString([[(150, 1), (180, 5)], [(-180, 5), (-170, 9)]])
    assert regions_for_geometry(trans_pacific, REGIONS) == []


def test_buffer_absorbs_a_near_miss() -> None:
    near_miss = shapely.LineString([(10.03, 5.0), (15.0, 5.0)])
    assert regions_for_geometry(near_miss, REGIONS) == []
    grown = {k: v.buffer(0.05) for k, v in REGIONS.items()}
    assert regions_for_geometry(near_miss, grown) == ["sea-a"]


def test_points_within_distance_of_a_region() -> None:
    # At the equator 0.1° of longitude is about 11.1 km, 0.5° about 55.7 km.
    points = [(5.0, 5.0), (10.1, 5.0), (10.5, 5.0), (15.0, 5.0)]
    assert regions_near_points(points, REGIONS, max_m=25_000) == [["sea-a"], ["sea-a"], [], []]
    assert regions_near_points(points, REGIONS, max_m=60_000) == [
        ["sea-a"],
        ["sea-a"],
        ["sea-a"],
        [],
    ]
    assert regions_near_points([], REGIONS) == []


# --- antimeridian ---------------------------------------------------------------------------------


def _max_step(parts: list[list[tuple[float, float]]]) -> float:
    return max(
        (abs(b[0] - a[0]) for part in parts for a, b in itertools.pairwise(part)), default=0.0
    )


def test_line_crossing_eastwards_is_split_at_180() -> None:
    parts = split_line_antimeridian([(170.0, 0.0), (-170.0, 10.0)])
    assert parts == [[(170.0, 0.0), (180.0, 5.0)], [(-180.0, 5.0), (-170.0, 10.0)]]


def test_line_crossing_westwards_and_back() -> None:
    parts = split_line_antimeridian([(-175.0, 0.0), (175.0, 0.0), (-175.0, 2.0)])
    assert len(parts) == 3
    assert parts[0][-1] == (-180.0, 0.0) and parts[1][0] == (180.0, 0.0)
    assert _max_step(parts) <= 180.0


def test_line_without_crossing_is_unchanged() -> None:
    coords = [(5.0, 43.0), (10.0, 40.0), (179.0, 0.0)]
    assert split_line_antimeridian(coords) == [coords]


def test_polygon_crossing_the_antimeridian_is_cut_in_two() -> None:
    square = shapely.Polygon([(170, -10), (-170, -10), (-170, 10), (170, 10)])
    result = split_antimeridian(square)
    assert isinstance(result, shapely.MultiPolygon)
    assert len(result.geoms) == 2
    assert result.area == pytest.approx(400.0)
    for part in result.geoms:
        xs = [x for x, _ in part.exterior.coords]
        assert max(xs) - min(xs) <= 10.0 + 1e-9
        assert all(-180.0 <= x <= 180.0 for x in xs)


def test_geometries_that_do_not_cross_are_untouched() -> None:
    square = shapely.box(0, 0, 1, 1)
    assert split_antimeridian(square).equals(square)
    line = shapely.LineString([(0, 0), (1, 1)])
    assert split_antimeridian(line).equals(line)


# --- coverage radii, FTTH helpers -----------------------------------------------------------------


def test_coverage_radius_choice() -> None:
    radii = {tech: coverage_radius_m(tech) for tech in ("2G", "3G", "4G", "5G")}
    assert radii == {"2G": 2500, "3G": 2000, "4G": 1500, "5G": 1000}
    assert all(isinstance(r, int) for r in radii.values())
    assert radii["2G"] > radii["3G"] > radii["4G"] > radii["5G"]
    with pytest.raises(ValueError):
        coverage_radius_m("6G")
    assert method_sentence(1500) == (
        "Modelled: union of 1,500 m buffers around ARCEP site locations (Jan 2018), "
        "clipped to land; not measured coverage"
    )


def test_parse_count_and_class_label() -> None:
    assert parse_count(" 23\xa0775    ") == 23775
    assert parse_count(" -    ") == 0
    assert parse_count("7422") == 7422
    assert class_label(25) == "25–50 % of premises connectable (ARCEP class, inferred meaning)"
    assert class_label(80).startswith("80 % or more")


# --- command line -------------------------------------------------------------------------------


def test_missing_raw_folder_gives_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1 and "nope" in err
    assert not (tmp_path / "out").exists()


def test_missing_input_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "natural-earth").mkdir()
    code = main(["--raw", str(tmp_path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert "ne_50m_geography_marine_polys.json" in err and "Traceback" not in err
