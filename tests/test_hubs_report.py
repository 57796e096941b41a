"""The hubs in the HTML/PDF report (issue 16): the ranking, with the same numbers as
:func:`services.hubs.hubs_of`, and the profile of the hub in ``?metro=`` (no browser)."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from datalayer.loader import Datasets
from datalayer.query import parse_params
from datalayer.selection import Selection
from export import images, report
from export.hubs_section import COUNT_COLUMNS
from services.context import AppContext, build_context
from services.hubs import hubs_of


@pytest.fixture(scope="module")
def ctx(real_data: Datasets) -> AppContext:
    return build_context(real_data)


class _Tables(HTMLParser):
    """Caption → rows (cell texts) of every table of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_caption = False
        self._current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self._caption is not None:
            self.tables[self._caption] = self._rows
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._in_caption and self._caption is not None:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


def _tables(document: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(document)
    return parser.tables


def _table(document: str, caption_start: str) -> list[list[str]]:
    tables = _tables(document)
    return next(rows for caption, rows in tables.items() if caption.startswith(caption_start))


def _section(document: str) -> str:
    start = document.index('<section class="hubs">')
    return document[start : document.index('<section class="credits">', start)]


def test_the_report_ranks_every_hub_with_the_services_numbers(ctx: AppContext) -> None:
    document = report.build_report_html(ctx, Selection())
    assert "<h2>Hubs</h2>" in document
    ranking = hubs_of(ctx).table
    rows = _table(_section(document), "Hubs ranked by cables in service")
    head, body = rows[0], rows[1:]
    assert head[:2] == ["#", "Hub"] and "Cables in service" in head
    assert len(body) == len(ranking)
    # Same order, same numbers: the rank, then each count column.
    for row, (_, want) in zip(body, ranking.iterrows(), strict=True):
        assert row[1] == f"{want['name']} ({want['country']})"
        assert int(row[0]) == want["rank_cables_in_service"]
        assert int(row[head.index("Cables in service")]) == want["cables_in_service"]
        assert int(row[head.index("Owners")]) == want["owners"]
        if pd.isna(want["datacentre_mw"]):  # the data centre data does not map this hub
            assert row[head.index("Tagged MW")] == row[head.index("Data centres ≤ 50 km")] == "–"
        else:
            assert float(row[head.index("Tagged MW")]) == pytest.approx(want["datacentre_mw"])
    marseille = next(r for r in body if r[1] == "Marseille (France)")
    expected = ranking.set_index("id").loc["marseille", "cables_in_service"]
    assert int(marseille[head.index("Cables in service")]) == expected
    # The RTT estimates: Marseille → Singapore as in the ranking, one decimal.
    rtts = _table(_section(document), "Estimated round-trip times")
    singapore = rtts[0].index("Singapore")
    row = next(r for r in rtts[1:] if r[0] == "Marseille (France)")
    assert row[singapore] == f"{ranking.set_index('id').loc['marseille', 'rtt_singapore_ms']:,.1f}"
    # No hub in the query, no profile.
    assert "Hub profile:" not in document
    assert "data centres within 50 km" not in document.lower()


def test_metro_and_year_add_the_hubs_profile_and_the_year_column(ctx: AppContext) -> None:
    sel, notices = parse_params({"metro": ["marseille"], "year_max": ["2010"]}, ctx.vocab)
    assert not notices and sel.metro == "marseille"
    document = report.build_report_html(ctx, sel)
    section = _section(document)
    result = hubs_of(ctx)
    profile = result.profiles["marseille"]
    rows = _table(section, "Hubs ranked by cables in service")
    column = rows[0].index(COUNT_COLUMNS["cables_in_year"].format(year=2010))
    marseille = next(r for r in rows[1:] if r[1] == "Marseille (France)")
    assert int(marseille[column]) == profile.cables_by_year[2010]
    assert "Hub profile: Marseille, France" in section
    assert "SeaMeWe-4" in section  # the cables by name
    ranks = _table(section, "Rank on each measure")
    cables = next(r for r in ranks if r[0] == "Cables in service")
    want = result.table.set_index("id").loc["marseille"]
    assert cables[1:] == [
        str(want["cables_in_service"]),
        f"{want['rank_cables_in_service']} of {len(result.table)}",
    ]
    by_year = dict(tuple(r) for r in _table(section, "Cables in service at the end of each"))
    assert by_year["2022"] == str(profile.cables_by_year[2022])
    assert "not measurements" in section  # the RTTs are called estimates
    # The data centres the section counts are credited (OpenStreetMap, ODbL).
    assert "© OpenStreetMap contributors" in document


def test_the_printed_report_has_the_hubs_too(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The PDF page, without rendering its figures (kaleido is tested in test_export).
    monkeypatch.setattr(images, "export_figure", lambda *args, **kwargs: b"png")
    document = report.build_report_print_html(ctx, Selection(metro="genoa"))
    section = _section(document)
    rows = _table(section, "Hubs ranked by cables in service")
    assert len(rows) - 1 == len(hubs_of(ctx).table)
    assert "Hub profile: Genoa, Italy" in section
    assert 'alt="Cables in service over time' in section


def test_the_views_grid_rows_carry_the_services_numbers(ctx: AppContext) -> None:
    from components.hubs_panel import (
        COLUMNS,
        DEFAULT_SORT,
        NAME_COLUMN,
        ranking_columns,
        ranking_rows,
    )

    result = hubs_of(ctx)
    rows = {row["id"]: row for row in ranking_rows(result, 2010)}
    assert len(rows) == len(result.table)
    marseille = rows["marseille"]
    assert marseille[NAME_COLUMN] == "Marseille (France)"
    assert marseille["cables_in_year"] == result.profiles["marseille"].cables_by_year[2010]
    assert isinstance(marseille["datacentres"], int) and marseille["datacentres"] >= 10
    # Missing is null (shown "–", sorted last), never NaN, which JSON has not.
    assert rows["alexandria"]["datacentres"] is None
    assert all(set(COLUMNS) <= set(row) for row in rows.values())
    columns = {c["field"]: c for c in ranking_columns(2010)}
    assert columns["cables_in_year"]["headerName"] == "Cables 2010"
    assert columns[DEFAULT_SORT]["sort"] == "desc"
    assert columns["rtt_singapore_ms"]["sortingOrder"][0] == "asc"


def test_page_report_and_api_say_the_same_of_missing_values() -> None:
    from services.hubs import is_missing, measure_text, rank_text

    row = {"rtt_singapore_ms": float("nan"), "datacentres": None, "owners": 7, "rank_owners": 3}
    assert rank_text(row, "rtt_singapore_ms", 84) == "unranked (no path)"
    assert rank_text(row, "datacentres", 84) == "unranked (no data)"
    assert rank_text(row, "owners", 84) == "3 of 84"
    assert [measure_text(v) for v in (None, pd.NA, float("nan"), 1234, 99.64)] == [
        "–",
        "–",
        "–",
        "1,234",
        "99.6",
    ]
    assert is_missing(pd.NA) and not is_missing(0)
