"""The self-description served at ``GET /api/v1``: endpoints, parameters and their values."""

from __future__ import annotations

from typing import Any

from datalayer.query import ALL_PARAMS, LIST_PARAMS, MAX_VALUES, VIEW_PARAMS, Vocabulary
from datalayer.selection import DEFAULT_REGION, REGION_WORLD, STATUSES

#: Parameters that shape only the page (map view, layers, selected item, coverage technology):
#: the API validates them like the page does, then ignores them.
PAGE_ONLY_PARAMS = VIEW_PARAMS

#: One line per query parameter, saying what it restricts.
PARAM_MEANINGS: dict[str, str] = {
    "cable": "Only these cables (cable ids, e.g. 'seamewe-4').",
    "owner": "Cables owned, at least in part, by any of these owners.",
    "supplier": "Cables built by any of these suppliers.",
    "country": "Cables with a landing point in any of these countries.",
    "fac_country": "Exchange buildings (facilities) in any of these countries.",
    "ix": "Exchange buildings hosting any of these internet exchanges.",
    "operator": "Mobile operators of the coverage layer; no endpoint here serves coverage.",
    "year_min": "Cables ready for service in or after this year (cables without a year drop out).",
    "year_max": "Cables ready for service in or before this year (cables without a year drop out).",
    "status": "Cables in service, planned, or all.",
    "region": "Sea region the cables cross; facilities in countries on its shores ('world': no limit).",
    "tech": "Page only: the coverage technology shown. Validated, then ignored.",
    "layers": "Page only: comma-separated map layers shown. Validated, then ignored.",
    "sel": "Page only: the selected item, 'cable:<id>', 'lp:<id>' or 'fac:<id>'. Validated, then ignored.",
    "view": "Page only: the map view 'lon,lat,zoom'. Validated, then ignored.",
    "from": "Page only: route finder origin (landing point id). Validated, then ignored.",
    "to": "Page only: route finder destination (landing point id). Validated, then ignored.",
    "cut": "Page only: cables cut in the impact simulator (cable ids). Validated, then ignored.",
    "scenario": "Page only: preset cut scenario. Validated, then ignored.",
    "hub": "Page only: the hub of the cut simulator (landing point id). Validated, then ignored.",
    "corridor": "Page only: a corridor 'lon lat, lon lat, …' whose crossing cables are cut. "
    "Validated, then ignored.",
    "radius": "Page only: radius in km (5, 10, 25, 50, 100 or 250; default 25) of the IX "
    "facilities listed in a landing point's details. Validated, then ignored.",
}

#: Endpoint path (below the API root) → (dataset file in metadata.json, what it returns).
ENDPOINTS: dict[str, tuple[str, str]] = {
    "cables": (
        "cables.geojson",
        "Submarine cables that pass every cable filter (MultiLineString/LineString).",
    ),
    "landing-points": (
        "landing_points.geojson",
        "Every landing point of the selected cables, whatever its country (Point).",
    ),
    "facilities": (
        "facilities.geojson",
        "Internet exchange buildings that pass region, fac_country and ix (Point).",
    ),
}


def parameter_docs(vocab: Vocabulary) -> dict[str, dict[str, Any]]:
    """Every accepted query parameter, with its meaning and, where short, its allowed values."""
    low, high = vocab.year_range
    values: dict[str, Any] = {
        "status": list(STATUSES),
        "region": sorted(vocab.regions),
        "tech": sorted(vocab.technologies),
        "layers": sorted(vocab.layers),
        "year_min": {"min": low, "max": high},
        "year_max": {"min": low, "max": high},
    }
    defaults: dict[str, Any] = {"status": STATUSES[0], "region": DEFAULT_REGION}
    docs: dict[str, dict[str, Any]] = {}
    for name in ALL_PARAMS:
        entry: dict[str, Any] = {
            # A parameter added to datalayer.query without a line here is still listed.
            "meaning": PARAM_MEANINGS.get(name, "Accepted; see the page."),
            "repeatable": name in LIST_PARAMS,
            "page_only": name in PAGE_ONLY_PARAMS,
        }
        if name in values:
            entry["values"] = values[name]
        if name in defaults:
            entry["default"] = defaults[name]
        docs[name] = entry
    return docs


def index_document(vocab: Vocabulary, base: str) -> dict[str, Any]:
    """The JSON served at the API root (``base``, e.g. ``/api/v1``)."""
    return {
        "name": "Landfall data API",
        "version": "v1",
        "description": (
            "Read-only GeoJSON of the filtered datasets, for the same query parameters as the "
            "page URL: '/api/v1/cables?owner=Orange' returns what '/?owner=Orange' shows."
        ),
        "endpoints": [
            {
                "path": f"{base}/{name}",
                "method": "GET",
                "media_type": "application/geo+json",
                "dataset": dataset,
                "returns": returns,
            }
            for name, (dataset, returns) in ENDPOINTS.items()
        ],
        "parameters": parameter_docs(vocab),
        "notes": [
            "Repeat a list parameter for 'any of': owner=A&owner=B. URL-encode values "
            "(names may contain commas, spaces and ampersands).",
            f"Filters combine with AND. The default region is '{DEFAULT_REGION}'; "
            f"region={REGION_WORLD} lifts it.",
            f"At most {MAX_VALUES} values per list parameter.",
            "Unknown parameters or values are an error (400) listing every problem.",
            "Each FeatureCollection also carries attribution, licence, licence_url, data_date, "
            "count and query (the normalised query string of the filters applied).",
        ],
        "errors": {
            "400": {"error": "invalid parameters", "details": ["..."], "parameters": base},
            "404": {"error": "not found"},
            "405": {"error": "method not allowed"},
            "500": {"error": "internal error"},
        },
    }
