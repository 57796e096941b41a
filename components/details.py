"""The details panel: what one selected cable, landing point, facility or data centre is, as Dash
components.

Every piece of text from the data reaches Dash as a plain string child or prop, which React
renders inertly; nothing here uses Markdown or raw HTML. Links to other features are buttons with
pattern-matching ids (``{"type": ids.DETAIL_LINK, "key": "lp:<id>"}``) that the callbacks turn
into a new selection.

Nothing is cached: one panel is a few dozen components and one 1,500-point distance computation
(well under a millisecond), and returning fresh components keeps users from sharing objects.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from dash import html
from dash.development.base_component import Component

from analysis.proximity import nearest, within_radius
from components import ids
from datalayer import schema
from datalayer.selection import DEFAULT_RADIUS_KM
from figures.summaries import format_mw
from services.context import AppContext

HINT = "Click a cable, landing point, facility or data centre on the map for details."

#: Selection prefixes: ``"cable:<id>"``, ``"lp:<id>"``, ``"fac:<id>"``, ``"dc:<id>"``.
CABLE, LANDING_POINT, FACILITY, DATACENTRE = "cable", "lp", "fac", "dc"
KINDS = (CABLE, LANDING_POINT, FACILITY, DATACENTRE)
#: A data centre's "route finder from its nearest landing point": ``route-from:<point id>``.
ROUTE_FROM = "route-from:"
#: How many nearest landing points a data centre's panel lists, each with its cables.
DC_LANDING_COUNT = 3

#: How many nearby features each point panel lists.
NEAREST_COUNT = 5

#: Lists longer than this scroll inside the panel instead of stretching it.
SCROLL_AFTER = 8
_SCROLL_STYLE = {"maxHeight": "16rem", "overflowY": "auto"}

_MISSING = "not published"

# Bidirectional overrides and isolates could reorder the panel text around a value.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- text helpers -------------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    """True for None, NaN and pandas NA (but not for lists, which ``pd.isna`` would broadcast)."""
    if value is None:
        return True
    if isinstance(value, list | tuple):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def plain(value: Any, missing: str = "—") -> str:
    """Data as display text: a plain string without control or bidi-override characters.

    No HTML escaping: Dash renders strings as text, so escaping would show ``&amp;`` literally.
    """
    if _is_missing(value):
        return missing
    text = "".join(ch for ch in str(value) if ch.isprintable() and ch not in _BIDI_CONTROLS)
    return text.strip() or missing


def _sort_key(text: str) -> str:
    """Case- and accent-insensitive sort key (so "Côte d'Ivoire" sorts among the C's)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def safe_http_url(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL safe to use as a link target, else None.

    Anything else (``javascript:``, ``data:``, relative paths, text with spaces or control
    characters that browsers would silently strip) must never become an ``href``.
    """
    if _is_missing(value) or not isinstance(value, str):
        return None
    url = value.strip()
    if not url or any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def format_length(km: Any) -> str:
    """``20,000 km`` or ``not published``."""
    if _is_missing(km):
        return _MISSING
    return f"{float(km):,.0f} km"


def format_distance(km: float) -> str:
    """``12.3 km`` (one decimal; thousands separated)."""
    return f"{km:,.1f} km"


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


# --- selection ----------------------------------------------------------------------------------


def parse_selection(selected: str | None) -> tuple[str, str] | None:
    """``("lp", "marseille-france")`` from ``"lp:marseille-france"``; None if malformed."""
    if not isinstance(selected, str):
        return None
    kind, sep, key = selected.partition(":")
    if not sep or kind not in KINDS or not key:
        return None
    return kind, key


def selection_key(kind: str, feature_id: str) -> str:
    """The selection string for a feature: ``selection_key("lp", "x") == "lp:x"``."""
    return f"{kind}:{feature_id}"


# --- component helpers --------------------------------------------------------------------------


def _link(kind: str, feature_id: str, label: str) -> html.Button:
    """A button that selects another feature (handled by the callbacks via DETAIL_LINK)."""
    return html.Button(
        label,
        id={"type": ids.DETAIL_LINK, "key": selection_key(kind, feature_id)},
        className="detail-link",
        n_clicks=0,
        type="button",
    )


def _list(
    items: Sequence[Component | str | list[Component | str]], label: str | None = None
) -> html.Ul:
    """A ``details-list``; long lists scroll within a bounded height."""
    long = len(items) > SCROLL_AFTER
    props: dict[str, Any] = {"className": "details-list"}
    if long:
        props["style"] = dict(_SCROLL_STYLE)
        # A scrolling region must be reachable by keyboard even when it holds only text.
        props["tabIndex"] = "0"
        if label:
            props["aria-label"] = label
    return html.Ul([html.Li(item) for item in items], **props)


def _texts(values: Iterable[Any]) -> list[str]:
    return [t for t in (plain(v, "") for v in values) if t]


def _text_list_or_missing(values: Iterable[Any], label: str) -> Component | str:
    texts = _texts(values)
    return _list(texts, label) if texts else _MISSING


def _fields(pairs: Sequence[tuple[str, Component | str]]) -> html.Dl:
    """A definition list of (label, value) pairs."""
    children: list[Component] = []
    for term, value in pairs:
        children += [html.Dt(term), html.Dd(value)]
    return html.Dl(children, className="details-fields")


def _section(heading: str, *content: Component | str) -> html.Section:
    return html.Section([html.H4(heading), *content], className="details-section")


def _close_button() -> html.Button:
    # aria-* props are not Python identifiers, so they go in as a mapping.
    close_label: dict[str, Any] = {"aria-label": "Close details"}
    return html.Button(
        "×", id=ids.DETAILS_CLOSE, className="details-close", type="button", **close_label
    )


def _title(title: str) -> html.H3:
    return html.H3(title, className="details-title")


def _lookup(frame: pd.DataFrame, feature_id: str) -> pd.Series | None:
    """The row of a frame indexed by id, or None."""
    if feature_id not in frame.index:
        return None
    row = frame.loc[feature_id]
    # A duplicated id would give a frame; the loader forbids it, but never show two at once.
    return row.iloc[0] if isinstance(row, pd.DataFrame) else row


def _str_list(value: Any) -> list[str]:
    """A list-valued cell as a list of strings (tolerating None/NaN)."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [] if _is_missing(value) else [str(value)]


def _nearest_items(
    origin: pd.Series, candidates: pd.DataFrame, kind: str, extra: str
) -> list[list[Component | str]]:
    """Li contents for the nearest ``candidates``: a link, the distance and ``extra`` column."""
    return _distance_items(nearest(origin, candidates, k=NEAREST_COUNT), candidates, kind, extra)


def _distance_items(
    rows: pd.DataFrame, candidates: pd.DataFrame, kind: str, extra: str
) -> list[list[Component | str]]:
    """Li contents for ``rows`` (id/name/distance_km): a link, the distance and ``extra``."""
    items: list[list[Component | str]] = []
    for feature_id, name, km in zip(
        rows["id"], rows["name"], rows["distance_km"].to_numpy(dtype=float), strict=True
    ):
        parts: list[Component | str] = [
            _link(kind, str(feature_id), plain(name)),
            " ",
            html.Span(format_distance(float(km)), className="details-distance"),
        ]
        note = plain(candidates.at[feature_id, extra], "") if extra in candidates.columns else ""
        if note:
            parts += [" ", html.Span(note, className="details-meta")]
        items.append(parts)
    return items


# --- panels -------------------------------------------------------------------------------------


def _cable_panel(ctx: AppContext, cable: pd.Series) -> list[Component]:
    data = ctx.data
    planned = bool(cable["is_planned"])
    as_of = ctx.data_date(schema.CABLES.file)
    badge = html.Span(
        f"{'Planned' if planned else 'In service'} (as of {as_of})",
        className=f"details-badge {'planned' if planned else 'in-service'}",
    )

    region_names = {str(k): plain(v) for k, v in data.regions["name"].items()}
    regions = [region_names.get(r, plain(r)) for r in _str_list(cable.get("regions"))]

    url = cable.get("url")
    href = safe_http_url(url)
    website: Component | str | None
    if href is not None:
        website = html.A(plain(url), href=href, target="_blank", rel="noopener noreferrer")
    else:
        # A non-http(s) value is shown as inert text so nothing is silently hidden from the user.
        website = None if _is_missing(url) or not plain(url, "") else plain(url)

    pairs: list[tuple[str, Component | str]] = [
        ("Owners", _text_list_or_missing(_str_list(cable.get("owners")), "Owners")),
        ("Suppliers", _text_list_or_missing(_str_list(cable.get("suppliers")), "Suppliers")),
        ("Ready for service", plain(cable.get("rfs"), _MISSING)),
        ("Length", format_length(cable.get("length_km"))),
        ("Regions crossed", ", ".join(regions) if regions else "none of the mapped regions"),
    ]
    if website is not None:
        pairs.append(("Website", website))
    notes = plain(cable.get("notes"), "")
    if notes:
        pairs.append(("Notes", notes))

    points = data.landing_points
    landing: list[tuple[str, str, str]] = []  # (id, name, country)
    for lp_id in dict.fromkeys(_str_list(cable.get("landing_point_ids"))):
        row = _lookup(points, lp_id)
        if row is not None:
            landing.append((lp_id, plain(row["name"]), plain(row["country"], "")))
    landing.sort(key=lambda t: (_sort_key(t[2]), _sort_key(t[1]), t[0]))
    items = [
        html.Span(
            [_link(LANDING_POINT, i, name), " ", html.Span(country, className="details-meta")]
        )
        for i, name, country in landing
    ]
    heading = f"Landing points ({len(items):,})"
    return [
        _title(plain(cable["name"])),
        badge,
        _fields(pairs),
        _section(heading, _list(items, heading) if items else "None listed."),
    ]


#: A landing point's "show these cables" action: ``cables-at:<landing point id>``.
CABLES_AT = "cables-at:"
#: Owners named on one cable line of a landing point's list before "+N more".
OWNERS_SHOWN = 3


def _landed_cables(ctx: AppContext, point: pd.Series) -> list[pd.Series]:
    """The cables landing at ``point``, by name."""
    rows = [_lookup(ctx.data.cables, c) for c in dict.fromkeys(_str_list(point.get("cable_ids")))]
    found = [row for row in rows if row is not None]
    return sorted(found, key=lambda row: (_sort_key(plain(row["name"])), str(row.name)))


def _landed_cable_item(cable: pd.Series) -> list[Component | str]:
    """One cable of a landing point's list: its link, RFS year, status and owners."""
    year = cable["rfs_year"]
    meta = f"RFS {int(year)}" if not _is_missing(year) else "RFS not published"
    if bool(cable["is_planned"]):
        meta += " · planned"
    owners = _texts(_str_list(cable.get("owners")))
    shown = ", ".join(owners[:OWNERS_SHOWN])
    if len(owners) > OWNERS_SHOWN:
        shown += f" +{len(owners) - OWNERS_SHOWN} more"
    return [
        html.Div(
            [
                _link(CABLE, str(cable.name), plain(cable["name"])),
                " ",
                html.Span(meta, className="details-meta"),
            ],
            className="landed-head",
        ),
        html.Div(
            f"Owners: {shown}" if shown else "Owners not published",
            className="details-meta landed-owners",
        ),
    ]


def _owners_section(cables: Sequence[pd.Series]) -> html.Section | None:
    """Who owns the cables landing here: each owner with how many of them it (co-)owns."""
    counts: dict[str, int] = {}
    for cable in cables:
        for owner in dict.fromkeys(_texts(_str_list(cable.get("owners")))):
            counts[owner] = counts.get(owner, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: (-item[1], _sort_key(item[0])))
    heading = f"Owners of these cables ({len(ranked):,})"
    items: list[Component | str | list[Component | str]] = [
        f"{owner} — {_count(n, 'cable')}" for owner, n in ranked
    ]
    return _section(heading, _list(items, heading))


def _show_cables_button(point_id: str, n: int) -> html.Button:
    """Filters the page to the cables landing at the point (handled by the sync callback)."""
    return html.Button(
        f"Show {'this cable' if n == 1 else f'these {n:,} cables'} on the map",
        id={"type": ids.DETAIL_LINK, "key": CABLES_AT + point_id},
        className="btn details-action",
        n_clicks=0,
        type="button",
    )


def _landing_point_panel(
    ctx: AppContext, point: pd.Series, radius_km: int = DEFAULT_RADIUS_KM
) -> list[Component]:
    landed = _landed_cables(ctx, point)
    cable_items = [_landed_cable_item(cable) for cable in landed]

    pairs: list[tuple[str, Component | str]] = [("Country", plain(point.get("country")))]
    if bool(point.get("is_tbd", False)):
        pairs.append(("Location", "Exact landing site to be determined"))
    n = len(cable_items)
    heading = f"{_count(n, 'cable')} {'lands' if n == 1 else 'land'} here"
    owners = _owners_section(landed)
    return [
        _title(plain(point["name"])),
        _fields(pairs),
        *([_show_cables_button(str(point.name), n)] if n else []),
        _section(heading, _list(cable_items, heading) if cable_items else "None listed."),
        *([owners] if owners is not None else []),
        _facilities_near(ctx, point, radius_km),
    ]


def _facilities_near(ctx: AppContext, point: pd.Series, radius_km: int) -> html.Section:
    """IX facilities within ``radius_km`` of a landing point, or the nearest when none is."""
    facilities = ctx.data.facilities
    geometry = point.get("geometry")
    rows = pd.DataFrame()
    if geometry is not None and not geometry.is_empty:
        rows = within_radius(geometry.x, geometry.y, facilities, radius_km)
    if not rows.empty:
        heading = f"IX facilities within {radius_km} km ({len(rows):,})"
        items = _distance_items(rows, facilities, FACILITY, "city")
        return _section(
            heading,
            html.P(
                "Straight-line distance; change the radius under Analysis → Proximity.",
                className="details-meta",
            ),
            _list(items, heading),
        )
    nearest_items = _nearest_items(point, facilities, FACILITY, "city")
    return _section(
        "Nearest internet-exchange facilities",
        html.P(
            f"None within {radius_km} km (straight-line distance); the nearest are:",
            className="details-meta",
        ),
        _list(nearest_items) if nearest_items else "None with a known location.",
    )


def _facility_panel(ctx: AppContext, facility: pd.Series) -> list[Component]:
    exchanges = _texts(_str_list(facility.get("exchanges")))
    as_of = ctx.data_date(schema.FACILITIES.file)
    pairs: list[tuple[str, Component | str]] = [
        ("Address", plain(facility.get("address"))),
        ("City", plain(facility.get("city"))),
        ("Country", plain(facility.get("country"))),
        (
            # The term column is narrow, so the count and data date go in the value.
            "Exchanges",
            html.Div(
                [
                    html.Span(f"{len(exchanges):,} as of {as_of}", className="details-meta"),
                    _list(exchanges, "Internet exchanges") if exchanges else "",
                ]
            ),
        ),
    ]
    points = _nearest_items(facility, ctx.data.landing_points, LANDING_POINT, "country")
    return [
        _title(plain(facility["name"])),
        _fields(pairs),
        _section(
            "Nearest cable landing points",
            html.P("Straight-line distance.", className="details-meta"),
            _list(points) if points else "None with a known location.",
        ),
    ]


def _dc_fields(dc: pd.Series) -> list[tuple[str, Component | str]]:
    """Operator, tagged power, kind, address, website and the IXs hosted of a data centre."""
    power: Any = dc.get("power_mw")
    exchanges = _texts(_str_list(dc.get("exchanges")))
    pairs: list[tuple[str, Component | str]] = [
        ("Operator", plain(dc.get("operator"), "not tagged in OpenStreetMap")),
        (
            "Power",
            "not tagged in OpenStreetMap"
            if _is_missing(power)
            else f"{format_mw(float(power))}, as tagged in OpenStreetMap",
        ),
        ("Kind", plain(dc.get("kind"))),
        ("Address", plain(dc.get("address"), "not published")),
    ]
    href = safe_http_url(dc.get("website"))
    if href is not None:
        pairs.append(
            ("Website", html.A(plain(href), href=href, target="_blank", rel="noopener noreferrer"))
        )
    hosted: Component | str = (
        html.Div(
            [
                html.Span(f"{len(exchanges):,} (TeleGeography, 2020)", className="details-meta"),
                _list(exchanges, "Internet exchanges hosted"),
            ]
        )
        if exchanges
        else "none listed"
    )
    pairs.append(("IXs hosted", hosted))
    sources = "; ".join(_texts(_str_list(dc.get("sources"))))
    pairs.append(("Source", f"{sources} — {plain(dc.get('licence'))}"))
    return pairs


def _dc_landing_item(ctx: AppContext, point_id: str, name: str, km: float) -> list[Component]:
    """One nearby landing point of a data centre: link, distance and the cables landing there."""
    point = _lookup(ctx.data.landing_points, point_id)
    cables = _landed_cables(ctx, point) if point is not None else []
    links: list[Component | str] = []
    for cable in cables:
        links += [_link(CABLE, str(cable.name), plain(cable["name"])), " "]
    return [
        html.Div(
            [
                _link(LANDING_POINT, point_id, plain(name)),
                " ",
                html.Span(format_distance(km), className="details-distance"),
                " ",
                html.Span(_count(len(cables), "cable"), className="details-meta"),
            ],
            className="landed-head",
        ),
        html.Div(links or "No cable listed.", className="dc-cables"),
    ]


def _datacentre_panel(ctx: AppContext, dc: pd.Series) -> list[Component]:
    rows = nearest(dc, ctx.data.landing_points, k=DC_LANDING_COUNT)
    items: list[Component | str | list[Component | str]] = [
        list(_dc_landing_item(ctx, str(i), str(n), float(km)))
        for i, n, km in zip(
            rows["id"], rows["name"], rows["distance_km"].to_numpy(dtype=float), strict=True
        )
    ]
    route: list[Component] = []
    if not rows.empty:
        first, first_name = str(rows["id"].iloc[0]), plain(rows["name"].iloc[0])
        route = [
            html.Button(
                f"Find routes from {first_name}",
                id={"type": ids.DETAIL_LINK, "key": ROUTE_FROM + first},
                className="btn details-action",
                n_clicks=0,
                type="button",
            )
        ]
    note = plain(dc.get("merge_note"), "")
    return [
        _title(plain(dc["name"])),
        _fields(_dc_fields(dc)),
        *([html.P(note, className="details-meta")] if note else []),
        _section(
            "Nearest cable landing points and their cables",
            html.P("Straight-line distance.", className="details-meta"),
            _list(items) if items else "None with a known location.",
            *route,
        ),
    ]


def details_panel(
    ctx: AppContext,
    selected: str | None,
    *,
    with_close: bool = True,
    radius_km: int = DEFAULT_RADIUS_KM,
) -> list[Component]:
    """The panel content for ``"cable:<id>"``, ``"lp:<id>"`` or ``"fac:<id>"``.

    A non-empty panel starts with a close button (``ids.DETAILS_CLOSE``) unless ``with_close`` is
    False, for a page whose layout already has a static one (two would duplicate the id). None, a
    malformed selection or an id not in the data gives a one-line hint instead.
    """
    body = _panel_body(ctx, selected, radius_km)
    if body is None:
        return [html.P(HINT, className="details-hint")]
    return [_close_button(), *body] if with_close else body


def _panel_body(
    ctx: AppContext, selected: str | None, radius_km: int = DEFAULT_RADIUS_KM
) -> list[Component] | None:
    """The panel without its close button, or None when nothing known is selected."""
    parsed = parse_selection(selected)
    if parsed is None:
        return None
    kind, feature_id = parsed
    if kind == CABLE and (row := _lookup(ctx.data.cables, feature_id)) is not None:
        return _cable_panel(ctx, row)
    if kind == LANDING_POINT and (row := _lookup(ctx.data.landing_points, feature_id)) is not None:
        return _landing_point_panel(ctx, row, radius_km)
    if kind == FACILITY and (row := _lookup(ctx.data.facilities, feature_id)) is not None:
        return _facility_panel(ctx, row)
    if kind == DATACENTRE and (row := _lookup(ctx.data.datacentres, feature_id)) is not None:
        return _datacentre_panel(ctx, row)
    return None
