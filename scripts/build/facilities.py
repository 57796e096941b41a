"""TeleGeography Internet Exchange Map buildings → facility points with their exchanges."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .common import (
    Feature,
    clean_text,
    feature,
    http_url_or_none,
    round_coord,
    slugify,
    title_from_slug,
)

_TRAILING_PLACE = re.compile(r"^(?P<name>.*?)\s*\((?P<place>[^()]*)\)\s*$")


def split_exchange_label(line: str) -> tuple[str, str | None]:
    """("IX name", "City, Country") from an exchange label "IX name (City, Country)".

    Only the last parenthesised group is the place: "Remki Internet Exchange (RIX) (Guntur,
    India)" → ("Remki Internet Exchange (RIX)", "Guntur, India"). A group without a comma is part
    of the name, and a label without a place is returned whole.
    """
    text = clean_text(line) or ""
    match = _TRAILING_PLACE.match(text)
    if match is None or "," not in match.group("place") or not match.group("name"):
        return text, None
    return match.group("name"), match.group("place").strip()


def split_place(place: str, country_slug: str) -> tuple[str, str] | None:
    """(city, country) from "City, Country" where the country part slugifies to ``country_slug``.

    Why: country names contain commas themselves ("Kinshasa, Congo, Dem. Rep."), so the split
    point is found by matching the building's country slug, not by the last comma.
    """
    parts = [p.strip() for p in place.split(",")]
    for cut in range(1, len(parts)):
        country = ", ".join(parts[cut:])
        if slugify(country) == country_slug:
            return ", ".join(parts[:cut]), country
    return None


def most_common_spelling(candidates: Iterable[str]) -> str | None:
    """The most frequent spelling; ties go to the alphabetically first (deterministic)."""
    counts = Counter(candidates)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def place_spellings(
    buildings: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, str], dict[str, str]]:
    """(metro slug → city name, country slug → country name) as spelled in the exchange labels.

    Only spellings whose slug equals the building's own slug count, so accents lost in the slugs
    ("bogot" → "Bogotá", "runion" → "Réunion") come back.
    """
    cities: dict[str, list[str]] = {}
    countries: dict[str, list[str]] = {}
    for building in buildings:
        props = building["properties"]
        metro, country_slug = str(props["metro_area"]), str(props["country"])
        for exchange in props.get("exchanges") or []:
            lines = exchange.get("address") or []
            if not lines:
                continue
            _, place = split_exchange_label(str(lines[0]))
            split = split_place(place, country_slug) if place else None
            if split is None:
                continue
            city, country = split
            countries.setdefault(country_slug, []).append(country)
            if slugify(city) == metro:
                cities.setdefault(metro, []).append(city)
    return (
        {k: v for k, v in ((k, most_common_spelling(v)) for k, v in cities.items()) if v},
        {k: v for k, v in ((k, most_common_spelling(v)) for k, v in countries.items()) if v},
    )


def cable_country_spellings(country_names: Iterable[str]) -> dict[str, str]:
    """Country slug → the cable data's spelling (so both datasets name a country alike)."""
    by_slug: dict[str, list[str]] = {}
    for name in country_names:
        by_slug.setdefault(slugify(name), []).append(name)
    return {slug: most_common_spelling(names) or names[0] for slug, names in by_slug.items()}


def build_facility_features(
    buildings: Sequence[Mapping[str, Any]], cable_countries: Mapping[str, str]
) -> tuple[list[Feature], dict[str, str]]:
    """Facility point features sorted by id, and the country slugs whose name came from the
    cable data (slug → name) for the documentation."""
    city_names, ix_country_names = place_spellings(buildings)
    from_cables: dict[str, str] = {}
    out: list[Feature] = []
    for building in buildings:
        props = building["properties"]
        geometry = building["geometry"]
        if geometry["type"] != "Point":
            raise ValueError(f"building {props['building_id']} is not a Point")
        lines = [t for t in (clean_text(line) for line in props.get("address") or []) if t]
        country_slug = str(props["country"])
        metro = str(props["metro_area"])
        if country_slug in cable_countries:
            country = cable_countries[country_slug]
            from_cables[country_slug] = country
        else:
            country = ix_country_names.get(country_slug) or title_from_slug(country_slug)
        exchanges: list[str] = []
        urls: list[str] = []
        seen: set[str] = set()
        for exchange in props.get("exchanges") or []:
            key = str(exchange.get("slug") or exchange.get("address"))
            if key in seen:
                continue
            seen.add(key)
            label = (exchange.get("address") or [""])[0]
            name, _ = split_exchange_label(str(label))
            if name:
                exchanges.append(name)
            url = http_url_or_none(exchange.get("url"))
            if url is not None and url not in urls:
                urls.append(url)
        lon, lat = geometry["coordinates"][:2]
        properties = {
            "id": f"building-{int(props['building_id'])}",
            "name": lines[0] if lines else f"Building {props['building_id']}",
            "address": ", ".join(lines),
            "city": city_names.get(metro) or title_from_slug(metro),
            "country": country,
            "exchanges": exchanges,
            "exchange_count": len(exchanges),
            "exchange_urls": urls,
        }
        out.append(
            feature(
                properties, {"type": "Point", "coordinates": [round_coord(lon), round_coord(lat)]}
            )
        )
    out.sort(key=lambda f: str(f["properties"]["id"]))
    return out, dict(sorted(from_cables.items()))
