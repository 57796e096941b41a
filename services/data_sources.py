"""The Data sources view's rows: each dataset with its vintage, record count, licence and the
command that rebuilds or imports it.

Derived, never listed by hand: the datasets come from ``metadata.json`` (what the build wrote
into this data folder, imports included), ordered and described by the dataset registry
(:mod:`datalayer.schema`): which the app loads, which the API serves, which were imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from datalayer import schema

#: Every declared dataset, in registry order (the ones a user's import makes last).
REGISTRY: tuple[schema.DatasetSpec, ...] = (*schema.ALL_SPECS, *schema.IMPORTED_SPECS)


@dataclass(frozen=True)
class SourceRow:
    """One dataset as the Data sources view shows it (plain text: escape where shown)."""

    file: str
    title: str
    vintage: str
    count: int | None
    licence: str
    licence_url: str
    attribution: str
    command: str
    #: ``/api/v1/<endpoint>`` when the data API serves it, else ``None``.
    endpoint: str | None
    #: How the app uses it: "loaded", "build output" (made, not read) or "imported, not loaded".
    use: str


def _use(spec: schema.DatasetSpec | None) -> str:
    if spec is None:
        return "build output (not read by the app)"
    if spec in schema.IMPORTED_SPECS:
        return "your import (not shipped, not exported)"
    return "loaded by the app"


def source_rows(metadata: Mapping[str, Any]) -> list[SourceRow]:
    """A row per dataset of ``metadata['datasets']``: declared datasets first, in registry
    order, then the build's other files in the metadata's order."""
    entries: Mapping[str, Mapping[str, Any]] = metadata.get("datasets", {})
    by_file = {spec.file: spec for spec in REGISTRY}
    files = [s.file for s in REGISTRY if s.file in entries] + [
        f for f in entries if f not in by_file
    ]
    rows = []
    for file in files:
        entry, spec = entries[file], by_file.get(file)
        count = entry.get("feature_count")
        published = spec.published if spec is not None else None
        rows.append(
            SourceRow(
                file=file,
                title=str(entry.get("title", file)),
                vintage=str(entry.get("vintage") or entry.get("data_date", "")),
                count=count if isinstance(count, int) and not isinstance(count, bool) else None,
                licence=str(entry.get("licence", "")),
                licence_url=str(entry.get("licence_url", "")),
                attribution=str(entry.get("attribution", "")),
                command=str(entry.get("command", "")),
                endpoint=f"/api/v1/{published.endpoint}" if published else None,
                use=_use(spec),
            )
        )
    return rows


def licences_in(licence_texts: Iterable[str]) -> list[str]:
    """Each licence named in ``licence_texts`` once, in order (a dataset drawn from two sources
    names both, joined with " + ")."""
    names: list[str] = []
    for text in licence_texts:
        for part in text.split(" + "):
            name = part.strip()
            if name and name not in names:
                names.append(name)
    return names


def page_licences(metadata: Mapping[str, Any]) -> list[str]:
    """The licences of the datasets the app loads (the page shows nothing else; an import
    such as PeeringDB's is listed in the Data sources view, not drawn)."""
    entries: Mapping[str, Mapping[str, Any]] = metadata.get("datasets", {})
    return licences_in(
        str(entries[spec.file].get("licence", ""))
        for spec in schema.ALL_SPECS
        if spec.file in entries
    )
