"""PeeringDB facilities (``--peeringdb DIR``) → ``peeringdb_facilities.geojson``.

Reads what a user downloads from PeeringDB (the public dumps ``fac-0.json``, ``ix-0.json`` and
``ixfac-0.json``, or the same API answers): ``{"data": [...]}`` envelopes. PeeringDB data is not
openly licensed, so nothing here is shipped: every record is marked with its source and terms,
the build refuses to write it into the repository's ``data/``, and no export carries it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datalayer.schema import PEERINGDB_FACILITIES

from .common import Feature, InputError, http_url_or_none, read_json, round_coord

FILES = ("fac-0.json", "ix-0.json", "ixfac-0.json")
OUTPUT = PEERINGDB_FACILITIES.file
SOURCE = "PeeringDB"
#: The terms every record carries (PeeringDB's Acceptable Use Policy; no open licence).
LICENCE = "PeeringDB Acceptable Use Policy (not openly licensed)"
LICENCE_URL = "https://www.peeringdb.com/aup"
ATTRIBUTION = "Source: PeeringDB (peeringdb.com), imported by the user; not redistributable"


@dataclass
class PeeringDbImport:
    """The facility features and what the import left out, for the summary and metadata."""

    features: list[Feature]
    #: Records whose ``status`` is not ``ok``, per file.
    not_ok: dict[str, int]
    #: Facilities without coordinates: (PeeringDB id, name), never dropped silently.
    without_coordinates: list[tuple[int, str]]
    #: ok ixfac links to an IX that is absent or not ``ok``, plus facilities with IX links that
    #: are absent from fac-0.json or not ``ok``.
    dangling_links: int
    #: The dump's date (``meta.generated``, else the newest ``updated``).
    data_date: str
    dropped_urls: list[int] = field(default_factory=list)


def plain_text(value: object) -> str | None:
    """Text without control or bidi-format characters and with whitespace runs collapsed."""
    if not isinstance(value, str):
        return None
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")
    )
    return " ".join(kept.split()) or None


def _where(path: Path, index: int, record: Mapping[str, Any]) -> str:
    ident = record.get("id")
    return f"{path.name}, record #{index}" + (f" (id {ident!r})" if ident is not None else "")


def read_envelope(path: Path) -> tuple[list[dict[str, Any]], Mapping[str, Any]]:
    """The records of a ``{"data": [...]}`` file (each a JSON object) and its ``meta``."""
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise InputError(f'{path}: expected PeeringDB\'s {{"data": [...]}} envelope')
    for index, record in enumerate(data["data"]):
        if not isinstance(record, dict):
            raise InputError(f"{path.name}, record #{index}: not a JSON object")
    meta = data.get("meta")
    return data["data"], meta if isinstance(meta, Mapping) else {}


def _required(path: Path, index: int, record: Mapping[str, Any], key: str, kind: type) -> Any:
    """``record[key]``, which must be present and of ``kind`` (an int id, a str name…)."""
    if key not in record:
        raise InputError(f"{_where(path, index, record)}, field '{key}': missing")
    value = record[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise InputError(
            f"{_where(path, index, record)}, field '{key}': expected {kind.__name__}, "
            f"got {type(value).__name__} {str(value)[:40]!r}"
        )
    return value


def _count(path: Path, index: int, record: Mapping[str, Any], key: str) -> int | None:
    """An optional non-negative count (``net_count`` …); null when absent."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(
            f"{_where(path, index, record)}, field '{key}': expected a count, got {value!r}"[:200]
        )
    return value


def _coordinate(
    path: Path, index: int, record: Mapping[str, Any], key: str, limit: float
) -> float | None:
    """A latitude/longitude: ``None`` when absent or blank, an error when present but bad."""
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or abs(number) > limit:
        raise InputError(
            f"{_where(path, index, record)}, field '{key}': not a coordinate "
            f"(within ±{limit:g}): {str(value)[:40]!r}"
        )
    return number


def _ok(record: Mapping[str, Any]) -> bool:
    return record.get("status") == "ok"


def _exchanges_by_facility(
    paths: Mapping[str, Path], ixs: Sequence[dict[str, Any]], links: Sequence[dict[str, Any]]
) -> tuple[dict[int, list[str]], int]:
    """IX names per facility id (ok IXs through ok links) and the number of ok links that
    point at no ok IX."""
    names: dict[int, str] = {}
    for index, ix in enumerate(ixs):
        ident = _required(paths["ix"], index, ix, "id", int)
        name = plain_text(_required(paths["ix"], index, ix, "name", str))
        if _ok(ix) and name:
            names[ident] = name
    by_facility: dict[int, set[str]] = {}
    dangling = 0
    for index, link in enumerate(links):
        if not _ok(link):
            continue
        ix_id = _required(paths["ixfac"], index, link, "ix_id", int)
        fac_id = _required(paths["ixfac"], index, link, "fac_id", int)
        if ix_id not in names:
            dangling += 1
            continue
        by_facility.setdefault(fac_id, set()).add(names[ix_id])
    return {k: sorted(v) for k, v in by_facility.items()}, dangling


def _dump_date(metas: Sequence[Mapping[str, Any]], records: Sequence[dict[str, Any]]) -> str:
    """``meta.generated`` (epoch seconds) as a date, else the newest ``updated``, else
    ``undated``."""
    for meta in metas:
        generated = meta.get("generated")
        if isinstance(generated, int | float) and math.isfinite(generated) and generated > 0:
            return datetime.fromtimestamp(generated, UTC).strftime("%Y-%m-%d")
    stamps = [str(r["updated"])[:10] for r in records if isinstance(r.get("updated"), str)]
    return max(stamps) if stamps else "undated"


def _facility(
    path: Path, index: int, record: dict[str, Any], exchanges: list[str], lon: float, lat: float
) -> tuple[Feature, bool]:
    """One facility feature (and whether its website was dropped as not http(s))."""
    ident: int = record["id"]
    address = [plain_text(record.get(k)) for k in ("address1", "address2")]
    website = plain_text(record.get("website"))
    link = http_url_or_none(website)
    properties = {
        "id": f"pdb-fac-{ident}",
        "peeringdb_id": ident,
        "name": plain_text(record["name"]) or f"PeeringDB facility {ident}",
        "operator": plain_text(record.get("org_name")),
        "address": ", ".join(a for a in address if a) or None,
        "city": plain_text(record.get("city")),
        "country": plain_text(record.get("country")),
        "website": link,
        "net_count": _count(path, index, record, "net_count"),
        "ix_count": _count(path, index, record, "ix_count"),
        "carrier_count": _count(path, index, record, "carrier_count"),
        "exchanges": exchanges,
        "exchange_count": len(exchanges),
        "peeringdb_url": f"https://www.peeringdb.com/fac/{ident}",
        "sources": [SOURCE],
        "licence": LICENCE,
    }
    geometry = {"type": "Point", "coordinates": [round_coord(lon), round_coord(lat)]}
    return (
        {"type": "Feature", "properties": properties, "geometry": geometry},
        website is not None and link is None,
    )


def import_peeringdb(folder: Path) -> PeeringDbImport:
    """Read the three files of ``folder`` and build the facility features (sorted by id)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: PeeringDB folder does not exist")
    paths = dict(zip(("fac", "ix", "ixfac"), (folder / name for name in FILES), strict=True))
    facs, fac_meta = read_envelope(paths["fac"])
    ixs, ix_meta = read_envelope(paths["ix"])
    links, _ = read_envelope(paths["ixfac"])
    exchanges, dangling = _exchanges_by_facility(paths, ixs, links)
    not_ok = {
        FILES[0]: sum(not _ok(r) for r in facs),
        FILES[1]: sum(not _ok(r) for r in ixs),
        FILES[2]: sum(not _ok(r) for r in links),
    }
    features: list[Feature] = []
    unlocated: list[tuple[int, str]] = []
    dropped: list[int] = []
    located_ids: set[int] = set()
    for index, record in enumerate(facs):
        ident = _required(paths["fac"], index, record, "id", int)
        name = _required(paths["fac"], index, record, "name", str)
        _required(paths["fac"], index, record, "status", str)
        lat = _coordinate(paths["fac"], index, record, "latitude", 90.0)
        lon = _coordinate(paths["fac"], index, record, "longitude", 180.0)
        if not _ok(record):
            continue
        if lat is None or lon is None:
            unlocated.append((ident, plain_text(name) or ""))
            continue
        item, dropped_url = _facility(
            paths["fac"], index, record, exchanges.get(ident, []), lon, lat
        )
        features.append(item)
        located_ids.add(ident)
        if dropped_url:
            dropped.append(ident)
    ok_facs = located_ids | {i for i, _ in unlocated}
    dangling += sum(1 for fac_id in exchanges if fac_id not in ok_facs)
    features.sort(key=lambda f: int(f["properties"]["peeringdb_id"]))
    return PeeringDbImport(
        features=features,
        not_ok=not_ok,
        without_coordinates=sorted(unlocated),
        dangling_links=dangling,
        data_date=_dump_date((fac_meta, ix_meta), facs),
        dropped_urls=sorted(dropped),
    )


def refuse_shipped_output(out: Path, shipped: Path) -> None:
    """PeeringDB data must never land in the repository's shipped ``data/``."""
    if out.resolve() == shipped.resolve():
        raise InputError(
            f"{out}: --peeringdb output may not go into the shipped data folder (PeeringDB data "
            "is not openly licensed); build into another folder and run the app with --data"
        )
