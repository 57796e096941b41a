"""The self-description served at ``GET /api/v1``: endpoints, parameters and their values."""

from __future__ import annotations

from typing import Any

from datalayer import schema
from datalayer.fields import FIELDS, FILTER, MAX_VALUES, VIEW_PARAMS
from datalayer.selection import DEFAULT_REGION, REGION_WORLD
from datalayer.vocabulary import Vocabulary

#: Parameters that shape only the page (map view, layers, selected item, analysis): the API
#: validates them like the page does, then ignores them.
PAGE_ONLY_PARAMS = VIEW_PARAMS

#: One line per query parameter, saying what it restricts (declared with its field).
PARAM_MEANINGS: dict[str, str] = {p: text for f in FIELDS for p, text in f.docs.items()}

#: Endpoint path (below the API root) → (dataset file in metadata.json, what it returns); one
#: per served dataset of datalayer.schema.
ENDPOINTS: dict[str, tuple[str, str]] = {
    spec.published.endpoint: (spec.file, spec.published.returns)
    for spec in schema.PUBLISHED
    if spec.published is not None
}


def parameter_docs(vocab: Vocabulary) -> dict[str, dict[str, Any]]:
    """Every accepted query parameter, with its meaning and, where short, its allowed values."""
    docs: dict[str, dict[str, Any]] = {}
    for declaration in FIELDS:
        values = declaration.allowed(vocab) if declaration.list_values else {}
        defaults = declaration.default_doc()
        for name in declaration.params:
            entry: dict[str, Any] = {
                "meaning": declaration.docs[name],
                "repeatable": declaration.repeatable,
                "page_only": declaration.role != FILTER,
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
