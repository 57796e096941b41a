"""MapLibre glyph ranges (signed distance fields in protobuf) rendered from a TrueType font.

MapLibre draws symbol text from "glyph PBFs": one file per block of 256 code points, each glyph
a signed distance field (SDF) of the character rendered at 24 px with a 3 px border. The field
follows @mapbox/tiny-sdf (radius 8, cutoff 0.25: the glyph's edge is the value 191) and the
metrics follow node-fontnik (``top`` measured from the font's ascender), so glyphs made here
line up as the server-made ones MapLibre expects. FreeType (freetype-py) rasterises each glyph;
the distance transform is an exact brute-force one in NumPy (glyphs are a few hundred pixels).

The protobuf schema (``glyphs.proto`` of the Mapbox glyph format) is small enough to write by
hand: ``glyphs { repeated fontstack stacks = 1 }``, ``fontstack { name = 1; range = 2;
repeated glyph glyphs = 3 }``, ``glyph { id = 1; bitmap = 2; width = 3; height = 4;
left = 5 (sint32); top = 6 (sint32); advance = 7 }``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: The size MapLibre's glyph metrics are expressed in (its ``ONE_EM``).
FONT_SIZE_PX = 24
#: Border of distance field around each glyph bitmap, in pixels (MapLibre's ``SDF_BUFFER``).
BUFFER_PX = 3
#: Distance in pixels that the field spans from the edge, and where the edge sits in it.
RADIUS_PX = 8.0
CUTOFF = 0.25
#: Code points per glyph file.
RANGE_SIZE = 256
_INF = 1e20


@dataclass(frozen=True)
class Glyph:
    """One rendered glyph: its SDF bitmap (``(height + 6) × (width + 6)`` bytes) and metrics."""

    codepoint: int
    bitmap: bytes
    width: int
    height: int
    left: int
    top: int
    advance: int


def range_start(codepoint: int) -> int:
    """The first code point of the 256-block holding ``codepoint``."""
    return codepoint - codepoint % RANGE_SIZE


def range_name(start: int) -> str:
    """``0-255`` for the block starting at 0: the ``{range}`` of MapLibre's glyph URL."""
    return f"{start}-{start + RANGE_SIZE - 1}"


def ranges_for(texts: Iterable[str]) -> list[int]:
    """The starts of the 256-blocks holding every character of ``texts``, ascending."""
    return sorted({range_start(ord(char)) for text in texts for char in text})


def _squared_distances(seed: np.ndarray) -> np.ndarray:
    """Exact squared distance transform of a sampled function: ``min_q |p - q|² + seed[q]``."""
    height, width = seed.shape
    ys, xs = np.mgrid[0:height, 0:width]
    points = np.stack([ys.ravel(), xs.ravel()], axis=1).astype(np.float64)
    values = seed.ravel()
    finite = values < _INF
    if not finite.any():
        return np.full(seed.shape, _INF)
    sources = points[finite]
    diff = points[:, None, :] - sources[None, :, :]
    squared = (diff**2).sum(axis=2) + values[finite][None, :]
    return np.asarray(squared.min(axis=1).reshape(seed.shape))


def signed_distance_field(alpha: np.ndarray) -> np.ndarray:
    """The SDF bytes of a coverage bitmap (0–255), with :data:`BUFFER_PX` border added.

    As @mapbox/tiny-sdf: partly covered pixels place the edge inside the pixel, so the field
    is smooth across anti-aliased edges.
    """
    glyph_h, glyph_w = alpha.shape
    height, width = glyph_h + 2 * BUFFER_PX, glyph_w + 2 * BUFFER_PX
    cover = np.zeros((height, width))
    cover[BUFFER_PX : BUFFER_PX + glyph_h, BUFFER_PX : BUFFER_PX + glyph_w] = alpha / 255.0
    edge = 0.5 - cover
    # Outer grid: distance to the glyph (0 inside it); inner grid: distance to the background.
    outer = np.where(cover >= 1.0, 0.0, np.where(edge > 0, edge**2, 0.0))
    outer[cover == 0] = _INF
    inner = np.where(cover >= 1.0, _INF, np.where(edge < 0, edge**2, 0.0))
    distance = np.sqrt(_squared_distances(outer)) - np.sqrt(_squared_distances(inner))
    field = np.round(255 - 255 * (distance / RADIUS_PX + CUTOFF))
    return np.clip(field, 0, 255).astype(np.uint8)


def render_glyph(face: Any, codepoint: int, ascender: int) -> Glyph | None:
    """Render ``codepoint`` with the freetype ``face`` (sized at 24 px), or None if absent."""
    import freetype  # why: a build-time tool only; the app never imports it

    if face.get_char_index(codepoint) == 0:
        return None
    face.load_char(chr(codepoint), freetype.FT_LOAD_RENDER)
    slot = face.glyph
    bitmap = slot.bitmap
    alpha = np.array(bitmap.buffer, dtype=np.float64).reshape(bitmap.rows, bitmap.width)
    field = signed_distance_field(alpha) if alpha.size else np.zeros((0, 0), dtype=np.uint8)
    return Glyph(
        codepoint=codepoint,
        bitmap=field.tobytes() if alpha.size else b"",
        width=bitmap.width,
        height=bitmap.rows,
        left=slot.bitmap_left,
        top=slot.bitmap_top - ascender,
        advance=round(slot.advance.x / 64),
    )


def render_range(font: Path, start: int) -> list[Glyph]:
    """Every glyph the font has among the 256 code points from ``start``."""
    import freetype  # why: a build-time tool only; the app never imports it

    face = freetype.Face(str(font))
    face.set_pixel_sizes(0, FONT_SIZE_PX)
    ascender = round(face.size.ascender / 64)
    glyphs = (render_glyph(face, cp, ascender) for cp in range(start, start + RANGE_SIZE))
    return [glyph for glyph in glyphs if glyph is not None]


# --- protobuf, by hand ----------------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint(field << 3 | wire_type)


def _uint(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(value)


def _sint(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint((value << 1) ^ (value >> 63))


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, 2) + _varint(len(value)) + value


def encode_glyph(glyph: Glyph) -> bytes:
    """One ``glyph`` message."""
    parts = [_uint(1, glyph.codepoint)]
    if glyph.bitmap:
        parts.append(_bytes(2, glyph.bitmap))
    parts += [
        _uint(3, glyph.width),
        _uint(4, glyph.height),
        _sint(5, glyph.left),
        _sint(6, glyph.top),
        _uint(7, glyph.advance),
    ]
    return b"".join(parts)


def encode_range(fontstack: str, start: int, glyphs: Iterable[Glyph]) -> bytes:
    """A whole glyph file: one ``fontstack`` of the glyphs of one 256-block."""
    stack = _bytes(1, fontstack.encode()) + _bytes(2, range_name(start).encode())
    stack += b"".join(_bytes(3, encode_glyph(glyph)) for glyph in glyphs)
    return _bytes(1, stack)


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of each field of a protobuf message (varint or length-delimited)."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        field, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = _read_varint(data, pos)
            yield field, value
        elif wire_type == 2:
            length, pos = _read_varint(data, pos)
            yield field, data[pos : pos + length]
            pos += length
        else:
            raise ValueError(f"unexpected protobuf wire type {wire_type}")


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def decode_codepoints(data: bytes) -> dict[str, set[int]]:
    """The code points each fontstack of a glyph file holds (to check files, not to draw)."""
    found: dict[str, set[int]] = {}
    for _, stack in _fields(data):
        assert isinstance(stack, bytes)
        name, ids = "", set()
        for field, value in _fields(stack):
            if field == 1 and isinstance(value, bytes):
                name = value.decode()
            elif field == 3 and isinstance(value, bytes):
                ids |= {v for f, v in _fields(value) if f == 1 and isinstance(v, int)}
        found.setdefault(name, set()).update(ids)
    return found
