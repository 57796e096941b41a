"""Every component id of the page, in one place (layout, callbacks and tests import these)."""

from __future__ import annotations

URL = "url"
THEME_STORE = "theme-store"
THEME_TOGGLE = "theme-toggle"
MAP = "map"
LAYERS = "layers"
COVERAGE_TECH = "coverage-tech"
ATTRIBUTION = "attribution"
NOTICE = "notice"
