"""Exports of the current view: images of the figures, data files and a standalone report.

* :mod:`export.images` — PNG/SVG/PDF of the map and the charts through one kaleido server.
* :mod:`export.tables` — the filtered datasets as CSV (zipped with a README), GeoJSON, GeoPackage.
* :mod:`export.report` — a self-contained HTML report and its PDF print.
* :mod:`export.routes` — ``register_export(server, ctx)``: the ``/export/…`` Flask routes.
* :mod:`export.meta` — filter description, credits, data dates and file names shared by all.
"""

from export.images import build_figure, decorate, export_figure
from export.meta import describe_selection
from export.report import build_report_html, build_report_pdf
from export.routes import register_export
from export.tables import export_table

__all__ = [
    "build_figure",
    "build_report_html",
    "build_report_pdf",
    "decorate",
    "describe_selection",
    "export_figure",
    "export_table",
    "register_export",
]
