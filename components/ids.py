"""Every component id of the page, in one place (layout, callbacks and tests import these).

The ids of the controls that edit the selection are declared with their field in
:mod:`datalayer.fields` and only named here.
"""

from __future__ import annotations

from datalayer.fields import control_of

# Page state
URL = "url"
THEME_STORE = "theme-store"
THEME_TOGGLE = "theme-toggle"
SELECTION_STORE = "selection-store"
NOTICE = "notice"
ATTRIBUTION = "attribution"
FILTERS_TOGGLE = "filters-toggle"
FILTERS_PANEL = "filters-panel"
FILTERS_DONE = "filters-done"

# Filters
F_CABLE = "f-cable"
F_OWNER = "f-owner"
F_SUPPLIER = control_of("suppliers")
F_YEARS = control_of("year_min")
F_STATUS = control_of("status")
F_REGION = control_of("region")
F_COUNTRY = control_of("countries")
F_FAC_COUNTRY = control_of("facility_countries")
F_IX = "f-ix"
F_DC_OPERATOR = "f-dc-operator"
F_OPERATOR = control_of("operator")
# Hidden holders of the searched dropdowns' values: the sync callback reads and writes these, and
# components/search_callbacks.py copies them to the visible dropdown together with its options.
F_CABLE_VALUE = control_of("cables")
F_OWNER_VALUE = control_of("owners")
F_IX_VALUE = control_of("exchanges")
F_DC_OPERATOR_VALUE = control_of("dc_operators")
COVERAGE_TECH = control_of("technology")
LAYERS = control_of("layers")
# Marseille's population-weighted network shares (under the layers)
POPULATION = "population-shares"
RESET = "reset"
DATA_DATE_NOTE = "data-date-note"

# Map, KPIs, charts
MAP = "map"
# The map's moves that report a whole view (centre and zoom), filtered in the browser from its
# relayoutData: the map's own settling events never reach the server, where they would overtake
# (and so discard) a click made at the same moment.
MAP_MOVE = "map-move"
# A click on the map with the clicked feature's own data (its id or position) read in the browser
# from the drawn figure: Dash's clickData leaves out values held in typed arrays (cable lines).
MAP_PICK = "map-pick"
# Written by nothing: the output of the browser hook that refits the map to its real size.
MAP_FIT = "map-fit"
# "Fit to selection": back to the view that frames the question (the user's view= dropped).
MAP_FIT_BUTTON = "map-fit-button"
# The map as a message against the geometry pack (services/map_pack.py); the browser draws it
# (assets/mapdata.js) with the layers switched on.
MAP_MESSAGE = "map-message"
# What the server's views depend on: the store without the layers (set in the browser, only
# when it changes, so that switching a layer asks the server nothing).
RENDER_KEY = "render-key"
KPI_CABLES = "kpi-cables"
KPI_KM = "kpi-km"
KPI_LANDING_POINTS = "kpi-landing-points"
KPI_COUNTRIES = "kpi-countries"
KPI_FACILITIES = "kpi-facilities"
KPI_DATACENTRES = "kpi-datacentres"
CHART_OWNERS = "chart-owners"
CHART_YEARS = "chart-years"
CHART_COUNTRIES = "chart-countries"
CHART_FACILITIES = "chart-facilities"
CHART_DATACENTRES = "chart-datacentres"
TABLE_OWNERS = "table-owners"
TABLE_YEARS = "table-years"
TABLE_COUNTRIES = "table-countries"
TABLE_FACILITIES = "table-facilities"
TABLE_DATACENTRES = "table-datacentres"

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
A_SCENARIO = control_of("scenario")
A_CUT = "a-cut"
A_HUB = "a-hub"
ROUTE_RESULT = "route-result"
CUT_RESULT = "cut-result"
CRITICAL_RUN = "critical-run"
CRITICAL_RESULT = "critical-result"
CRITICAL_PROGRESS = "critical-progress"
CRITICAL_CANCEL = "critical-cancel"
PROXIMITY_CHART = "proximity-chart"
CLEAR_CUT = "clear-cut"
A_RADIUS = control_of("radius_km")
A_FROM_VALUE = control_of("route_from")
A_TO_VALUE = control_of("route_to")
A_CUT_VALUE = control_of("cut")
A_HUB_VALUE = control_of("hub")

# Export card
EXPORT_CARD = "export"
DATA_SOURCES_CARD = "data-sources"
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
EXPORT_PROGRESS = "export-progress"
EXPORT_CANCEL = "export-cancel"
EXPORT_IMAGE_LINK = "export-image-link"
EXPORT_DATA_LINK = "export-data-link"
EXPORT_DOWNLOAD = "export-download"
