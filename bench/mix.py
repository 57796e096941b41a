"""The fixed mix of page states the benchmark renders (URL query strings, as a user types them).

Copy 0 of the synthetic data is the shipped data, so every value here exists at every scale.
The heaviest state (the whole world) comes last, so a run cut short by its time cap still has
numbers for the others.
"""

from __future__ import annotations

#: (label, URL search) pairs.
MIX: tuple[tuple[str, str], ...] = (
    ("default", ""),
    ("owner=Orange", "?owner=Orange"),
    ("country=Egypt", "?country=Egypt"),
    ("years 2010-2020", "?year_min=2010&year_max=2020"),
    ("status=planned", "?status=planned"),
    ("cable selected", "?sel=cable%3A2africa"),
    ("region=world", "?region=world"),
)
DEFAULT_SEARCH = ""
#: The filter change the browser measurement makes (and undoes), by navigating the URL search.
BROWSER_TARGET = "?owner=Orange"
