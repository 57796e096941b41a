"""TeleGeography submarine cables and landing points: parsing of the api/v3 fields and the
cable / landing-point FeatureCollections."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import shapely

from .common import (
    Feature,
    clean_text,
    feature,
    http_url_or_none,
    round_coord,
    round_line,
)
from .regions import regions_for_geometry, regions_near_points

#: Legal-entity suffixes (compared case-insensitively, trailing dot optional). A comma-separated
#: token made only of these words (optionally followed by a parenthesised abbreviation, as in
#: "Inc (OSI)") is not a party of its own but the tail of the previous name, as in
#: "Seren Juno Network Co., Ltd." or "Kakike, Lda.".
LEGAL_SUFFIXES: tuple[str, ...] = (
    "Ltd",
    "Limited",
    "LLC",
    "L.L.C",
    "LLP",
    "LP",
    "Inc",
    "Incorporated",
    "Co",
    "Corp",
    "Corporation",
    "Company",
    "PLC",
    "GmbH",
    "AG",
    "KG",
    "SA",
    "S.A",
    "SAS",
    "S.A.S",
    "SARL",
    "S.A.R.L",
    "SpA",
    "S.p.A",
    "SRL",
    "S.r.l",
    "SL",
    "S.L",
    "BV",
    "B.V",
    "NV",
    "N.V",
    "Lda",
    "Ltda",
    "Pte",
    "Pty",
    "AB",
    "A/S",
    "ASA",
    "Oy",
    "Oyj",
    "KK",
    "K.K",
    "SAOG",
    "SAE",
)

_SUFFIX_WORD = "|".join(re.escape(s) for s in sorted(LEGAL_SUFFIXES, key=len, reverse=True))
_SUFFIX_TOKEN = re.compile(
    rf"^(?:{_SUFFIX_WORD})\.?(?:\s+(?:{_SUFFIX_WORD})\.?)*(?:\s*\([^()]*\))?$", re.IGNORECASE
)

#: Party names that contain a comma but end in no legal suffix, so no rule can tell them from two
#: names. Found by reading every owner/supplier string of the 2022-11 dump; extend when a newer
#: dump adds one.
KNOWN_COMMA_NAMES: tuple[str, ...] = (
    "Libyan Post, Telecommunications and Information Technology Company (LPTIC Holding)",
)


def is_legal_suffix(token: str) -> bool:
    """True when a comma-separated token is only a legal-entity suffix ("Ltd.", "Inc (OSI)")."""
    return bool(_SUFFIX_TOKEN.match(token.strip()))


def split_top_level_commas(text: str) -> list[str]:
    """Split on commas that are not inside parentheses
    ("Telia Eesti (formerly Eesti Telekom, EMT, Elion)" stays one token)."""
    tokens: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            tokens.append("".join(current))
            current = []
        else:
            current.append(char)
    tokens.append("".join(current))
    return tokens


def parse_party_list(
    value: object, known_comma_names: Sequence[str] = KNOWN_COMMA_NAMES
) -> list[str]:
    """Owners or suppliers from TeleGeography's single comma-separated string.

    Rule: split on top-level commas, then glue each token that is only a legal-entity suffix
    back onto the name before it. ``known_comma_names`` are protected before splitting.
    Null or blank → []. Duplicates are dropped, order is kept.
    """
    text = clean_text(value)
    if text is None:
        return []
    protected: dict[str, str] = {}
    for index, name in enumerate(known_comma_names):
        if name in text:
            placeholder = f"\x00{index}\x00"
            protected[placeholder] = name
            text = text.replace(name, placeholder)
    names: list[str] = []
    for raw in split_top_level_commas(text):
        token = raw.strip()
        if not token:
            continue
        if names and is_legal_suffix(token):
            names[-1] = f"{names[-1]}, {token}"
        else:
            names.append(token)
    restored = []
    for name in names:
        for placeholder, original in protected.items():
            name = name.replace(placeholder, original)
        restored.append(name)
    return list(dict.fromkeys(restored))


def parse_length_km(value: object) -> float | None:
    """Cable length in km from text such as "45,000 km" or "1,234.5 km"; None if absent."""
    text = clean_text(value)
    if text is None:
        return None
    match = re.fullmatch(r"(\d[\d,\s]*(?:\.\d+)?)\s*km", text, re.IGNORECASE)
    if match is None:
        return None
    number = float(re.sub(r"[,\s]", "", match.group(1)))
    return number if number > 0 else None


def parse_rfs_year(rfs: object, upstream_year: object = None) -> int | None:
    """Ready-for-service year: TeleGeography's own ``rfs_year`` when it is a plausible integer,
    else the first four-digit year in the ``rfs`` text ("2024 Q3", "2017 June")."""
    if (
        isinstance(upstream_year, int)
        and not isinstance(upstream_year, bool)
        and 1850 <= upstream_year <= 2100
    ):
        return upstream_year
    text = clean_text(rfs)
    if text is None:
        return None
    match = re.search(r"\b(18[5-9]\d|19\d\d|20\d\d|2100)\b", text)
    return int(match.group(1)) if match else None


def merge_route_parts(features: Sequence[Mapping[str, Any]]) -> dict[str, list[list[list[float]]]]:
    """Cable id → all rounded line parts of its features (upstream splits six cables over two
    features), in ``feature_id`` then upstream order."""
    ordered = sorted(
        enumerate(features),
        key=lambda item: (
            str(item[1]["properties"]["id"]),
            str(item[1]["properties"].get("feature_id", "")),
            item[0],
        ),
    )
    parts: dict[str, list[list[list[float]]]] = {}
    for _, item in ordered:
        geometry = item["geometry"]
        lines = (
            [geometry["coordinates"]]
            if geometry["type"] == "LineString"
            else geometry["coordinates"]
        )
        if geometry["type"] not in ("LineString", "MultiLineString"):
            raise ValueError(f"cable {item['properties']['id']} has a {geometry['type']}")
        bucket = parts.setdefault(str(item["properties"]["id"]), [])
        for line in lines:
            rounded = round_line(line)
            if len(rounded) >= 2:
                bucket.append(rounded)
    return parts


def build_cable_features(
    geo_features: Sequence[Mapping[str, Any]],
    details: Sequence[Mapping[str, Any]],
    tag_regions: Mapping[str, Any],
) -> list[Feature]:
    """One MultiLineString feature per cable id with the contract properties, sorted by id.

    ``tag_regions`` maps region id → (buffered, prepared) polygon used for ``regions``.
    """
    detail_by_id = {str(d["id"]): d for d in details}
    style: dict[str, Mapping[str, Any]] = {}
    for item in geo_features:
        style.setdefault(str(item["properties"]["id"]), item["properties"])
    out: list[Feature] = []
    for cable_id, lines in sorted(merge_route_parts(geo_features).items()):
        if not lines:
            continue
        detail = detail_by_id.get(cable_id, {})
        props = style[cable_id]
        route = shapely.MultiLineString(lines)
        properties = {
            "id": cable_id,
            "name": clean_text(detail.get("name")) or clean_text(props.get("name")) or cable_id,
            "color": clean_text(props.get("color")) or "#808080",
            "owners": parse_party_list(detail.get("owners")),
            "suppliers": parse_party_list(detail.get("suppliers")),
            "rfs": clean_text(detail.get("rfs")),
            "rfs_year": parse_rfs_year(detail.get("rfs"), detail.get("rfs_year")),
            "is_planned": detail.get("is_planned") is True,
            "length_km": parse_length_km(detail.get("length")),
            "landing_point_ids": list(
                dict.fromkeys(str(lp["id"]) for lp in detail.get("landing_points") or [])
            ),
            "url": http_url_or_none(detail.get("url")),
            "notes": clean_text(detail.get("notes")),
            "regions": regions_for_geometry(route, tag_regions),
        }
        out.append(feature(properties, {"type": "MultiLineString", "coordinates": lines}))
    return out


def country_from_name(name: str) -> str:
    """Country from a landing-point name: the text after the last ", " ("Sapporo, Japan")."""
    return name.rsplit(", ", 1)[-1].strip()


def cables_by_landing_point(details: Sequence[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Landing-point id → sorted ids of the cables listing it (cable details are authoritative)."""
    index: dict[str, set[str]] = {}
    for cable in details:
        for lp in cable.get("landing_points") or []:
            index.setdefault(str(lp["id"]), set()).add(str(cable["id"]))
    return {lp_id: sorted(ids) for lp_id, ids in index.items()}


def build_landing_point_features(
    geo_features: Sequence[Mapping[str, Any]],
    lp_details: Sequence[Mapping[str, Any]],
    cable_details: Sequence[Mapping[str, Any]],
    regions: Mapping[str, Any],
) -> tuple[list[Feature], list[str]]:
    """Point features with the contract properties, sorted by id, and the ids whose country came
    from the name because no detail record exists."""
    country_by_id = {str(d["id"]): clean_text(d.get("country")) for d in lp_details}
    cables = cables_by_landing_point(cable_details)
    rows = sorted(geo_features, key=lambda f: str(f["properties"]["id"]))
    points: list[tuple[float, float]] = []
    for item in rows:
        if item["geometry"]["type"] != "Point":
            raise ValueError(f"landing point {item['properties']['id']} is not a Point")
        lon, lat = item["geometry"]["coordinates"][:2]
        points.append((float(lon), float(lat)))
    near = regions_near_points(points, regions)
    out: list[Feature] = []
    fallback: list[str] = []
    for item, (lon, lat), region_ids in zip(rows, points, near, strict=True):
        props = item["properties"]
        lp_id = str(props["id"])
        name = clean_text(props.get("name")) or lp_id
        country = country_by_id.get(lp_id)
        if country is None:
            country = country_from_name(name)
            fallback.append(lp_id)
        properties = {
            "id": lp_id,
            "name": name,
            "country": country,
            "cable_ids": cables.get(lp_id, []),
            "is_tbd": props.get("is_tbd") is True,
            "regions": region_ids,
        }
        out.append(
            feature(
                properties, {"type": "Point", "coordinates": [round_coord(lon), round_coord(lat)]}
            )
        )
    return out, fallback
