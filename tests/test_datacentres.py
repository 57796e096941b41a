"""The data-centre layer without a browser: filter, map click, details, chart, KPI and exports."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile

import pandas as pd
import pytest

from components import ids
from components.callbacks import datacentre_kpi
from components.details import ROUTE_FROM, details_panel
from components.state import apply_chart_click, selected_from_map_click
from components.sync import on_detail_link
from datalayer.loader import Datasets
from datalayer.query import parse_query, to_query
from datalayer.selection import Selection
from export import tables
from figures.summaries import UNTAGGED_OPERATOR, datacentre_operator_summary
from services.context import AppContext, build_context
from tests.test_details import links, text

MRS1 = "osm-68940404"


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def test_dc_operator_filter_round_trips_and_filters(ctx: AppContext) -> None:
    sel, notices = parse_query("?dc_operator=Digital+Realty&dc_operator=Orange", ctx.vocab)
    assert notices == []
    assert sel.dc_operators == ("Digital Realty", "Orange")
    shown = ctx.select(sel).datacentres
    assert set(shown["operator"]) == {"Digital Realty", "Orange"}
    assert len(shown) == 6
    assert to_query(sel) == "?dc_operator=Digital+Realty&dc_operator=Orange"
    # The cable filters leave the data centres alone.
    assert len(ctx.select(Selection(owners=("Orange",))).datacentres) == 25


def test_a_click_on_a_data_centre_selects_it(ctx: AppContext) -> None:
    point = {"customdata": f"dc:{MRS1}"}
    assert selected_from_map_click(point, ctx.map.cable_order, ctx.vocab) == f"dc:{MRS1}"
    assert selected_from_map_click({"customdata": "dc:nope"}, (), ctx.vocab) is None
    sel, notices = parse_query(f"?sel=dc:{MRS1}", ctx.vocab)
    assert notices == [] and sel.selected == f"dc:{MRS1}"


def test_mrs1_details_name_operator_power_ixs_and_the_cables_nearby(ctx: AppContext) -> None:
    panel = details_panel(ctx, f"dc:{MRS1}")
    words = text(panel)
    assert "Digital Realty MRS1" in words
    assert "Digital Realty" in words
    assert "16 MW, as tagged in OpenStreetMap" in words
    assert "colocation" in words
    assert "France-IX Marseille" in words and "DE-CIX Marseille" in words
    assert links(panel, "lp:")[0] == "lp:marseille-france"
    cables_at_marseille = {
        f"cable:{c}" for c in ctx.data.landing_points.at["marseille-france", "cable_ids"]
    }
    assert cables_at_marseille <= set(links(panel, "cable:"))
    assert f"{ROUTE_FROM}marseille-france" in links(panel, ROUTE_FROM)
    assert "OpenStreetMap; TeleGeography Internet Exchange Map (2020)" in words


def test_the_route_finder_link_sets_the_origin(ctx: AppContext) -> None:
    event = {"type": ids.DETAIL_LINK, "key": f"{ROUTE_FROM}marseille-france"}
    sel, controls_changed = on_detail_link(ctx, Selection(selected=f"dc:{MRS1}"), event)
    assert sel.route_from == "marseille-france" and controls_changed
    same, changed = on_detail_link(ctx, Selection(), {"key": f"{ROUTE_FROM}nowhere"})
    assert same == Selection() and not changed


def test_chart_kpi_and_chart_click(ctx: AppContext) -> None:
    frame = ctx.data.datacentres
    table = datacentre_operator_summary(frame)
    first = table.iloc[0]
    assert (first["operator"], first["datacentres"], first["mw"]) == ("Digital Realty", 4, 76.0)
    assert int(table.loc[table["operator"] == UNTAGGED_OPERATOR, "datacentres"].iloc[0]) == 3
    assert datacentre_kpi(frame) == "25 · 77.2 MW"
    sel = apply_chart_click(Selection(), ids.CHART_DATACENTRES, "Digital Realty", ctx.vocab)
    assert sel.dc_operators == ("Digital Realty",)
    untagged = apply_chart_click(Selection(), ids.CHART_DATACENTRES, UNTAGGED_OPERATOR, ctx.vocab)
    assert untagged == Selection()


def test_exports_carry_the_odbl_attribution(ctx: AppContext) -> None:
    sel = Selection(dc_operators=("Digital Realty",))
    file = tables.export_table(ctx, sel, "data-centres", "geojson")
    body = json.loads(file.content)
    assert len(body["features"]) == 4
    assert "© OpenStreetMap contributors" in body["attribution"] and "ODbL" in body["licence"]
    archive = zipfile.ZipFile(
        io.BytesIO(tables.export_table(ctx, sel, "data-centres", "csv").content)
    )
    readme = archive.read("README.txt").decode()
    assert "© OpenStreetMap contributors" in readme and "Share-alike" in readme


def test_hostile_operator_is_guarded_in_csv(real_data: Datasets) -> None:
    frame = real_data.datacentres.copy()
    frame.loc[MRS1, "operator"] = "=cmd|' /C calc'!A0"
    frame.loc[MRS1, "name"] = "<script>alert(1)</script>"
    hostile = build_context(dataclasses.replace(real_data, datacentres=frame))
    file = tables.export_table(hostile, Selection(), "data-centres", "csv")
    with zipfile.ZipFile(io.BytesIO(file.content)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        table = pd.read_csv(archive.open(name), encoding="utf-8-sig")
    row = table[table["id"] == MRS1].iloc[0]
    assert row["operator"] == "'=cmd|' /C calc'!A0"
    assert row["name"] == "<script>alert(1)</script>"
    panel = details_panel(hostile, f"dc:{MRS1}")
    assert "<script>alert(1)</script>" in text(panel)  # a string child: React renders it as text
