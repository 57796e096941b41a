"""Data exports of a selection: CSV (zipped with a README), GeoJSON and GeoPackage.

Every file holds exactly the rows ``ctx.select(sel)`` gives for the page's URL, and carries the
attribution, licence, data date, query and export time the data's licence asks for:

* **CSV** — a zip of ``<name>.csv`` and ``README.txt``. UTF-8 with a byte-order mark (so Excel
  detects the encoding), comma-separated, list values joined with ``"; "``, geometry dropped
  (points keep ``lon``/``lat``). *Formula-injection guard:* a text cell that starts with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a spreadsheet shows it
  as text instead of running it as a formula; numbers are left alone.
* **GeoJSON** — the data API's FeatureCollection (same features and properties, lists as lists)
  with top-level ``attribution``, ``licence``, ``licence_url``, ``data_date``, ``query``,
  ``filters`` and ``exported_at`` members. No formula guard: JSON is read by programs.
* **GeoPackage** — a bare ``.gpkg`` (opens directly in QGIS) with one layer of the readable
  columns (lists as ``"; "`` text, no formula guard) plus a non-spatial ``about`` table of one
  row: dataset, attribution, licence, licence URL and terms, data date, query, filters, export
  time. The layer's description carries the attribution and licence too.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import orjson
import pandas as pd

from datalayer import schema
from datalayer.query import to_query
from datalayer.selection import Selection
from export import meta
from services.context import AppContext
from services.features import FeatureCache

#: The exported datasets (declared in datalayer.schema), by export name.
DATASETS: tuple[str, ...] = tuple(schema.BY_ENDPOINT)
FORMATS: tuple[str, ...] = ("csv", "geojson", "gpkg")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEPARATOR = "; "


def _published(dataset: str) -> schema.Published:
    published = schema.BY_ENDPOINT[dataset].published
    assert published is not None  # BY_ENDPOINT holds served datasets only
    return published


def _frame(filtered: Any, dataset: str) -> gpd.GeoDataFrame:
    """The frame of a filter result (or of the datasets) that ``dataset`` exports."""
    frame: gpd.GeoDataFrame = getattr(filtered, schema.BY_ENDPOINT[dataset].key)
    return frame


def _join(values: Any) -> str:
    if values is None or isinstance(values, float):
        return ""
    return SEPARATOR.join(str(v) for v in values)


def _lookup_join(ids: Sequence[str], names: Mapping[str, str]) -> str:
    return SEPARATOR.join(str(names.get(i, i)) for i in ids)


def readable_frame(ctx: AppContext, dataset: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``frame`` with readable columns (lists as ``"; "`` text), geometry kept."""
    if dataset == "cables":
        points = ctx.data.landing_points
        point_names = dict(zip(points.index, points["name"], strict=True))
        point_country = dict(zip(points.index, points["country"], strict=True))
        columns: dict[str, Any] = {
            "id": frame.index.astype(str),
            "name": frame["name"],
            "owners": frame["owners"].map(_join),
            "suppliers": frame["suppliers"].map(_join),
            "rfs": frame["rfs"],
            "rfs_year": frame["rfs_year"],
            "status": frame["is_planned"].map(lambda p: "planned" if p else "in service"),
            "length_km": frame["length_km"],
            "landing_point_count": frame["landing_point_ids"].map(len),
            "landing_points": frame["landing_point_ids"].map(
                lambda ids: _lookup_join(ids, point_names)
            ),
            "countries": frame["landing_point_ids"].map(
                lambda ids: SEPARATOR.join(sorted({str(point_country.get(i, "")) for i in ids}))
            ),
            "regions": frame["regions"].map(_join),
            "url": frame["url"],
            "notes": frame["notes"] if "notes" in frame.columns else "",
        }
    elif dataset == "landing-points":
        names = ctx.map.cable_names
        columns = {
            "id": frame.index.astype(str),
            "name": frame["name"],
            "country": frame["country"],
            "cable_count": frame["cable_ids"].map(len),
            "cables": frame["cable_ids"].map(lambda ids: _lookup_join(sorted(ids), names)),
            "cable_ids": frame["cable_ids"].map(lambda ids: _join(sorted(ids))),
            "is_tbd": frame["is_tbd"] if "is_tbd" in frame.columns else False,
            "regions": frame["regions"].map(_join) if "regions" in frame.columns else "",
        }
    elif dataset == "facilities":
        columns = {
            "id": frame.index.astype(str),
            "name": frame["name"],
            "address": frame["address"],
            "city": frame["city"],
            "country": frame["country"],
            "exchange_count": frame["exchange_count"],
            "exchanges": frame["exchanges"].map(_join),
            "exchange_urls": (
                frame["exchange_urls"].map(_join) if "exchange_urls" in frame.columns else ""
            ),
        }
    elif dataset == "data-centres":
        columns = {
            "id": frame.index.astype(str),
            "name": frame["name"],
            "operator": frame["operator"],
            "power_mw": frame["power_mw"],
            "kind": frame["kind"],
            "exchange_count": frame["exchange_count"],
            "exchanges": frame["exchanges"].map(_join),
            "osm_id": frame["osm_id"].astype("Int64"),
            "ix_building_id": frame["ix_building_id"],
            "address": frame["address"],
            "sources": frame["sources"].map(_join),
            "licence": frame["licence"],
            "attribution": frame["attribution"],
        }
    else:
        raise ValueError(f"unknown dataset {dataset!r}")
    table = pd.DataFrame(columns, index=frame.index)
    return gpd.GeoDataFrame(
        table.reset_index(drop=True), geometry=list(frame.geometry), crs=frame.crs
    )


def guard_formula(value: Any) -> Any:
    """``'=1+1`` for ``=1+1``: text a spreadsheet would run as a formula stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_frame(readable: gpd.GeoDataFrame) -> pd.DataFrame:
    """The CSV rows: geometry dropped (points keep lon/lat), text cells formula-guarded."""
    table = pd.DataFrame(readable.drop(columns=readable.geometry.name))
    geoms = readable.geometry
    if len(geoms) and bool((geoms.geom_type == "Point").all()):
        table["lon"] = geoms.x.round(6)
        table["lat"] = geoms.y.round(6)
    for column in table.columns:
        if not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].map(guard_formula)
    return table


# --- metadata ---------------------------------------------------------------------------------


def _licence_terms(ctx: AppContext, file: str) -> str:
    """The section of ``LICENSES.md`` that covers ``file`` (empty if the file is missing)."""
    path = Path(ctx.data.source_dir) / "LICENSES.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    for section in re.split(r"\n(?=## )", text):
        if section.startswith("## ") and file in section:
            return section.strip()
    return ""


def _query_text(query: str) -> str:
    return query or "(none: the default view)"


def readme_text(
    ctx: AppContext,
    sel: Selection,
    dataset: str,
    filename: str,
    rows: int,
    when: datetime,
) -> str:
    """The README.txt shipped with a CSV: what, when, which query, credits, licence, columns."""
    file = meta.DATASET_FILES[dataset]
    credit = meta.credits_for(ctx, [file])[0]
    entry = ctx.data.metadata["datasets"].get(file, {})
    columns = "\n".join(f"  {name}: {what}" for name, what in _published(dataset).columns.items())
    terms = _licence_terms(ctx, file)
    lines = [
        f"Landfall export: {_published(dataset).title}",
        "",
        f"File:        {filename}",
        f"Rows:        {rows}",
        f"Exported:    {when:%Y-%m-%dT%H:%M:%SZ} (UTC)",
        f"Query:       {_query_text(to_query(sel))}",
        f"Filters:     {meta.describe_selection(sel, ctx)}",
        f"Data date:   {credit.data_date}",
        "",
        "ATTRIBUTION (required by the licence; keep it with the data)",
        f"  {credit.attribution}",
        "",
        f"LICENCE: {credit.licence}",
        f"  {credit.licence_url}",
        "",
        *([terms, ""] if terms else []),
        f"Source: {entry.get('source', '')}",
        f"Notes: {entry.get('notes', '')}",
        "",
        "FORMAT",
        "  UTF-8 with a byte-order mark, comma-separated, one header row.",
        "  List values are joined with '; '. Empty cells: not published.",
        "  Formula guard: text cells that start with =, +, -, @, a tab or a carriage return",
        "  are prefixed with an apostrophe (') so spreadsheet programs show them as text",
        "  instead of running them as formulas. Strip it if you process the file with code.",
        "",
        "COLUMNS",
        columns,
        "",
    ]
    return "\n".join(lines)


def _about_row(ctx: AppContext, sel: Selection, dataset: str, when: datetime) -> dict[str, str]:
    file = meta.DATASET_FILES[dataset]
    credit = meta.credits_for(ctx, [file])[0]
    return {
        "dataset": _published(dataset).title,
        "attribution": credit.attribution,
        "licence": credit.licence,
        "licence_url": credit.licence_url,
        "licence_terms": _licence_terms(ctx, file),
        "data_date": credit.data_date,
        "query": to_query(sel),
        "filters": meta.describe_selection(sel, ctx),
        "exported_at": f"{when:%Y-%m-%dT%H:%M:%SZ}",
        "columns": orjson.dumps(_published(dataset).columns).decode(),
    }


# --- writers ----------------------------------------------------------------------------------


def csv_zip(ctx: AppContext, sel: Selection, dataset: str, when: datetime) -> meta.ExportFile:
    """A zip of the CSV and its README."""
    frame = _frame(ctx.select(sel), dataset)
    table = csv_frame(readable_frame(ctx, dataset, frame))
    csv_name = meta.export_filename(dataset, sel, "csv", when)
    body = table.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    buffer = io.BytesIO()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            (csv_name, body),
            ("README.txt", readme_text(ctx, sel, dataset, csv_name, len(table), when).encode()),
        ):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return meta.ExportFile(csv_name + ".zip", "application/zip", buffer.getvalue())


def geojson(ctx: AppContext, sel: Selection, dataset: str, when: datetime) -> meta.ExportFile:
    """The data API's FeatureCollection for ``sel``, with the export's metadata members."""
    frame = _frame(ctx.select(sel), dataset)
    credit = meta.credits_for(ctx, [meta.DATASET_FILES[dataset]])[0]
    payload = {
        "type": "FeatureCollection",
        "attribution": credit.attribution,
        "licence": credit.licence,
        "licence_url": credit.licence_url,
        "data_date": credit.data_date,
        "count": len(frame),
        "query": to_query(sel),
        "filters": meta.describe_selection(sel, ctx),
        "exported_at": f"{when:%Y-%m-%dT%H:%M:%SZ}",
        "features": FeatureCache.build(frame).features(frame.index),
    }
    return meta.ExportFile(
        meta.export_filename(dataset, sel, "geojson", when),
        "application/geo+json",
        orjson.dumps(payload),
    )


def geopackage(ctx: AppContext, sel: Selection, dataset: str, when: datetime) -> meta.ExportFile:
    """A GeoPackage with the dataset's layer and an ``about`` table of credits and query."""
    frame = _frame(ctx.select(sel), dataset)
    readable = readable_frame(ctx, dataset, frame)
    layer = dataset.replace("-", "_")
    about = _about_row(ctx, sel, dataset, when)
    description = f"{about['attribution']}. Licence: {about['licence']} ({about['licence_url']})."
    import pyogrio  # here, not at the top: importing it costs every start 30 ms

    with tempfile.TemporaryDirectory(prefix="landfall-gpkg-") as directory:
        path = Path(directory) / "export.gpkg"
        pyogrio.write_dataframe(
            readable,
            path,
            layer=layer,
            driver="GPKG",
            promote_to_multi=dataset == "cables",
            layer_options={"DESCRIPTION": description, "IDENTIFIER": f"Landfall {layer}"},
            metadata={k: v for k, v in about.items() if k != "columns"},
        )
        pyogrio.write_dataframe(pd.DataFrame([about]), path, layer="about", driver="GPKG")
        content = path.read_bytes()
    return meta.ExportFile(
        meta.export_filename(dataset, sel, "gpkg", when), "application/geopackage+sqlite3", content
    )


WRITERS: dict[str, Callable[[AppContext, Selection, str, datetime], meta.ExportFile]] = {
    "csv": csv_zip,
    "geojson": geojson,
    "gpkg": geopackage,
}


def export_table(
    ctx: AppContext, sel: Selection, dataset: str, fmt: str, when: datetime | None = None
) -> meta.ExportFile:
    """Dataset ``dataset`` of ``sel`` as ``fmt`` (csv → zip, geojson, gpkg)."""
    if dataset not in schema.BY_ENDPOINT:
        raise ValueError(f"unknown dataset {dataset!r}")
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}")
    return WRITERS[fmt](ctx, sel, dataset, when or meta.utc_now())
