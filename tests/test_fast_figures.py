"""Figures built without Plotly's validation (figures/fast.py) must still pass it, unchanged."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from components.callbacks import proximity_table
from datalayer.loader import Datasets
from datalayer.selection import Selection
from figures import charts
from figures.fast import figure
from figures.map import ALL_LAYERS, map_figure
from figures.theme import get_theme
from services.context import AppContext, build_context
from services.view_figures import CHART_NAMES, chart_figure, chart_summaries


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def world_map(ctx: AppContext, **options: Any) -> go.Figure:
    """The map of every feature of ``ctx`` with every layer (``options`` go to map_figure)."""
    world = ctx.select(Selection(region="world"))
    options.setdefault("theme", get_theme("light"))
    return map_figure(
        ctx.map,
        world,
        layers=frozenset(ALL_LAYERS),
        coverage_technology="4G",
        **options,
    )


def assert_valid_and_unchanged(fig: go.Figure) -> None:
    """Plotly's full validation accepts the figure and does not alter a single value."""
    validated = go.Figure(fig.to_dict())  # raises on any invalid property or value
    assert json.loads(to_json_plotly(validated)) == json.loads(to_json_plotly(fig))


def test_figure_skips_validation_but_keeps_plotly_types() -> None:
    fig = figure([{"type": "bar", "x": [1, 2], "y": [3, 4]}], {"height": 200})
    assert fig._validate is False  # Plotly's own switch still exists in this version
    assert isinstance(fig.data[0], go.Bar)
    assert fig.layout.height == 200
    # A validated build refuses what the unvalidated one takes: the tests below are what
    # keeps the page's figures valid.
    with pytest.raises(ValueError):
        go.Figure({"data": [{"type": "bar", "bogus": 1}]})
    assert figure([{"type": "bar", "bogus": 1}]).data[0].to_plotly_json()["bogus"] == 1


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    "selected", [None, "cable:2africa", "lp:marseille-france", "fac:nothing-like-this"]
)
def test_map_figure_is_valid(ctx: AppContext, theme: str, selected: str | None) -> None:
    fig = world_map(ctx, theme=get_theme(theme), selected=selected)
    assert {t.meta["layer"] for t in fig.data} >= set(ALL_LAYERS)
    assert_valid_and_unchanged(fig)


@pytest.mark.parametrize(
    "sel", [Selection(), Selection(owners=("Orange",)), Selection(year_min=2099)]
)
def test_charts_are_valid(ctx: AppContext, sel: Selection) -> None:
    filtered = ctx.select(sel)
    summaries = chart_summaries(filtered)
    for name in CHART_NAMES:
        assert_valid_and_unchanged(chart_figure(name, summaries[name], get_theme("light")))
    proximity = charts.proximity_chart(proximity_table(ctx, filtered.facilities), get_theme("dark"))
    assert_valid_and_unchanged(proximity)


def test_shared_lists_are_not_copied_with_the_figure() -> None:
    import copy

    from figures.fast import Shared

    text = Shared(["a", "b"])
    fig = figure([{"type": "scattermap", "lon": [1, 2], "lat": [3, 4], "text": text}])
    assert copy.deepcopy(text) is text
    assert list(fig.data[0].text) == ["a", "b"]
    assert json.loads(to_json_plotly(fig))["data"][0]["text"] == ["a", "b"]
