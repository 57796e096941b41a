"""Chart tables (figures.summaries) and bar charts (figures.charts) on small hand-made frames."""

from __future__ import annotations

import html
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from datalayer.filters import apply_selection
from datalayer.loader import Datasets
from datalayer.selection import Selection
from figures import charts
from figures.summaries import (
    country_summary,
    facility_country_summary,
    fold_top,
    kpis,
    owner_summary,
    year_summary,
)
from figures.theme import DARK, LIGHT

EMPTY_TEXT = "Nothing matches the filters"


def cables_frame(rows: list[tuple[str, list[str], int | None, float | None]]) -> gpd.GeoDataFrame:
    """Cables as (id, owners, rfs_year, length_km)."""
    frame = gpd.GeoDataFrame(
        {
            "name": [r[0].upper() for r in rows],
            "owners": [r[1] for r in rows],
            "rfs_year": pd.array([r[2] for r in rows], dtype="Int64"),
            "length_km": [np.nan if r[3] is None else r[3] for r in rows],
        },
        geometry=[None] * len(rows),
        index=[r[0] for r in rows],
    )
    return frame


@pytest.fixture
def cables() -> gpd.GeoDataFrame:
    return cables_frame(
        [
            ("a", ["X", "Y"], 2001, 100.0),
            ("b", ["X"], 2001, 50.0),
            ("c", ["Y", "Z"], 2005, 400.0),
            ("d", ["Z"], None, None),
            ("e", ["W"], 2003, 1000.0),
            ("f", [], 2004, None),  # no published owner, no length
        ]
    )


def points_frame(countries: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(len(countries))], "country": countries},
        geometry=[None] * len(countries),
    )


def facilities_frame(rows: list[tuple[str, int]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name": [f"b{i}" for i in range(len(rows))],
            "country": [r[0] for r in rows],
            "exchange_count": [r[1] for r in rows],
        },
        geometry=[None] * len(rows),
    )


def annotations(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


# --- owner summary ------------------------------------------------------------------------------


def test_owner_summary_counts_each_cable_once_per_owner(cables: gpd.GeoDataFrame) -> None:
    table = owner_summary(cables)
    assert list(table.columns) == ["owner", "cables", "km"]
    rows = {r.owner: (r.cables, r.km) for r in table.itertuples()}
    assert rows == {"X": (2, 150.0), "Y": (2, 500.0), "Z": (2, 400.0), "W": (1, 1000.0)}
    # a cable with two owners counts for both; a cable without owners for none
    assert table["cables"].sum() == sum(len(o) for o in cables["owners"]) == 7


def test_owner_summary_sorts_by_cables_then_km(cables: gpd.GeoDataFrame) -> None:
    table = owner_summary(cables)
    # W has the most km but the fewest cables; among the 2-cable owners km decides
    assert list(table["owner"]) == ["Y", "Z", "X", "W"]
    assert list(table.index) == [0, 1, 2, 3]


def test_owner_summary_ties_are_alphabetical() -> None:
    table = owner_summary(cables_frame([("a", ["B", "A", "C"], 2000, 10.0)]))
    assert list(table["owner"]) == ["A", "B", "C"]


def test_owner_summary_does_not_change_the_input(cables: gpd.GeoDataFrame) -> None:
    before = [list(o) for o in cables["owners"]]
    owner_summary(cables, top_n=1)
    assert [list(o) for o in cables["owners"]] == before
    assert len(cables) == 6


def test_owner_summary_top_n_folds_the_rest(cables: gpd.GeoDataFrame) -> None:
    table = owner_summary(cables, top_n=2)
    assert list(table["owner"]) == ["Y", "Z", "Other (2)"]
    other = table.iloc[-1]
    assert other["cables"] == 3  # X's 2 and W's 1
    assert other["km"] == 1150.0
    assert table["cables"].sum() == owner_summary(cables)["cables"].sum()


def test_owner_summary_empty() -> None:
    assert owner_summary(cables_frame([])).empty
    assert owner_summary(cables_frame([("a", [], 2000, 10.0)])).empty


# --- year summary -------------------------------------------------------------------------------


def test_year_summary(cables: gpd.GeoDataFrame) -> None:
    table = year_summary(cables)
    assert list(table.columns) == ["year", "cables", "km", "cumulative_km"]
    assert list(table["year"]) == [2001, 2003, 2004, 2005]  # the undated cable is left out
    assert list(table["cables"]) == [2, 1, 1, 1]
    assert list(table["km"]) == [150.0, 1000.0, 0.0, 400.0]
    assert list(table["cumulative_km"]) == [150.0, 1150.0, 1150.0, 1550.0]


def test_year_summary_cumulative_km_is_monotone_on_real_data(real_data: Datasets) -> None:
    table = year_summary(real_data.cables)
    assert len(table) > 20
    assert table["year"].is_monotonic_increasing and table["year"].is_unique
    assert table["cumulative_km"].is_monotonic_increasing
    assert not table["cumulative_km"].isna().any()
    dated = real_data.cables.dropna(subset=["rfs_year"])
    assert table["cumulative_km"].iloc[-1] == pytest.approx(dated["length_km"].sum())
    assert table["cables"].sum() == len(dated) == 526 - 5


def test_year_summary_empty() -> None:
    assert year_summary(cables_frame([("a", ["X"], None, 10.0)])).empty


# --- country and facility summaries -------------------------------------------------------------


def test_country_summary_sorted_most_first_then_by_name() -> None:
    points = points_frame(["Italy", "France", "Egypt", "France", "Italy", "France", "Cyprus"])
    table = country_summary(points)
    assert list(table.columns) == ["country", "landing_points"]
    assert list(table["country"]) == ["France", "Italy", "Cyprus", "Egypt"]
    assert list(table["landing_points"]) == [3, 2, 1, 1]


def test_country_summary_top_n() -> None:
    points = points_frame(["Italy", "France", "Egypt", "France", "Italy", "France", "Cyprus"])
    table = country_summary(points, top_n=2)
    assert list(table["country"]) == ["France", "Italy", "Other (2)"]
    assert list(table["landing_points"]) == [3, 2, 2]
    assert country_summary(points_frame([])).empty


def test_facility_country_summary() -> None:
    facilities = facilities_frame([("France", 4), ("Egypt", 1), ("France", 2), ("Spain", 3)])
    table = facility_country_summary(facilities)
    assert list(table.columns) == ["country", "facilities", "exchanges"]
    rows = [tuple(r) for r in table.itertuples(index=False)]
    assert rows == [("France", 2, 6), ("Egypt", 1, 1), ("Spain", 1, 3)]
    folded = facility_country_summary(facilities, top_n=1)
    assert [tuple(r) for r in folded.itertuples(index=False)] == [
        ("France", 2, 6),
        ("Other (2)", 2, 4),
    ]
    assert facility_country_summary(facilities_frame([])).empty


# --- fold_top -------------------------------------------------------------------------------------


def test_top_n() -> None:
    frame = pd.DataFrame({"k": list("abcde"), "n": [5, 4, 3, 2, 1], "m": [1.0] * 5}, index=[9] * 5)
    folded = fold_top(frame, "k", 2, ["n", "m"])
    assert list(folded["k"]) == ["a", "b", "Other (3)"]
    assert list(folded["n"]) == [5, 4, 6]
    assert list(folded["m"]) == [1.0, 1.0, 3.0]
    assert list(folded.index) == [0, 1, 2]
    for top_n in (None, 5, 10):
        kept = fold_top(frame, "k", top_n, ["n"])
        assert list(kept["k"]) == list("abcde")
        assert list(kept.index) == [0, 1, 2, 3, 4]


def test_kpis(cables: gpd.GeoDataFrame) -> None:
    points = points_frame(["France", "France", "Egypt"])
    numbers = kpis(cables, points, facilities_frame([("France", 1)]))
    assert numbers == {
        "cables": 6,
        "km": 1550.0,
        "km_missing": 2,
        "landing_points": 3,
        "countries": 2,
        "facilities": 1,
    }
    empty = kpis(cables.iloc[:0], points.iloc[:0], facilities_frame([]))
    assert empty["cables"] == 0 and empty["km"] == 0.0 and empty["countries"] == 0


# --- charts -------------------------------------------------------------------------------------


def test_owners_chart(cables: gpd.GeoDataFrame) -> None:
    fig = charts.owners_chart(owner_summary(cables), LIGHT)
    assert isinstance(fig, go.Figure)
    (bar,) = fig.data
    assert isinstance(bar, go.Bar) and bar.orientation == "h"
    assert list(bar.y) == ["Y", "Z", "X", "W"]
    assert list(bar.x) == [2, 2, 2, 1]
    assert list(bar.customdata) == ["Y", "Z", "X", "W"]
    assert list(bar.text) == ["2 · 500 km", "2 · 400 km", "2 · 150 km", "1 · 1,000 km"]
    assert bar.hovertext[3] == "W: 1 cable · 1,000 km of published lengths"
    assert fig.layout.title.text == "Cables and km by owner"
    assert fig.layout.paper_bgcolor == LIGHT.paper
    assert charts.owners_chart(owner_summary(cables), DARK).layout.paper_bgcolor == DARK.paper


def test_owners_chart_axis_title_and_labels_fit_a_phone(real_data: Datasets) -> None:
    """The axis title was cut ("…km of published leng"): short, with room under the plot, and
    the labels drawn after short bars have room on the right."""
    table = owner_summary(apply_selection(real_data, Selection()).cables)
    fig = charts.owners_chart(table, LIGHT)
    x = fig.layout.xaxis
    assert x.title.text == charts.OWNER_AXIS_TITLE == "cables · published km"
    assert x.automargin is True  # the bottom margin grows to hold the title
    (bar,) = fig.data
    assert max(len(t) for t in bar.text) <= 13  # "15 · 105k km"
    assert fig.layout.margin.r >= 6 * max(len(t) for t in bar.text)
    assert all(len(line) <= charts.LINE_CHARS for y in bar.y for line in y.split("<br>"))
    # The hover keeps the whole name and the exact km.
    assert bar.hovertext[0].endswith("km of published lengths")


def test_other_bar_is_not_clickable(cables: gpd.GeoDataFrame) -> None:
    fig = charts.owners_chart(owner_summary(cables, top_n=2), LIGHT)
    assert list(fig.data[0].customdata) == ["Y", "Z", None]
    assert list(fig.data[0].y) == ["Y", "Z", "Other (2)"]
    countries = country_summary(points_frame(["A", "A", "B", "C"]), top_n=1)
    fig = charts.count_chart(countries, "country", "landing_points", LIGHT, "Points")
    assert list(fig.data[0].customdata) == ["A", None]


def test_owners_chart_title_says_top_n_of_m(cables: gpd.GeoDataFrame) -> None:
    table = owner_summary(cables)
    fig = charts.owners_chart(table, LIGHT, top_n=3)
    assert fig.layout.title.text == "Cables and km by owner (top 3 of 4)"
    assert list(fig.data[0].customdata) == ["Y", "Z", "X"]
    assert charts.owners_chart(table, LIGHT, top_n=4).layout.title.text == (
        "Cables and km by owner"
    )


def test_years_chart(cables: gpd.GeoDataFrame) -> None:
    fig = charts.years_chart(year_summary(cables), LIGHT)
    assert isinstance(fig, go.Figure)
    bars = [t for t in fig.data if isinstance(t, go.Bar)]
    lines = [t for t in fig.data if isinstance(t, go.Scatter)]
    assert len(bars) == 1 and len(lines) == 1
    assert list(bars[0].customdata) == [2001, 2003, 2004, 2005]
    assert all(isinstance(v, int) for v in bars[0].customdata)
    assert list(bars[0].y) == [2, 1, 1, 1]
    assert list(lines[0].y) == [150.0, 1150.0, 1150.0, 1550.0]
    assert lines[0].yaxis == "y2"  # cumulative km on the secondary axis


def drawn_ticks(axis: object, low: float, high: float) -> list[float]:
    """The ticks Plotly draws on ``axis`` over ``low``–``high`` (its ``tick0`` + ``dtick``)."""
    tick0, dtick = float(axis.tick0), float(axis.dtick)  # type: ignore[attr-defined]
    first = math.ceil((low - tick0) / dtick)
    last = math.floor((high - tick0) / dtick)
    return [tick0 + k * dtick for k in range(first, last + 1)]


def test_years_axis_shows_whole_years_when_few_remain(real_data: Datasets) -> None:
    """``?year_min=2022&year_max=2023``: ticks 2022 and 2023, never "2,022.6"."""
    filtered = apply_selection(real_data, Selection(year_min=2022, year_max=2023))
    fig = charts.years_chart(year_summary(filtered.cables), LIGHT)
    x = fig.layout.xaxis
    assert x.tickformat == "d"  # no thousands separator: 2022, not 2,022
    ticks = drawn_ticks(x, 2022 - 0.5, 2023 + 0.5)
    assert ticks == [2022.0, 2023.0]
    # The cables axis counts: whole numbers, however few the cables.
    y = fig.layout.yaxis
    assert y.tickformat == ",d" and float(y.dtick).is_integer() and y.dtick >= 1
    assert all(t.is_integer() for t in drawn_ticks(y, 0, max(fig.data[0].y) * 1.05))


@pytest.mark.parametrize(
    ("first", "last", "dtick"),
    [(2022, 2022, 1), (2022, 2023, 1), (2019, 2023, 1), (2015, 2023, 2), (1989, 2026, None)],
)
def test_years_axis_step_is_whole_and_not_crowded(first: int, last: int, dtick: int) -> None:
    years = list(range(first, last + 1))
    table = pd.DataFrame(
        {"year": years, "cables": [1] * len(years), "km": [1.0] * len(years)}
    ).assign(cumulative_km=lambda t: t["km"].cumsum())
    x = charts.years_chart(table, LIGHT).layout.xaxis
    assert x.tickformat == "d" and x.dtick == dtick
    if dtick is None:
        # Plotly's own step: at most 10 ticks over 11+ years is a whole 2, 5, 10… years.
        assert last - first >= charts.WHOLE_SPAN
    else:
        assert 1 <= len(drawn_ticks(x, first - 0.5, last + 0.5)) <= 6


@pytest.mark.parametrize("largest", [1, 2, 3, 5, 7, 9, 12, 34, 1200])
def test_count_axes_show_whole_numbers(largest: int) -> None:
    """A chart of few bars must not tick 0.2, 0.4…: every count axis ticks whole numbers."""
    facilities = facilities_frame([("France", 1)] * largest + [("Egypt", 1)])
    owners = owner_summary(cables_frame([(f"c{i}", ["Orange"], 2000, 1.0) for i in range(largest)]))
    points = country_summary(points_frame(["A"] * largest))
    for fig in (
        charts.count_chart(
            facility_country_summary(facilities), "country", "facilities", LIGHT, "IX"
        ),
        charts.count_chart(points, "country", "landing_points", LIGHT, "P"),
        charts.owners_chart(owners, LIGHT),
    ):
        x = fig.layout.xaxis
        assert x.tickformat == ",d"
        if largest >= charts.WHOLE_SPAN:
            assert x.dtick is None  # Plotly's step over 10+ is whole (at most 10 ticks)
            continue
        assert float(x.dtick).is_integer() and x.dtick >= 1
        ticks = drawn_ticks(x, 0, largest * 1.05)
        assert 2 <= len(ticks) <= 6 and all(t.is_integer() for t in ticks)


def test_count_chart(cables: gpd.GeoDataFrame) -> None:
    facilities = facilities_frame([("France", 1)] * 1200 + [("Egypt", 1)])
    table = facility_country_summary(facilities)
    fig = charts.count_chart(
        table, "country", "facilities", LIGHT, "IX facilities", colour=charts.BAR_2
    )
    (bar,) = fig.data
    assert list(bar.customdata) == ["France", "Egypt"]
    assert list(bar.x) == [1200, 1]
    assert list(bar.text) == ["1,200", "1"]
    assert bar.marker.color == charts.BAR_2
    assert fig.layout.title.text == "IX facilities"


def test_count_chart_title_when_truncated() -> None:
    countries = [f"C{i:02d}" for i in range(20)]
    table = country_summary(points_frame(countries))
    fig = charts.count_chart(table, "country", "landing_points", LIGHT, "Landing points")
    assert fig.layout.title.text == "Landing points (top 15 of 20)"
    assert len(fig.data[0].y) == 15


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.owners_chart(owner_summary(cables_frame([])), LIGHT),
        lambda: charts.years_chart(year_summary(cables_frame([])), LIGHT),
        lambda: charts.count_chart(
            country_summary(points_frame([])), "country", "landing_points", LIGHT, "Points"
        ),
        lambda: charts.count_chart(
            facility_country_summary(facilities_frame([])), "country", "facilities", LIGHT, "IX"
        ),
    ],
)
def test_empty_input_says_nothing_matches(build: object) -> None:
    fig = build()  # type: ignore[operator]
    assert isinstance(fig, go.Figure)
    assert len(fig.data) == 0
    assert annotations(fig) == [EMPTY_TEXT]
    assert fig.layout.title.text  # the chart keeps its title


def test_labels_from_data_are_escaped() -> None:
    table = owner_summary(cables_frame([("a", ["<b>x</b>", "Côte d'Ivoire & Co"], 2000, 1.0)]))
    fig = charts.owners_chart(table, LIGHT)
    labels = dict(zip(fig.data[0].customdata, fig.data[0].y, strict=True))
    assert labels["<b>x</b>"] == "&lt;b&gt;x&lt;/b&gt;"
    assert labels["Côte d'Ivoire & Co"] == "Côte d&#x27;Ivoire &amp; Co"
    assert not any("<" in y for y in fig.data[0].y)
    points = points_frame(["<script>alert</script>"])
    fig = charts.count_chart(country_summary(points), "country", "landing_points", LIGHT, "P")
    assert list(fig.data[0].y) == ["&lt;script&gt;alert&lt;/script&gt;"]
    assert list(fig.data[0].customdata) == ["<script>alert</script>"]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Orange", "Orange"),
        (
            "Pakistan Telecommunications Company Ltd.",
            "Pakistan Telecommunications <br>Company Ltd.",
        ),
        ("<img src=x onerror=alert(1)>Orange", "&lt;img src=x <br>onerror=alert(1)&gt;Orange"),
        ("A" * 30 + " B", "A" * 28 + "<br>AA B"),
        ("Word " * 12, "Word Word Word Word Word <br>Word Word Word…"),
    ],
)
def test_long_bar_names_take_two_lines(name: str, label: str) -> None:
    """A long name is broken after a space, not cut: the phone's chart keeps room for its bars,
    and the label's text (its lines joined) is still the name."""
    assert charts.bar_name(name) == label
    lines = [html.unescape(line) for line in label.split("<br>")]
    assert all(len(line) <= charts.LINE_CHARS for line in lines)
    if "…" not in label:
        assert "".join(lines) == name


def test_two_line_names_get_taller_rows() -> None:
    one = charts.owners_chart(owner_summary(cables_frame([("a", ["Orange"], 2000, 1.0)])), LIGHT)
    two = charts.owners_chart(
        owner_summary(cables_frame([("a", ["Pakistan Telecommunications Co."], 2000, 1.0)])),
        LIGHT,
    )
    assert two.layout.height > one.layout.height


def test_long_labels_are_capped() -> None:
    name = "A" * 60
    fig = charts.owners_chart(owner_summary(cables_frame([("a", [name], 2000, 1.0)])), LIGHT)
    (label,) = fig.data[0].y
    first, rest = label.split("<br>")  # two lines, together the capped name
    assert len(first) == charts.LINE_CHARS and rest.endswith("…")
    assert len(first + rest) == charts.LABEL_CHARS
    assert list(fig.data[0].customdata) == [name]  # the filter value stays whole


def test_charts_of_real_selection(real_data: Datasets) -> None:
    filtered = apply_selection(real_data, Selection(owners=("Orange",)))
    table = owner_summary(filtered.cables)
    assert table.iloc[0]["owner"] == "Orange"
    assert table.iloc[0]["cables"] == len(filtered.cables) == 11
    fig = charts.owners_chart(table, LIGHT)
    assert fig.data[0].customdata[0] == "Orange"
    assert fig.layout.title.text == f"Cables and km by owner (top 12 of {len(table)})"


def proximity_rows(n: int) -> pd.DataFrame:
    distances = np.linspace(0.5, 900.0, n)[::-1]  # given in reverse: the chart sorts
    return pd.DataFrame(
        {
            "name": [f"Facility {i}" for i in range(n)],
            "city": ["Marseille"] * n,
            "nearest_name": ["Marseille, France"] * n,
            "distance_km": distances,
        }
    )


def test_proximity_chart_names_the_nearest_facilities() -> None:
    """Readable named bars, not one unnamed bar per facility (102 in the Mediterranean)."""
    table = proximity_rows(102)
    fig = charts.proximity_chart(table, LIGHT)
    (bar,) = fig.data
    assert bar.orientation == "h"
    assert len(bar.x) == charts.PROXIMITY_TOP
    assert list(bar.x) == sorted(bar.x)  # nearest first
    nearest = table.sort_values("distance_km").iloc[: charts.PROXIMITY_TOP]
    names = [f"{n}<br>Marseille" for n in nearest["name"]]
    assert list(fig.layout.yaxis.ticktext) == names
    assert list(fig.layout.yaxis.tickvals) == list(bar.y)
    assert fig.layout.yaxis.autorange == "reversed"
    assert bar.text[0] == f"{nearest['distance_km'].iloc[0]:,.1f} km"
    median = float(table["distance_km"].median())
    assert fig.layout.title.subtitle.text == (
        f"The nearest 15 of 102 facilities; median of all: {median:,.0f} km"
    )
    assert "Marseille, France" in bar.hovertext[0]


def test_proximity_chart_of_few_facilities_shows_them_all() -> None:
    fig = charts.proximity_chart(proximity_rows(3), LIGHT)
    assert len(fig.data[0].x) == 3
    median = float(np.median(fig.data[0].x))
    assert fig.layout.title.subtitle.text == f"All 3 facilities; median: {median:,.0f} km"
    one = charts.proximity_chart(proximity_rows(1), LIGHT)
    assert one.layout.title.subtitle.text == "1 facility: 0.5 km"


def test_proximity_chart_of_many_facilities_names_the_nearest() -> None:
    table = proximity_rows(20_000)
    fig = charts.proximity_chart(table, LIGHT)
    (bar,) = fig.data
    assert len(bar.x) == charts.PROXIMITY_TOP
    assert bar.x[0] == pytest.approx(0.5)
    assert "The nearest 15 of 20,000 facilities" in fig.layout.title.subtitle.text


def test_proximity_names_from_data_are_escaped_and_duplicates_kept_apart() -> None:
    table = proximity_rows(2)
    table["name"] = ["<b>Same</b>", "<b>Same</b>"]
    fig = charts.proximity_chart(table, LIGHT)
    assert list(fig.layout.yaxis.ticktext) == ["&lt;b&gt;Same&lt;/b&gt;<br>Marseille"] * 2
    assert len(set(fig.data[0].y)) == 2  # one row each, not one merged bar


def test_proximity_chart_of_a_presorted_table_is_the_same_chart() -> None:
    table = proximity_rows(300).sample(frac=1.0, random_state=4)
    presorted = table.sort_values(["distance_km", "name"])
    same = charts.proximity_chart(presorted, LIGHT, nearest_first=True)
    assert same.to_plotly_json() == charts.proximity_chart(table, LIGHT).to_plotly_json()
