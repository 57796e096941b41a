"""Colours and sizes shared by every figure, for the light and the dark theme.

Colours come from Okabe & Ito's colour-blind-safe set: cables are coloured by what an analyst
reads (ready-for-service era, planned), coverage by operator; vermillion is kept for cuts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any

#: Vermillion: the colour of what a cut removes (cut cables, landing points cut off from the
#: hub). No cable class uses it, so a cut cable never looks like an ordinary one.
CUT_COLOUR = "#D55E00"


@dataclass(frozen=True)
class CableClass:
    """One colour group of the cable layer: its legend label and how its lines are drawn."""

    key: str
    label: str
    colour: str
    width: float
    opacity: float


#: What a cable's colour says: its ready-for-service era, or that it is planned (as of the data
#: date). Okabe & Ito's colour-blind-safe set without vermillion (kept for cuts), yellow and
#: black (which vanish on one basemap or the other); grey for a cable without a year. Planned
#: cables differ by colour, width and opacity: scattermap lines cannot be dashed.
CABLE_CLASSES: tuple[CableClass, ...] = (
    CableClass("before-2000", "before 2000", "#CC79A7", 2.0, 0.9),
    CableClass("2000s", "2000–2009", "#56B4E9", 2.0, 0.9),
    CableClass("2010s", "2010–2019", "#0072B2", 2.0, 0.9),
    CableClass("2020s", "2020 and later", "#009E73", 2.0, 0.9),
    CableClass("unknown", "year unknown", "#999999", 2.0, 0.9),
    CableClass("planned", "planned (thinner, fainter)", "#E69F00", 1.3, 0.7),
)
CABLE_CLASS: dict[str, CableClass] = {c.key: c for c in CABLE_CLASSES}


def cable_class(rfs_year: Any, planned: bool) -> CableClass:
    """The colour group of a cable: planned, else its ready-for-service decade band (a year
    that is missing, ``None``, NaN or ``pd.NA``, gives "year unknown")."""
    if planned:
        return CABLE_CLASS["planned"]
    if not isinstance(rfs_year, Real) or math.isnan(rfs_year):
        return CABLE_CLASS["unknown"]
    if rfs_year < 2000:
        return CABLE_CLASS["before-2000"]
    if rfs_year < 2010:
        return CABLE_CLASS["2000s"]
    if rfs_year < 2020:
        return CABLE_CLASS["2010s"]
    return CABLE_CLASS["2020s"]


#: ARCEP's FTTH coverage class (its "Catégorie" code) → the share of premises connectable it
#: stands for, and its colour (ColorBrewer Blues: one hue, darker is more, colour-blind safe).
#: ARCEP's coverage share is an estimate: connectable lines ÷ (housing + businesses).
FTTH_CLASSES: dict[int, tuple[str, str]] = {
    0: ("no premises", "#eff3ff"),
    5: ("under 10 %", "#c6dbef"),
    10: ("10–25 %", "#9ecae1"),
    25: ("25–50 %", "#6baed6"),
    50: ("50–80 %", "#3182bd"),
    80: ("80 % or more", "#08519c"),
}


def ftth_band(ftth_class: int) -> str:
    """The plain-language band of an ARCEP FTTH class, e.g. ``50–80 % of premises connectable``."""
    band = FTTH_CLASSES.get(ftth_class)
    share = band[0] if band else f"class {ftth_class}"
    return f"{share} of premises connectable"


#: The charts' bars and their second series (the cumulative km line).
CHART_COLOURS: tuple[str, str] = ("#0072B2", "#D55E00")

OPERATOR_COLOURS: dict[str, str] = {
    "Orange": "#E69F00",
    "SFR": "#D55E00",
    "Free Mobile": "#009E73",
    "Bouygues Telecom": "#0072B2",
}
FALLBACK_OPERATOR_COLOUR = "#777777"


@dataclass(frozen=True)
class Theme:
    """The colours one theme paints the map and charts with."""

    name: str
    ocean: str
    land: str
    border: str
    text: str
    paper: str
    landing_point: str
    facility: str
    #: Data centres: brown, a hue no cable era, coverage operator or facility uses.
    datacentre: str
    highlight: str
    grid: str


LIGHT = Theme(
    name="light",
    ocean="#dfe9f1",
    land="#fbfaf7",
    border="#b9b4aa",
    text="#1d2330",
    paper="#ffffff",
    landing_point="#1d2330",
    facility="#AA3377",
    datacentre="#8C510A",
    highlight="#000000",
    grid="#e6e8ec",
)

DARK = Theme(
    name="dark",
    ocean="#0e1621",
    land="#26303d",
    border="#4a5566",
    text="#e8ecf2",
    paper="#151b24",
    landing_point="#f2f4f7",
    facility="#EE99CC",
    datacentre="#DFC27D",
    highlight="#ffffff",
    grid="#2c3543",
)

THEMES: dict[str, Theme] = {LIGHT.name: LIGHT, DARK.name: DARK}


def get_theme(name: str | None) -> Theme:
    """The theme called ``name``, or the light one for anything unknown."""
    return THEMES.get(name or "", LIGHT)
