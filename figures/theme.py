"""Colours and sizes shared by every figure, for the light and the dark theme.

The cable palette is Okabe & Ito's colour-blind-safe qualitative set (minus yellow and black,
which vanish on the basemap in one theme or the other).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

CABLE_PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
)

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
    highlight="#ffffff",
    grid="#2c3543",
)

THEMES: dict[str, Theme] = {LIGHT.name: LIGHT, DARK.name: DARK}


def get_theme(name: str | None) -> Theme:
    """The theme called ``name``, or the light one for anything unknown."""
    return THEMES.get(name or "", LIGHT)


@lru_cache(maxsize=1 << 17)
def cable_colour(cable_id: str) -> str:
    """A stable palette colour for a cable id (same cable, same colour, every session).

    Memoised: a pure function of the id, asked for every cable of every render.
    """
    # A tiny deterministic hash: Python's hash() is salted per process.
    value = 0
    for char in cable_id:
        value = (value * 31 + ord(char)) % 1_000_003
    return CABLE_PALETTE[value % len(CABLE_PALETTE)]
