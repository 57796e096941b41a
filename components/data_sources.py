"""The Data sources card: every dataset of this data folder with its vintage, record count,
licence and the command that rebuilds or imports it (rows from :mod:`services.data_sources`)."""

from __future__ import annotations

from typing import Any

from dash import html

from components import ids
from services.context import AppContext
from services.data_sources import SourceRow, source_rows

COLUMNS = ("Dataset", "Vintage", "Records", "Licence", "Rebuild or import")


def _attrs(attributes: dict[str, str]) -> dict[str, Any]:
    """Dashed HTML attributes (``data-*``, ``aria-*``) as keyword arguments."""
    return dict(attributes)


def _row(row: SourceRow) -> html.Tr:
    """One dataset: title and file, vintage, count, licence (URL as text), command."""
    served = f" · served at {row.endpoint}" if row.endpoint else ""
    return html.Tr(
        className="source-row",
        **_attrs({"data-file": row.file}),
        children=[
            html.Td(
                [
                    html.Strong(row.title),
                    html.Div(f"{row.file} · {row.use}{served}", className="source-file"),
                    html.Div(row.attribution, className="source-attribution"),
                ]
            ),
            html.Td(row.vintage, className="source-vintage"),
            html.Td(f"{row.count:,}" if row.count is not None else "–", className="num"),
            html.Td(
                [html.Span(row.licence, className="source-licence")]
                + [html.Div(url, className="source-url") for url in row.licence_url.split()]
            ),
            html.Td(html.Code(row.command, className="source-command")),
        ],
    )


def data_sources_card(ctx: AppContext) -> html.Section:
    """The card, read from this data folder's metadata and the dataset registry."""
    rows = source_rows(ctx.data.metadata)
    return html.Section(
        id=ids.DATA_SOURCES_CARD,
        className="card data-sources-card",
        **_attrs({"aria-labelledby": "data-sources-heading"}),
        children=[
            html.H2("Data sources", id="data-sources-heading", className="card-title"),
            html.P(
                "Each dataset this page is built from: its vintage, how many records it has, "
                "its licence, and the command that rebuilds it (or the importer that brought "
                "in newer data). Data/SOURCES.md and LICENSES.md say more.",
                className="hint",
            ),
            html.Div(
                className="table-scroll",
                children=html.Table(
                    className="sources-table",
                    children=[
                        html.Thead(html.Tr([html.Th(c, scope="col") for c in COLUMNS])),
                        html.Tbody([_row(row) for row in rows]),
                    ],
                ),
            ),
        ],
    )
