"""ARCEP FTTH deployment (T3 2017 – T1 2018) joined to Marseille's 16 arrondissements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import shape

from .common import Feature, InputError, clean_text, feature, geometry_to_geojson

QUARTERS: dict[str, str] = {"T3 2017": "2017q3", "T4 2017": "2017q4", "T1 2018": "2018q1"}
PREMISES = "Locaux Raccordables"
CLASS = "Catégorie"
MARSEILLE_COMMUNE = "13055"
MARSEILLE_ARRONDISSEMENTS = tuple(str(code) for code in range(13201, 13217))

#: ARCEP class → share of premises connectable. INFERRED meaning (ARCEP's sheets give no legend):
#: at commune level every class matches these bands of connectable premises ÷ (logements +
#: établissements); see SOURCES.md for the check.
CLASS_BANDS: dict[int, tuple[float, float | None, str]] = {
    0: (0.0, 0.0, "0 %"),
    5: (0.0, 0.10, "under 10 %"),
    10: (0.10, 0.25, "10–25 %"),
    25: (0.25, 0.50, "25–50 %"),
    50: (0.50, 0.80, "50–80 %"),
    80: (0.80, None, "80 % or more"),
}


def parse_count(value: object) -> int:
    """An ARCEP count: text with (non-breaking) space separators and padding; "-" means 0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return 0
    text = str(value).replace("\xa0", "").replace("\u202f", "").replace(" ", "").strip()
    if text in ("", "-"):
        return 0
    return int(float(text))


def class_label(ftth_class: int) -> str:
    """Human label of an ARCEP FTTH class, marked as inferred."""
    band = CLASS_BANDS.get(ftth_class)
    share = band[2] if band else f"class {ftth_class}"
    return f"{share} of premises connectable (ARCEP class, inferred meaning)"


def class_of_ratio(ratio: float) -> int:
    """The class whose band holds a connectable share (used only to check the inference)."""
    if ratio <= 0:
        return 0
    for code in (5, 10, 25, 50):
        upper = CLASS_BANDS[code][1]
        if upper is not None and ratio < upper:
            return code
    return 80


def read_arcep_table(path: Path) -> pd.DataFrame:
    """An ARCEP CSV with its 4-line title block skipped, all cells as text."""
    if not path.is_file():
        raise InputError(f"{path}: required input file is missing")
    try:
        return pd.read_csv(path, skiprows=4, dtype=str, encoding="utf-8")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: not a readable ARCEP CSV ({exc})") from exc


def ftth_by_area(table: pd.DataFrame, code_column: str, path: Path) -> dict[str, dict[str, int]]:
    """Area code → {"premises_<q>": n …, "class_<q>": k …} from a long-format ftth table."""
    needed = [code_column, "Champ", *QUARTERS]
    if any(c not in table.columns for c in needed):
        raise InputError(f"{path}: expected columns {', '.join(needed)}")
    out: dict[str, dict[str, int]] = {}
    for row in table.itertuples(index=False):
        record = dict(zip(table.columns, row, strict=True))
        code = str(record[code_column]).strip()
        field = " ".join(str(record["Champ"]).split())
        prefix = {PREMISES: "premises", CLASS: "class"}.get(field)
        if prefix is None:
            continue
        entry = out.setdefault(code, {})
        for column, suffix in QUARTERS.items():
            entry[f"{prefix}_{suffix}"] = parse_count(record[column])
    return out


def info_by_area(table: pd.DataFrame, code_column: str, path: Path) -> dict[str, dict[str, int]]:
    """Area code → {"logements", "etablissements"} from an ARCEP info table."""
    needed = [code_column, "Logements", "Établissements"]
    if any(c not in table.columns for c in needed):
        raise InputError(f"{path}: expected columns {', '.join(needed)}")
    return {
        str(code).strip(): {"logements": parse_count(lg), "etablissements": parse_count(et)}
        for code, lg, et in zip(
            table[code_column], table["Logements"], table["Établissements"], strict=True
        )
    }


@dataclass(frozen=True)
class ClassCheck:
    """How often ARCEP's class matches the inferred band of a premises ratio."""

    communes_checked: int
    communes_matching: int
    arrondissements_matching: int
    arrondissement_ratios: dict[str, float]
    other_arrondissements_checked: int
    other_arrondissements_matching: int


def check_classes(
    commune_ftth: Mapping[str, Mapping[str, int]],
    commune_info: Mapping[str, Mapping[str, int]],
    arr_ftth: Mapping[str, Mapping[str, int]],
    arr_info: Mapping[str, Mapping[str, int]],
) -> ClassCheck:
    """Compare each class with premises ÷ (logements + établissements) at T1 2018, for all
    communes and for Marseille's arrondissements (whose Logements look scrambled)."""
    checked = matching = 0
    for code, ftth in commune_ftth.items():
        info = commune_info.get(code)
        if not info or "class_2018q1" not in ftth:
            continue
        base = info["logements"] + info["etablissements"]
        if base <= 0 or ftth["class_2018q1"] == 0:
            continue
        checked += 1
        matching += class_of_ratio(ftth["premises_2018q1"] / base) == ftth["class_2018q1"]
    ratios: dict[str, float] = {}
    arr_matching = 0
    for code in MARSEILLE_ARRONDISSEMENTS:
        if code not in arr_info or code not in arr_ftth:
            continue
        base = arr_info[code]["logements"] + arr_info[code]["etablissements"]
        ratio = arr_ftth[code]["premises_2018q1"] / base if base else 0.0
        ratios[code] = round(ratio, 2)
        arr_matching += class_of_ratio(ratio) == arr_ftth[code]["class_2018q1"]
    others = [
        code
        for code in arr_ftth
        if code not in MARSEILLE_ARRONDISSEMENTS
        and code in arr_info
        and "class_2018q1" in arr_ftth[code]
    ]
    other_matching = 0
    for code in others:
        base = arr_info[code]["logements"] + arr_info[code]["etablissements"]
        ratio = arr_ftth[code]["premises_2018q1"] / base if base else 0.0
        other_matching += class_of_ratio(ratio) == arr_ftth[code]["class_2018q1"]
    return ClassCheck(checked, matching, arr_matching, ratios, len(others), other_matching)


def build_ftth_features(
    arrondissement_features: Sequence[Mapping[str, Any]],
    arr_ftth: Mapping[str, Mapping[str, int]],
    population: Mapping[str, int],
) -> list[Feature]:
    """The 16 arrondissement polygons with their FTTH figures and population, sorted by code."""
    out: list[Feature] = []
    by_code = {str(f["properties"]["code"]): f for f in arrondissement_features}
    for code in MARSEILLE_ARRONDISSEMENTS:
        if code not in by_code:
            raise ValueError(f"arrondissement {code} has no polygon")
        if code not in arr_ftth:
            raise ValueError(f"arrondissement {code} has no FTTH rows")
        ftth = arr_ftth[code]
        properties = {
            "code": code,
            "name": clean_text(by_code[code]["properties"].get("nom")) or code,
            "ftth_premises_2017q3": ftth["premises_2017q3"],
            "ftth_premises_2017q4": ftth["premises_2017q4"],
            "ftth_premises_2018q1": ftth["premises_2018q1"],
            "ftth_class": ftth["class_2018q1"],
            "ftth_class_label": class_label(ftth["class_2018q1"]),
            "population": population[code],
        }
        geometry = geometry_to_geojson(shape(by_code[code]["geometry"]))
        out.append(feature(properties, geometry))
    return out


def marseille_commune_summary(
    commune_ftth: Mapping[str, Mapping[str, int]],
    commune_info: Mapping[str, Mapping[str, int]],
    arr_info: Mapping[str, Mapping[str, int]],
) -> dict[str, Any]:
    """Commune-level FTTH figures for Marseille (13055) for metadata.json."""
    ftth = commune_ftth[MARSEILLE_COMMUNE]
    info = commune_info[MARSEILLE_COMMUNE]
    base = info["logements"] + info["etablissements"]
    arr_logements = sum(
        arr_info[c]["logements"] for c in MARSEILLE_ARRONDISSEMENTS if c in arr_info
    )
    return {
        "code": MARSEILLE_COMMUNE,
        "name": "Marseille",
        "ftth_premises_2017q3": ftth["premises_2017q3"],
        "ftth_premises_2017q4": ftth["premises_2017q4"],
        "ftth_premises_2018q1": ftth["premises_2018q1"],
        "ftth_class_2018q1": ftth["class_2018q1"],
        "ftth_class_label": class_label(ftth["class_2018q1"]),
        "logements": info["logements"],
        "etablissements": info["etablissements"],
        "ratio_premises_to_logements_plus_etablissements": round(ftth["premises_2018q1"] / base, 4),
        "ratio_premises_to_logements": round(ftth["premises_2018q1"] / info["logements"], 4),
        "sum_of_arrondissement_logements": arr_logements,
        "note": (
            "ARCEP T1 2018. 'Premises connectable' (locaux raccordables) counts homes and "
            "business premises, so the ratio uses logements + établissements. "
            "Per-arrondissement Logements in the same source look scrambled, so no "
            "per-arrondissement percentage is published."
        ),
    }
