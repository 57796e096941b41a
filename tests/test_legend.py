"""The map's legend explains exactly what the map draws, on the page and in exported maps."""

from __future__ import annotations

import pytest

from datalayer.loader import Datasets
from datalayer.selection import Selection
from export.images import build_figure
from figures.theme import LIGHT
from services.analysis_run import run_analysis
from services.context import AppContext, build_context
from services.view_figures import selection_map


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def _legend(fig: object) -> str:
    (legend,) = [a for a in fig.layout.annotations if a.name == "legend"]  # type: ignore[attr-defined]
    return str(legend.text)


def _map(ctx: AppContext, sel: Selection) -> object:
    filtered = ctx.select(sel)
    return selection_map(
        ctx,
        sel,
        filtered,
        run_analysis(ctx, sel),
        LIGHT,
        center={"lon": 0, "lat": 0},
        zoom=2,
        uirevision="t",
    )


def test_the_legend_names_each_shown_layer_with_its_count(ctx: AppContext) -> None:
    sel = Selection()
    filtered = ctx.select(sel)
    text = _legend(_map(ctx, sel))
    assert f"Submarine cables ({len(filtered.cables):,})" in text
    assert f"Landing points ({len(filtered.landing_points):,})" in text
    assert f"IX facilities ({len(filtered.facilities):,})" in text
    assert "planned" in text and "selected" in text
    assert "Fibre FTTH" not in text  # not shown by default
    assert "route" not in text and "cut" not in text


def test_the_legend_follows_the_layers_and_the_analysis(ctx: AppContext) -> None:
    sel = Selection(
        layers=("cables", "ftth"),
        route_from="marseille-france",
        route_to="tuas-singapore",
        scenario="2024-red-sea",
        region="world",
    )
    text = _legend(_map(ctx, sel))
    assert "Fibre FTTH 2018 (16)" in text
    assert "Landing points" not in text
    assert "best route" in text and "alternatives" in text
    assert "cut cables" in text


def test_an_exported_map_carries_the_legend(ctx: AppContext) -> None:
    fig = build_figure(ctx, Selection(owners=("Orange",)), "map", "light")
    filtered = ctx.select(Selection(owners=("Orange",)))
    assert f"Submarine cables ({len(filtered.cables):,})" in _legend(fig)
