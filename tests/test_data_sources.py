"""The Data sources rows and the licence-aware credits: derived from metadata.json and the
dataset registry; every licence of the data shown or exported is named, and only those."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from datalayer import schema
from datalayer.loader import Datasets
from datalayer.selection import Selection
from export import meta, report, tables
from services.context import AppContext, build_context
from services.data_sources import licences_in, page_licences, source_rows

CC = "CC BY-NC-SA 3.0 Unported"
LO = "Licence Ouverte / Open Licence (Etalab)"
PD = "Public domain (Natural Earth)"
# As the build names it (scripts/build/docs.py), for the shipped data centres too.
ODBL = "ODbL 1.0 (Open Database License)"


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


def _with_entries(ctx: AppContext, **entries: dict[str, Any]) -> AppContext:
    """``ctx`` whose metadata has extra dataset entries (files it does not ship)."""
    metadata = dict(ctx.data.metadata)
    metadata["datasets"] = {**metadata["datasets"], **entries}
    return dataclasses.replace(ctx, data=dataclasses.replace(ctx.data, metadata=metadata))


def test_every_shipped_dataset_has_a_row_with_vintage_count_licence_and_command(
    real_data: Datasets,
) -> None:
    rows = source_rows(real_data.metadata)
    assert [r.file for r in rows] == [
        *(s.file for s in schema.ALL_SPECS if s.file in real_data.metadata["datasets"]),
        "mobile_sites.geojson",  # a build output the app does not read
    ]
    by_file = {r.file: r for r in rows}
    cables = by_file["cables.geojson"]
    assert (cables.vintage, cables.count, cables.licence) == ("2022-11-10", 526, CC)
    assert cables.endpoint == "/api/v1/cables"
    assert cables.command == "python scripts/build_data.py --raw <raw folder> --out <data folder>"
    assert by_file["coverage.geojson"].vintage == "Jan 2018"
    assert all(r.command and r.licence and r.vintage for r in rows)


def test_an_imported_peeringdb_dataset_is_listed_last_as_the_users_import(
    real_data: Datasets,
) -> None:
    entry = {
        "title": "PeeringDB facilities",
        "data_date": "2026-01-01",
        "licence": "PeeringDB Acceptable Use Policy (not openly licensed)",
        "feature_count": 2,
        "command": "python scripts/build_data.py … --peeringdb pdb",
    }
    metadata = {
        "datasets": {**real_data.metadata["datasets"], "peeringdb_facilities.geojson": entry}
    }
    rows = source_rows(metadata)
    pdb = next(r for r in rows if r.file == schema.PEERINGDB_FACILITIES.file)
    assert "not shipped" in pdb.use and pdb.endpoint is None and pdb.count == 2
    # The page draws no PeeringDB record, so its footer does not name PeeringDB's terms.
    assert not any("PeeringDB" in name for name in page_licences(metadata))


def test_licences_are_named_once_each_in_order() -> None:
    assert licences_in([CC, f"{CC} + {LO}", PD, LO]) == [CC, LO, PD]


def test_the_page_names_the_licences_of_every_dataset_it_loads(real_data: Datasets) -> None:
    # OpenStreetMap data centres are shipped too (ODbL).
    assert page_licences(real_data.metadata) == [CC, LO, PD, ODBL]


def test_an_export_of_only_arcep_data_names_only_licence_ouverte(ctx: AppContext) -> None:
    credits = meta.credits_for(ctx, ["coverage.geojson", "mobile_sites.geojson"])
    assert meta.licence_line(credits) == f"Licences: {LO}"


def test_an_export_of_only_osm_data_names_only_odbl(ctx: AppContext) -> None:
    osm = {
        "title": "Data centres (OpenStreetMap)",
        "attribution": "© OpenStreetMap contributors, ODbL 1.0",
        "licence": ODBL,
        "licence_url": "https://opendatacommons.org/licenses/odbl/1-0/",
        "data_date": "2026-01-01",
    }
    credits = meta.credits_for(_with_entries(ctx, **{"osm_dc.geojson": osm}), ["osm_dc.geojson"])
    assert meta.licence_line(credits) == f"Licences: {ODBL}"


def test_a_cables_csv_names_only_telegeographys_licence(ctx: AppContext) -> None:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    readme = tables.readme_text(ctx, Selection(), "cables", "x.csv", 1, when)
    assert CC in readme
    assert LO not in readme and "Public domain" not in readme and "ODbL" not in readme


def test_the_report_names_each_licence_of_its_data_and_share_alike_only_with_it(
    ctx: AppContext,
) -> None:
    document = report.build_report_html(ctx, Selection(layers=("coverage",)))
    line = document.split('<p class="licences">', 1)[1].split("</p>", 1)[0]
    # The cables table (TeleGeography), the coverage (ARCEP, IGN), the basemap and the names,
    # and the hubs section, which counts the data centres (OpenStreetMap) near each hub.
    assert line.startswith("Licences: ")
    assert sorted(line.removeprefix("Licences: ").split(" · ")) == sorted([CC, LO, PD, ODBL])
    assert "PeeringDB" not in document
    assert "shared under the same licence" in document
