"""Every component id of the page, in one place (layout, callbacks and tests import these)."""

from __future__ import annotations

# Page state
URL = "url"
THEME_STORE = "theme-store"
THEME_TOGGLE = "theme-toggle"
SELECTION_STORE = "selection-store"
NOTICE = "notice"
ATTRIBUTION = "attribution"
FILTERS_TOGGLE = "filters-toggle"
FILTERS_PANEL = "filters-panel"

# Filters
F_CABLE = "f-cable"
F_OWNER = "f-owner"
F_SUPPLIER = "f-supplier"
F_YEARS = "f-years"
F_STATUS = "f-status"
F_REGION = "f-region"
F_COUNTRY = "f-country"
F_FAC_COUNTRY = "f-fac-country"
F_IX = "f-ix"
F_OPERATOR = "f-operator"
# Hidden holders of the searched dropdowns' values: the sync callback reads and writes these, and
# components/search_callbacks.py copies them to the visible dropdown together with its options.
F_CABLE_VALUE = "f-cable-value"
F_OWNER_VALUE = "f-owner-value"
F_IX_VALUE = "f-ix-value"
COVERAGE_TECH = "coverage-tech"
LAYERS = "layers"
RESET = "reset"
DATA_DATE_NOTE = "data-date-note"

# Map, KPIs, charts
MAP = "map"
KPI_CABLES = "kpi-cables"
KPI_KM = "kpi-km"
KPI_LANDING_POINTS = "kpi-landing-points"
KPI_COUNTRIES = "kpi-countries"
KPI_FACILITIES = "kpi-facilities"
CHART_OWNERS = "chart-owners"
CHART_YEARS = "chart-years"
CHART_COUNTRIES = "chart-countries"
CHART_FACILITIES = "chart-facilities"
TABLE_OWNERS = "table-owners"
TABLE_YEARS = "table-years"
TABLE_COUNTRIES = "table-countries"
TABLE_FACILITIES = "table-facilities"

# Data tables
GRID = "grid"
GRID_TAB = "grid-tab"
GRID_SEARCH = "grid-search"
GRID_COUNT = "grid-count"

# Details panel
DETAILS = "details"
DETAILS_PANEL = "details-panel"
DETAIL_LINK = "detail-link"  # pattern-matching type: {"type": DETAIL_LINK, "key": "lp:<id>"}
DETAILS_CLOSE = "details-close"

# Analysis
A_FROM = "a-from"
A_TO = "a-to"
A_SCENARIO = "a-scenario"
A_CUT = "a-cut"
A_HUB = "a-hub"
ROUTE_RESULT = "route-result"
CUT_RESULT = "cut-result"
CRITICAL_RUN = "critical-run"
CRITICAL_RESULT = "critical-result"
PROXIMITY_CHART = "proximity-chart"
CLEAR_CUT = "clear-cut"
A_RADIUS = "a-radius"
A_FROM_VALUE = "a-from-value"
A_TO_VALUE = "a-to-value"
A_CUT_VALUE = "a-cut-value"
A_HUB_VALUE = "a-hub-value"

# Export card
EXPORT_CARD = "export"
EXPORT_FIGURE = "export-figure"
EXPORT_IMAGE_FORMAT = "export-image-format"
EXPORT_SCALE = "export-scale"
EXPORT_SIZE_NOTE = "export-size-note"
EXPORT_IMAGE_BTN = "export-image"
EXPORT_DATASET = "export-dataset"
EXPORT_DATA_FORMAT = "export-data-format"
EXPORT_DATA_BTN = "export-data"
EXPORT_THEME = "export-theme"
EXPORT_REPORT_HTML_BTN = "export-report-html"
EXPORT_REPORT_PDF_BTN = "export-report-pdf"
EXPORT_STATUS = "export-status"
EXPORT_IMAGE_LINK = "export-image-link"
EXPORT_DATA_LINK = "export-data-link"
EXPORT_DOWNLOAD = "export-download"
