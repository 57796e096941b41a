"""Population-weighted shares of Marseille: the build's join, the analysis on constructed
geometries and on the shipped data, the words the page and the report share, and the report."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from analysis.population import covered_fractions, population_shares
from datalayer.loader import Datasets
from datalayer.selection import Selection
from export import report
from scripts.build.common import InputError
from scripts.build.population import marseille_population
from services.context import AppContext, build_context
from services.population import population_text

MARSEILLE_TOTAL = 886_040
#: Two 0.02° squares side by side near Marseille: A (west) and B (east).
A = box(5.36, 43.28, 5.38, 43.30)
B = box(5.38, 43.28, 5.40, 43.30)
WEST_HALF_OF_A = box(5.36, 43.28, 5.37, 43.30)


def _areas(population: list[int | None]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["A", "B"],
            "population": population,
            "ftth_class": [80, 25],
            "ftth_class_label": ["80 % or more …", "25–50 % …"],
        },
        geometry=[A, B],
        crs="EPSG:4326",
        index=["A", "B"],
    )


def _coverage(rows: list[tuple[str, str, object]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"operator": [r[0] for r in rows], "technology": [r[1] for r in rows]},
        geometry=[r[2] for r in rows],
        crs="EPSG:4326",
    )


# --- analysis on constructed geometries -------------------------------------------------------


def test_covered_fraction_is_the_share_of_each_area_inside_the_zone() -> None:
    fractions = covered_fractions(_areas([300, 100]), WEST_HALF_OF_A)
    assert fractions["A"] == pytest.approx(0.5, abs=1e-3)
    assert fractions["B"] == pytest.approx(0.0, abs=1e-9)
    assert covered_fractions(_areas([300, 100]), A.union(B).buffer(0.01))["B"] == pytest.approx(1)


def test_shares_weight_each_area_by_its_residents() -> None:
    coverage = _coverage(
        [
            ("Half", "4G", WEST_HALF_OF_A),
            ("Whole", "4G", A.union(B)),
            # Two overlapping pieces of one operator count once (a union, not a sum).
            ("Split", "4G", box(5.36, 43.28, 5.375, 43.30)),
            ("Split", "4G", box(5.365, 43.28, 5.38, 43.30)),
            # Another technology's zone is not 4G coverage.
            ("Half", "3G", A.union(B)),
        ]
    )
    shares = population_shares(_areas([300, 100]), coverage)
    assert shares is not None
    assert shares.total == 400
    assert [(c.ftth_class, c.population, c.share) for c in shares.ftth_classes] == [
        (80, 300, 0.75),
        (25, 100, 0.25),
    ]
    by_operator = {c.operator: c for c in shares.coverage}
    assert list(by_operator) == ["Half", "Split", "Whole"]
    assert by_operator["Half"].share == pytest.approx(300 * 0.5 / 400, abs=1e-3)
    assert by_operator["Split"].share == pytest.approx(300 / 400, abs=1e-3)
    assert by_operator["Whole"].share == pytest.approx(1.0)
    assert by_operator["Half"].population == pytest.approx(150, abs=0.5)


def test_a_missing_population_gives_no_shares() -> None:
    assert population_shares(_areas([300, None]), _coverage([])) is None
    assert population_shares(_areas([0, 0]), _coverage([])) is None
    assert population_shares(_areas([300, 100]).drop(columns="population"), _coverage([])) is None


# --- the build's join -------------------------------------------------------------------------


def _records(**changes: object) -> list[dict[str, object]]:
    records: list[dict[str, object]] = [
        {"code": str(code), "population": 1_000 + code - 13201} for code in range(13201, 13217)
    ]
    records.append({"code": "13055", "population": sum(1_000 + i for i in range(16))})
    records.append({"code": "75056", "population": 2_000_000})
    for record in records:
        if record["code"] in changes:
            record["population"] = changes[str(record["code"])]
    return records


def test_the_build_reads_the_16_arrondissements() -> None:
    population = marseille_population(_records(), Path("communes.json"))
    assert list(population) == [str(c) for c in range(13201, 13217)]
    assert population["13216"] == 1_015


@pytest.mark.parametrize(
    ("records", "words"),
    [
        (_records(**{"13203": 5}), ["add up to", "not to"]),
        ([r for r in _records() if r["code"] != "13207"], ["13207"]),
        (_records(**{"13204": "49 363"}), ["'13204'", "'population'", "'49 363'"]),
        (_records(**{"13204": None}), ["'13204'", "'population'", "None"]),
    ],
)
def test_the_build_refuses_a_population_that_does_not_add_up(
    records: list[dict[str, object]], words: list[str]
) -> None:
    with pytest.raises(InputError) as error:
        marseille_population(records, Path("communes.json"))
    message = str(error.value)
    assert message.startswith("communes.json: ")
    for word in words:
        assert word in message


# --- the shipped data -------------------------------------------------------------------------


def test_the_shipped_arrondissements_add_up_to_marseille(real_data: Datasets) -> None:
    assert int(real_data.ftth["population"].sum()) == MARSEILLE_TOTAL
    assert real_data.ftth.loc["13213", "population"] == 95_112
    assert real_data.metadata["marseille_population"]["total"] == MARSEILLE_TOTAL
    entry = real_data.metadata["datasets"]["ftth.geojson"]
    assert "INSEE" in entry["attribution"] and "Licence Ouverte" in entry["licence"]


def test_the_shipped_shares(real_data: Datasets) -> None:
    shares = population_shares(real_data.ftth, real_data.coverage)
    assert shares is not None and shares.total == MARSEILLE_TOTAL
    assert sum(c.share for c in shares.ftth_classes) == pytest.approx(1.0)
    assert sum(c.population for c in shares.ftth_classes) == MARSEILLE_TOTAL
    assert all(0 < c.share < 1 for c in shares.ftth_classes)
    # The 8e alone is in the top class at T1 2018.
    assert (shares.ftth_classes[0].ftth_class, shares.ftth_classes[0].population) == (80, 84_683)
    assert [c.operator for c in shares.coverage] == sorted(real_data.coverage["operator"].unique())
    for covered in shares.coverage:
        assert 0.5 < covered.share < 1, covered


def test_the_words_carry_both_vintages_and_the_weighting(real_data: Datasets) -> None:
    text = population_text(real_data)
    assert text is not None
    assert "886,040" in text.population and "COG 2026" in text.population
    for heading in (text.ftth_heading, text.coverage_heading):
        assert "2018" in heading and "population 2026" in heading
    assert "Q1 2018" in text.ftth_heading
    assert "modelled 4G" in text.coverage_heading and "January 2018" in text.coverage_heading
    assert "area-weighted inside each arrondissement" in text.coverage_heading
    assert text.ftth[0].label == "80 % or more of premises connectable"
    assert all(re.fullmatch(r"\d{1,3}\.\d %", line.share) for line in text.ftth + text.coverage)
    assert {line.label for line in text.coverage} == {
        "Bouygues Telecom",
        "Free Mobile",
        "Orange",
        "SFR",
    }


def test_no_words_without_a_population(real_data: Datasets) -> None:
    without = replace(real_data, ftth=real_data.ftth.drop(columns="population"))
    assert population_text(without) is None


# --- the report -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def test_the_report_states_the_shares_when_it_shows_ftth_or_coverage(ctx: AppContext) -> None:
    text = population_text(ctx.data)
    assert text is not None
    # The default view shows the coverage layer.
    for layers in (("ftth",), ("cables", "coverage"), None):
        section = report.population_html(ctx, Selection(layers=layers))
        assert "area-weighted inside each arrondissement" in section
        for line in text.ftth + text.coverage:
            assert f'<td class="num">{line.share}</td>' in section
    assert report.population_html(ctx, Selection(layers=("cables", "landing_points"))) == ""


def test_the_report_credits_insee_and_both_datasets_with_the_shares(ctx: AppContext) -> None:
    document = report.build_report_html(ctx, Selection(layers=("cables", "ftth")))
    credits = document[document.index('<section class="credits">') :]
    assert "Source : INSEE, populations légales" in credits
    assert "Mon réseau mobile" in credits  # the coverage's source, though its layer is off
    assert "Residents inside modelled 4G coverage" in document
