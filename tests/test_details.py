"""The details panel (components.details), checked by walking the returned component tree."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from typing import Any

import plotly
import pytest
from dash import html
from dash.development.base_component import Component

from analysis.proximity import within_radius
from components import ids
from components.details import HINT, details_panel, parse_selection, safe_http_url
from datalayer.loader import Datasets
from services.context import AppContext, build_context

MARSEILLE_BUILDINGS = {"building-8399", "building-22234", "building-20135"}


# --- tree helpers -------------------------------------------------------------------------------


def walk(node: Any) -> Iterator[Component | str]:
    """Every component and string in a tree, depth first, in document order."""
    if isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))
    elif isinstance(node, list | tuple):
        for child in node:
            yield from walk(child)
    elif isinstance(node, str):
        yield node
    elif isinstance(node, int | float):
        yield str(node)


def components(tree: Any) -> list[Component]:
    return [n for n in walk(tree) if isinstance(n, Component)]


def strings(tree: Any) -> list[str]:
    return [n for n in walk(tree) if isinstance(n, str)]


def text(tree: Any) -> str:
    return " ".join(strings(tree))


def links(tree: Any, prefix: str = "") -> list[str]:
    """The selection keys of every DETAIL_LINK button, in order, optionally of one kind."""
    return [
        c.id["key"]
        for c in components(tree)
        if isinstance(c, html.Button)
        and isinstance(getattr(c, "id", None), dict)
        and c.id.get("type") == ids.DETAIL_LINK
        and c.id["key"].startswith(prefix)
    ]


def items_with_link(tree: Any, prefix: str) -> list[html.Li]:
    """The list items that contain a DETAIL_LINK of the given kind."""
    return [c for c in components(tree) if isinstance(c, html.Li) and links(c.children, prefix)]


def distance_of(item: html.Li) -> float:
    spans = [
        c
        for c in components(item.children)
        if "details-distance" in (getattr(c, "className", "") or "")
    ]
    assert len(spans) == 1
    match = re.fullmatch(r"([\d,]+\.\d) km", spans[0].children)
    assert match, spans[0].children
    return float(match.group(1).replace(",", ""))


def section(tree: Any, heading_starts: str) -> html.Section:
    for c in components(tree):
        if isinstance(c, html.Section) and text(c.children[0]).startswith(heading_starts):
            return c
    raise AssertionError(f"no section headed {heading_starts!r}")


def assert_common(panel: list[Component]) -> None:
    """Close button first, one H3 title, unique ids, JSON-serialisable, no Markdown/raw HTML."""
    close = panel[0]
    assert isinstance(close, html.Button)
    assert close.id == ids.DETAILS_CLOSE
    assert close.className == "details-close"
    assert close.to_plotly_json()["props"]["aria-label"] == "Close details"
    titles = [c for c in components(panel) if isinstance(c, html.H3)]
    assert len(titles) == 1 and titles[0].className == "details-title"
    all_ids = [json.dumps(c.id, sort_keys=True) for c in components(panel) if hasattr(c, "id")]
    assert len(all_ids) == len(set(all_ids)), "Dash needs unique component ids"
    for c in components(panel):
        assert type(c).__name__ not in {"Markdown", "Iframe"}
        assert "dangerously_allow_html" not in c.to_plotly_json()["props"]
        # Links to other features, and actions (show these cables, cut this cable).
        if isinstance(c, html.Button) and isinstance(getattr(c, "id", None), dict):
            assert c.className in ("detail-link", "btn details-action") and c.n_clicks == 0
    json.dumps(panel, cls=plotly.utils.PlotlyJSONEncoder)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def with_cable_changes(data: Datasets, cable_id: str, **changes: Any) -> AppContext:
    """A context whose one cable has the given properties changed (the shipped frame untouched)."""
    cables = data.cables.copy()
    for column, value in changes.items():
        cables.at[cable_id, column] = value
    return build_context(dataclasses.replace(data, cables=cables))


# --- hint ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selected",
    [None, "", "cable:", "lp", "unknown:marseille-france", "cable:no-such-cable", "fac:nope", 42],
)
def test_unknown_selection_gives_hint(ctx: AppContext, selected: Any) -> None:
    panel = details_panel(ctx, selected)
    assert text(panel) == HINT
    assert not any(isinstance(c, html.Button) for c in components(panel))


def test_close_button_can_be_left_to_the_layout(ctx: AppContext) -> None:
    for selected in ("cable:seamewe-4", "lp:marseille-france", "fac:building-8399"):
        with_close = details_panel(ctx, selected)
        without = details_panel(ctx, selected, with_close=False)
        assert with_close[0].id == ids.DETAILS_CLOSE
        assert not [c for c in components(without) if getattr(c, "id", None) == ids.DETAILS_CLOSE]
        assert len(without) == len(with_close) - 1


def test_parse_selection() -> None:
    assert parse_selection("lp:marseille-france") == ("lp", "marseille-france")
    assert parse_selection("cable:a:b") == ("cable", "a:b")
    assert parse_selection("x:y") is None
    assert parse_selection(None) is None


# --- landing point ------------------------------------------------------------------------------


def test_marseille_landing_point(ctx: AppContext) -> None:
    panel = details_panel(ctx, "lp:marseille-france")
    assert_common(panel)
    assert panel[1].children == "Marseille, France"
    assert "France" in strings(panel)
    cable_links = links(panel, "cable:")
    assert len(cable_links) == 13
    expected = ctx.data.landing_points.loc["marseille-france", "cable_ids"]
    assert sorted(cable_links) == sorted(f"cable:{c}" for c in expected)
    assert "13 cables land here" in strings(panel)
    # Each cable shows its RFS year beside it.
    seamewe = next(li for li in items_with_link(panel, "cable:") if links(li, "cable:seamewe-4"))
    assert "RFS 2005" in strings(seamewe)

    facility_items = items_with_link(section(panel, "IX facilities within 25 km"), "fac:")
    point = ctx.data.landing_points.loc["marseille-france", "geometry"]
    expected_within = within_radius(point.x, point.y, ctx.data.facilities, 25)
    assert len(facility_items) == len(expected_within) > 0
    first = links(facility_items[0], "fac:")[0]
    assert first.removeprefix("fac:") in MARSEILLE_BUILDINGS
    distances = [distance_of(li) for li in facility_items]
    assert distances[0] < 15 and max(distances) <= 25
    assert distances == sorted(distances)


def test_landing_point_radius_changes_the_facility_list(ctx: AppContext) -> None:
    point = ctx.data.landing_points.loc["marseille-france", "geometry"]
    for radius in (5, 100):
        panel = details_panel(ctx, "lp:marseille-france", radius_km=radius)
        items = items_with_link(section(panel, f"IX facilities within {radius} km"), "fac:")
        assert len(items) == len(within_radius(point.x, point.y, ctx.data.facilities, radius))
        assert all(distance_of(li) <= radius for li in items)


def test_landing_point_without_facilities_in_radius_lists_the_nearest(ctx: AppContext) -> None:
    panel = details_panel(ctx, "lp:corvo-portugal", radius_km=5)
    nearest_items = items_with_link(section(panel, "Nearest"), "fac:")
    assert len(nearest_items) == 5
    assert any("None within 5 km" in text for text in strings(panel))


def test_landing_point_singular_count(ctx: AppContext) -> None:
    points = ctx.data.landing_points
    single = points.index[points["cable_ids"].map(len) == 1][0]
    panel = details_panel(ctx, f"lp:{single}")
    assert "1 cable lands here" in strings(panel)
    assert len(links(panel, "cable:")) == 1


# --- cable --------------------------------------------------------------------------------------


def test_seamewe4_cable(ctx: AppContext) -> None:
    panel = details_panel(ctx, "cable:seamewe-4")
    assert_common(panel)
    cable = ctx.data.cables.loc["seamewe-4"]
    assert panel[1].children == "SeaMeWe-4"
    assert links(panel, "lp:") and sorted(links(panel, "lp:")) == sorted(
        f"lp:{i}" for i in cable["landing_point_ids"]
    )
    words = strings(panel)
    assert "20,000 km" in words
    assert "2005 December" in words
    for owner in cable["owners"]:
        assert owner in words
    assert {"ASN", "Fujitsu"} <= set(words)
    assert "Mediterranean" in text(panel)
    badges = [
        c for c in components(panel) if "details-badge" in (getattr(c, "className", "") or "")
    ]
    assert len(badges) == 1
    assert badges[0].className == "details-badge in-service"
    assert (
        "In service" in badges[0].children and ctx.data_date("cables.geojson") in badges[0].children
    )
    anchors = [c for c in components(panel) if isinstance(c, html.A)]
    assert len(anchors) == 1
    assert anchors[0].href == "https://www.seamewe4.net"
    assert anchors[0].target == "_blank"
    assert anchors[0].rel == "noopener noreferrer"


def test_landing_points_sorted_by_country_then_name(ctx: AppContext) -> None:
    panel = details_panel(ctx, "cable:2africa")
    points = ctx.data.landing_points
    keys = [k.removeprefix("lp:") for k in links(panel, "lp:")]
    assert len(keys) == len(ctx.data.cables.loc["2africa", "landing_point_ids"])
    order = [(points.at[k, "country"].casefold(), points.at[k, "name"].casefold()) for k in keys]
    assert order == sorted(order)
    # Each landing point shows its country beside the link.
    first = items_with_link(panel, "lp:")[0]
    assert points.at[keys[0], "country"] in strings(first)
    # A long list scrolls inside the panel rather than stretching it.
    (lp_list,) = [c for c in components(section(panel, "Landing points")) if isinstance(c, html.Ul)]
    assert lp_list.style and lp_list.style.get("overflowY") == "auto"
    planned = [
        c for c in components(panel) if getattr(c, "className", None) == "details-badge planned"
    ]
    assert len(planned) == 1 and planned[0].children.startswith("Planned")


def test_cable_without_length_or_url(ctx: AppContext) -> None:
    cables = ctx.data.cables
    cable_id = cables.index[cables["length_km"].isna() & cables["url"].isna()][0]
    panel = details_panel(ctx, f"cable:{cable_id}")
    assert_common(panel)
    assert "not published" in strings(panel)
    assert not [c for c in components(panel) if isinstance(c, html.A)]


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>", "//evil.example"],
)
def test_unsafe_url_never_becomes_a_link(real_data: Datasets, url: str) -> None:
    ctx = with_cable_changes(real_data, "seamewe-4", url=url)
    panel = details_panel(ctx, "cable:seamewe-4")
    assert_common(panel)
    assert not [c for c in components(panel) if isinstance(c, html.A)]
    assert not [c for c in components(panel) if c.to_plotly_json()["props"].get("href")]
    # Still shown, as inert text, so the panel does not silently hide what the data says.
    assert url.strip() in strings(panel)


def test_markup_in_data_stays_plain_text(real_data: Datasets) -> None:
    evil = '<img src=x onerror="alert(1)"> **bold** &amp;'
    ctx = with_cable_changes(real_data, "seamewe-4", name=evil, notes=evil)
    panel = details_panel(ctx, "cable:seamewe-4")
    assert_common(panel)
    assert panel[1].children == evil  # passed through as a string, unescaped and un-rendered
    assert strings(panel).count(evil) == 2
    # The name also reaches the landing point panels as link text, still plain.
    lp_panel = details_panel(ctx, "lp:marseille-france")
    assert evil in [c.children for c in components(lp_panel) if isinstance(c, html.Button)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.seamewe4.net", "https://www.seamewe4.net"),
        ("http://example.com/a?b=c", "http://example.com/a?b=c"),
        ("  https://example.com  ", "https://example.com"),
        ("HTTPS://EXAMPLE.COM", "HTTPS://EXAMPLE.COM"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("https://exa mple.com", None),
        ("https://example.com/\x00", None),
        ("http:/example.com", None),
        ("https://", None),
        ("ftp://example.com", None),
        ("www.example.com", None),
        ("", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_safe_http_url(value: Any, expected: str | None) -> None:
    assert safe_http_url(value) == expected


# --- facility -----------------------------------------------------------------------------------


def test_facility_panel(ctx: AppContext) -> None:
    facility = ctx.data.facilities.loc["building-8399"]
    panel = details_panel(ctx, "fac:building-8399")
    assert_common(panel)
    words = strings(panel)
    assert panel[1].children == facility["name"]
    for value in (facility["address"], facility["city"], facility["country"]):
        assert value in words
    for exchange in facility["exchanges"]:
        assert exchange in words
    # Exchanges are names only: no links out of the panel.
    assert not [c for c in components(panel) if isinstance(c, html.A)]
    point_items = items_with_link(section(panel, "Nearest"), "lp:")
    assert len(point_items) == 5
    assert links(point_items[0], "lp:") == ["lp:marseille-france"]
    distances = [distance_of(li) for li in point_items]
    assert distances == sorted(distances) and distances[0] < 15


def test_facility_with_many_exchanges_scrolls(ctx: AppContext) -> None:
    facilities = ctx.data.facilities
    busiest = facilities["exchange_count"].idxmax()
    panel = details_panel(ctx, f"fac:{busiest}")
    assert_common(panel)
    exchange_lists = [
        c
        for c in components(panel)
        if isinstance(c, html.Ul) and facilities.at[busiest, "exchanges"][0] in strings(c.children)
    ]
    assert len(exchange_lists) == 1
    assert exchange_lists[0].style and exchange_lists[0].style.get("overflowY") == "auto"
    assert len(strings(exchange_lists[0].children)) == facilities.at[busiest, "exchange_count"]


def test_landing_point_lists_each_cables_owners_and_who_owns_them_all(ctx: AppContext) -> None:
    panel = details_panel(ctx, "lp:marseille-france")
    seamewe = next(li for li in items_with_link(panel, "cable:") if links(li, "cable:seamewe-4"))
    owners = list(ctx.data.cables.loc["seamewe-4", "owners"])
    line = next(s for s in strings(seamewe) if s.startswith("Owners: "))
    assert all(o in line for o in owners[:3])
    assert line.endswith(f"+{len(owners) - 3} more") == (len(owners) > 3)
    # The summary counts each owner once per cable it (co-)owns, most cables first.
    summary = section(panel, "Owners of these cables")
    landed = ctx.data.cables.loc[list(ctx.data.landing_points.loc["marseille-france", "cable_ids"])]
    counts: dict[str, int] = {}
    for row in landed["owners"]:
        for owner in set(row):
            counts[owner] = counts.get(owner, 0) + 1
    lines = [s for s in strings(summary) if " — " in s]
    assert len(lines) == len(counts)
    top, n = max(counts.items(), key=lambda item: (item[1], item[0]))
    assert lines[0].split(" — ")[1] == f"{max(counts.values())} cable" + (
        "s" if max(counts.values()) != 1 else ""
    )
    assert f"{top} — " in " ".join(lines) and n == max(counts.values())
    assert "cables-at:marseille-france" in links(panel, "cables-at:")
