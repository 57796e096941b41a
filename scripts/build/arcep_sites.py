"""ARCEP's mobile-site CSV in either layout → a :class:`~.mobile.SiteTable` in Lambert-93.

- 2018 layout (the shipped raw file): ``Operateur;X;Y;2G;3G;4G``, X/Y in Lambert-93.
- Current layout (quarterly ``YYYY_Tn_sites_Metropole.csv``, see the raw folder's
  ``CURRENT-FORMAT.md``): ``code_op;…;latitude;longitude;…;site_2g;site_3g;site_4g;site_5g;…``
  with WGS 84 latitude/longitude and flags written 0/1 or True/False.

Blank and ``#N/A`` positions are counted and left out (the 2018 file ends with such a row);
anything else that is not a number, a coordinate out of range or a flag that is neither 0/1 nor
True/False stops the build with one line naming the file, the CSV line and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pyproj import Transformer

from .common import InputError
from .mobile import L93, WGS84, SiteTable, merge_sites

#: Blank or spreadsheet "not available" positions: a site without coordinates, not an error.
MISSING = {"", "#N/A", "NA", "N/A"}
TECHNOLOGY_NAMES: tuple[str, ...] = ("2G", "3G", "4G", "5G")
FLAGS = {"0": 0, "1": 1, "false": 0, "true": 1, "": 0}
#: Lambert-93 extent of mainland France and Corsica (metres, generous).
L93_X = (0.0, 1_300_000.0)
L93_Y = (6_000_000.0, 7_200_000.0)


@dataclass(frozen=True)
class Layout:
    """Which column holds what in one layout of the file."""

    name: str
    operator: str
    #: (x column, y column) and whether they are lon/lat (WGS 84) or Lambert-93.
    position: tuple[str, str]
    wgs84: bool
    #: technology → its flag column (only those present in the file).
    flags: dict[str, str]


def detect_layout(columns: list[str], path: Path) -> Layout:
    """The 2018 or the current layout, from the header."""
    if {"Operateur", "X", "Y"} <= set(columns):
        flags: dict[str, str] = {t: t for t in TECHNOLOGY_NAMES if t in columns}
        return Layout("2018", "Operateur", ("X", "Y"), False, flags)
    if {"code_op", "latitude", "longitude"} <= set(columns):
        flags = {t.upper(): f"site_{t}" for t in ("2g", "3g", "4g", "5g") if f"site_{t}" in columns}
        return Layout("current", "code_op", ("longitude", "latitude"), True, flags)
    raise InputError(
        f"{path}: header is neither ARCEP's 2018 layout (Operateur;X;Y;2G;3G;4G) nor the current "
        "one (code_op;…;latitude;longitude;…;site_2g;…;site_5g)"
    )


def vintage_of(path: Path) -> tuple[str, str]:
    """(label, data date) from ARCEP's file name: ``2018_01_…`` → (``Jan 2018``, ``2018-01``),
    ``2024_T1_…`` → (``2024 Q1``, ``2024-Q1``)."""
    month = re.match(r"(\d{4})_(0[1-9]|1[0-2])_", path.name)
    if month:
        year, number = month.groups()
        label = pd.Timestamp(year=int(year), month=int(number), day=1).strftime("%b %Y")
        return label, f"{year}-{number}"
    quarter = re.match(r"(\d{4})_?T([1-4])", path.name, re.IGNORECASE)
    if quarter:
        year, number = quarter.groups()
        return f"{year} Q{number}", f"{year}-Q{number}"
    raise InputError(
        f"{path}: cannot tell the edition from the file name; keep ARCEP's name, e.g. "
        "2024_T1_sites_Metropole.csv"
    )


def _numbers(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A numeric column; blanks and ``#N/A`` are NaN, anything else non-numeric an error."""
    text = raw[column].fillna("").str.strip()
    values = pd.to_numeric(text.where(~text.isin(MISSING)), errors="coerce")
    bad = values.isna() & ~text.isin(MISSING)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{path}, line {row + 2}, column '{column}': not a number: {text.iloc[row][:40]!r}"
        )
    return values


def _flags(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    text = raw[column].fillna("").str.strip().str.lower()
    bad = ~text.isin(list(FLAGS))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"{path}, line {row + 2}, column '{column}': expected 0/1 or True/False, got "
            f"{raw[column].iloc[row][:40]!r}"
        )
    return text.map(FLAGS).astype(int)


def _check_range(values: pd.Series, bounds: tuple[float, float], column: str, path: Path) -> None:
    out = values.notna() & ((values < bounds[0]) | (values > bounds[1]))
    if out.any():
        row = int(np.flatnonzero(out.to_numpy())[0])
        raise InputError(
            f"{path}, line {row + 2}, column '{column}': {values.iloc[row]:g} is outside "
            f"{bounds[0]:g}…{bounds[1]:g}"
        )


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"{path}: required input file is missing")
    try:
        return pd.read_csv(
            path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False, quotechar='"'
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: not a readable ';'-separated UTF-8 CSV ({exc})") from exc


def read_site_file(path: Path) -> SiteTable:
    """Read either layout, check every row, and merge repeated (operator, X, Y) sites."""
    raw = _read_csv(path)
    layout = detect_layout(list(raw.columns), path)
    label, date = vintage_of(path)
    if not layout.flags:
        raise InputError(f"{path}: no technology column (2G…5G / site_2g…site_5g)")
    x_col, y_col = layout.position
    x, y = _numbers(raw, x_col, path), _numbers(raw, y_col, path)
    if layout.wgs84:
        _check_range(x, (-180.0, 180.0), x_col, path)
        _check_range(y, (-90.0, 90.0), y_col, path)
        located = x.notna() & y.notna()
        to_l93 = Transformer.from_crs(WGS84, L93, always_xy=True)
        east, north = to_l93.transform(x[located].to_numpy(), y[located].to_numpy())
        x, y = x.copy(), y.copy()
        x[located], y[located] = np.round(east), np.round(north)
    else:
        _check_range(x, L93_X, x_col, path)
        _check_range(y, L93_Y, y_col, path)
    frame = pd.DataFrame(
        {
            "operator": raw[layout.operator].fillna("").str.strip(),
            "x": x,
            "y": y,
            **{tech: _flags(raw, column, path) for tech, column in layout.flags.items()},
        }
    )
    return merge_sites(frame, tuple(layout.flags), label, date, layout.name)
