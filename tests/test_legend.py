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


def test_the_legend_says_what_cable_colours_mean(ctx: AppContext) -> None:
    text = _legend(_map(ctx, Selection()))
    assert "ready-for-service year" in text
    for era in ("before 2000", "2000–2009", "2010–2019", "2020 and later", "planned"):
        assert era in text, era
    assert "colours tell cables apart" not in text


def test_the_legend_explains_cuts_and_selected_points(ctx: AppContext) -> None:
    sel = Selection(scenario="2024-red-sea", region="world", selected="lp:marseille-france")
    text = _legend(_map(ctx, sel))
    assert "cut cables" in text
    assert "cut off from the hub" in text or "slower to reach the hub" in text
    assert "selected landing point" in text
    assert "selected" not in _legend(_map(ctx, Selection(layers=("coverage",))))


def test_the_legend_names_the_coverage_operator_shown(ctx: AppContext) -> None:
    text = _legend(_map(ctx, Selection(layers=("coverage",))))
    assert "Orange 4G" in text and "SFR" not in text
    assert "modelled" in text and "Jan 2018" in text
    every = _legend(_map(ctx, Selection(layers=("coverage",), operator="all", technology="3G")))
    for operator in ("Bouygues Telecom 3G", "Free Mobile 3G", "Orange 3G", "SFR 3G"):
        assert operator in every


def test_the_legend_reads_ftth_classes_in_plain_words(ctx: AppContext) -> None:
    text = _legend(_map(ctx, Selection(layers=("ftth",))))
    assert "ARCEP class" in text and "Q1 2018" in text
    assert "50–80 % of premises connectable" in text
    assert "80 % or more of premises connectable" in text
    assert "inferred" not in text
