"""What every export says about itself: the active filters, the credits, dates and file names.

Everything here returns plain text; the image, report and table writers escape it for their own
format (Plotly pseudo-HTML, HTML, CSV).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from datalayer import schema
from datalayer.fields import DESCRIBED
from datalayer.selection import REGION_WORLD, Selection
from figures.layers import LAYERS, layers_of
from services.context import AppContext
from services.data_sources import licences_in

#: Where the export routes live (the page's export card links there too).
EXPORT_ROOT = "/export"

#: Dataset name in export URLs → its file in ``metadata.json`` (declared in datalayer.schema).
DATASET_FILES: dict[str, str] = {name: spec.file for name, spec in schema.BY_ENDPOINT.items()}

#: Map layer → the dataset file it draws (for the map's credits), in legend order.
LAYER_FILES: dict[str, str] = {layer.key: layer.file for layer in LAYERS}
#: The basemap's land files, whose credits every map carries (the finer ones are drawn when
#: zoomed in: Natural Earth 1:10m, IGN around Marseille), and the place names.
BASEMAP_FILES = (schema.BASEMAP_LAND.file, *(spec.file for spec in schema.BASEMAP_FINER_LAND))
#: Drawn on every map under its layers: the coastline and the place names.
BACKGROUND_FILES = (*BASEMAP_FILES, schema.PLACE_LABELS.file)


@dataclass(frozen=True)
class Credit:
    """The metadata of one dataset that an export must carry."""

    file: str
    title: str
    attribution: str
    licence: str
    licence_url: str
    data_date: str


@dataclass(frozen=True)
class ExportFile:
    """One file to hand to the client."""

    filename: str
    mimetype: str
    content: bytes


def utc_now() -> datetime:
    """The export time (UTC, to the second)."""
    return datetime.now(UTC).replace(microsecond=0)


def credits_for(ctx: AppContext, files: Iterable[str]) -> list[Credit]:
    """The credits of ``files`` (in order, once each; files without metadata are skipped)."""
    entries = ctx.data.metadata["datasets"]
    out: list[Credit] = []
    for file in dict.fromkeys(files):
        entry = entries.get(file)
        if entry is None:
            continue
        out.append(
            Credit(
                file=file,
                title=str(entry.get("title", file)),
                attribution=str(entry.get("attribution", "")),
                licence=str(entry.get("licence", "")),
                licence_url=str(entry.get("licence_url", "")),
                data_date=str(entry.get("data_date", "")),
            )
        )
    return out


def attribution_lines(credits: Sequence[Credit]) -> list[str]:
    """Each attribution once, split like :meth:`AppContext.attribution_lines` does."""
    seen: list[str] = []
    for credit in credits:
        for part in credit.attribution.split("; "):
            text = part.strip()
            if text and text not in seen:
                seen.append(text)
    return seen


def licence_line(credits: Sequence[Credit]) -> str:
    """``Licences: CC BY-NC-SA 3.0 Unported · …``: every licence of the data an export
    contains, and only those."""
    return "Licences: " + " · ".join(licences_in(c.licence for c in credits))


def data_date_text(credits: Sequence[Credit]) -> str:
    """``2022-11-10``, or ``2022-11-10 (Submarine cables, …) · 2020-08-31 (…)`` when dates differ.

    The basemap's date is left out: it dates the coastline, not the data the export is about.
    """
    thematic = [c for c in credits if c.file not in BACKGROUND_FILES] or list(credits)
    by_date: dict[str, list[str]] = {}
    for credit in thematic:
        by_date.setdefault(credit.data_date, []).append(credit.title)
    if len(by_date) == 1:
        return next(iter(by_date))
    return " · ".join(f"{date} ({', '.join(titles)})" for date, titles in by_date.items())


def map_files(sel: Selection) -> list[str]:
    """The dataset files the map of ``sel`` draws (its layers, then the basemap and names)."""
    layers = layers_of(sel)
    return [LAYER_FILES[layer] for layer in LAYER_FILES if layer in layers] + list(BACKGROUND_FILES)


def region_name(ctx: AppContext, region: str) -> str:
    """``Mediterranean Sea`` for ``mediterranean``; ``World`` for the whole world."""
    if region == REGION_WORLD:
        return "World"
    regions = ctx.data.regions
    if region in regions.index and "name" in regions.columns:
        return str(regions.loc[region, "name"])
    return region


class _Names:
    """Display names of the ids a selection holds, from the app's data."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    def cable_name(self, cable_id: str) -> str:
        return self._ctx.map.cable_names.get(cable_id, cable_id)

    def point_name(self, point_id: str) -> str:
        names = self._ctx.data.landing_points["name"]
        return str(names.get(point_id, point_id)) if point_id in names.index else point_id

    def scenario_label(self, key: str) -> str | None:
        scenario = self._ctx.scenarios.get(key)
        return scenario.label if scenario is not None else None


def describe_selection(sel: Selection, ctx: AppContext) -> str:
    """The active filters in one line, e.g. ``Mediterranean Sea · owner: Orange · in service``.

    The region comes first, then each declared field's own words (:mod:`datalayer.fields`).
    Plain text from the data: escape it for the target format.
    """
    names = _Names(ctx)
    parts = [region_name(ctx, sel.region)]
    parts.extend(text for declaration in DESCRIBED for text in declaration.describe(sel, names))
    return " · ".join(parts)


def slug(text: str) -> str:
    """A file-name-safe lower-case slug (``red-sea``); ``view`` if nothing is left."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:40] or "view"


def export_filename(what: str, sel: Selection, ext: str, when: datetime) -> str:
    """``landfall-cables-mediterranean-20261125.csv.zip``: what, which region, exported when."""
    return f"landfall-{slug(what)}-{slug(sel.region)}-{when:%Y%m%d}.{ext}"
