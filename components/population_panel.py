"""The panel under the layers: Marseille's residents by FTTH class and inside modelled coverage."""

from __future__ import annotations

from dash import html

from components import ids
from services.context import AppContext
from services.population import PopulationText, ShareLine, population_text


def _share_table(caption: str, lines: tuple[ShareLine, ...], key: str) -> html.Table:
    """One captioned table: each line's label (with its residents under it) and its share."""
    rows = [
        html.Tr(
            [
                html.Th(
                    [html.Span(line.label), html.Span(line.detail, className="share-detail")],
                    scope="row",
                ),
                html.Td(line.share, className="share-value"),
            ],
            className="share-row",
        )
        for line in lines
    ]
    return html.Table(
        [html.Caption(caption), html.Tbody(rows)], className="share-table", id=f"population-{key}"
    )


def _panel(text: PopulationText) -> html.Section:
    return html.Section(
        id=ids.POPULATION,
        className="panel-section population-panel",
        children=[
            html.H2(text.title, className="panel-title"),
            html.P(text.population, className="share-total"),
            _share_table(text.ftth_heading, text.ftth, "ftth"),
            _share_table(text.coverage_heading, text.coverage, "coverage"),
            html.Details(
                className="share-notes",
                children=[
                    html.Summary("How these shares are made"),
                    *(html.P(note, className="caveat") for note in text.notes),
                ],
            ),
        ],
    )


def population_panel(ctx: AppContext) -> html.Section | None:
    """The panel, or ``None`` when the data carry no population (a dataset of one's own)."""
    text = population_text(ctx.data)
    return _panel(text) if text is not None else None
