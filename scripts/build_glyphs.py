"""Make the map's label glyphs (MapLibre glyph PBFs) from DejaVu Sans.

Usage::

    python scripts/build_glyphs.py [--font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf]
                                   [--labels data/place_labels.geojson] [--out assets/glyphs]

Writes ``<out>/DejaVu Sans Book/<start>-<end>.pbf`` for the 256-code-point blocks that the
names in ``--labels`` need, plus Basic Latin + Latin-1 (0-255) and Latin Extended-A (256-511,
Turkish, Maltese, Polish…), so a data update with such names needs no new glyphs. Run it again
after a data build adds names in other scripts (e.g. Greek); ``tests/test_labels.py`` fails
when a label has a character without a glyph. The font comes from Debian's
``fonts-dejavu-core``; the renderer is ``freetype-py`` (pinned in requirements-dev.txt). The
output is deterministic and committed, so neither is needed to run the app.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    # Why: run as a plain script (python scripts/build_glyphs.py), make ``scripts.build`` importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from figures.place_labels import FONTSTACK
from scripts.build.glyphs import encode_range, range_name, ranges_for, render_range

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
#: Blocks made whatever the names hold: Basic Latin + Latin-1, and Latin Extended-A.
ALWAYS = (0, 256)


def label_texts(path: Path) -> list[str]:
    """Every ``name`` of the label collection at ``path``."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return [str(f["properties"]["name"]) for f in collection["features"]]


def build(font: Path, labels: Path, out: Path) -> dict[str, int]:
    """Write the glyph files; returns each file's size in bytes, by range."""
    starts = sorted(set(ALWAYS) | set(ranges_for(label_texts(labels))))
    folder = out / FONTSTACK
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.pbf"):
        stale.unlink()
    sizes = {}
    for start in starts:
        data = encode_range(FONTSTACK, start, render_range(font, start))
        (folder / f"{range_name(start)}.pbf").write_bytes(data)
        sizes[range_name(start)] = len(data)
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    """Build and report the glyph files."""
    parser = argparse.ArgumentParser(prog="build_glyphs.py", description=__doc__.split("\n")[0])
    parser.add_argument("--font", type=Path, default=DEFAULT_FONT, help="TrueType font file")
    parser.add_argument(
        "--labels", type=Path, default=ROOT / "data" / "place_labels.geojson", help="label names"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "assets" / "glyphs", help="output")
    args = parser.parse_args(argv)
    if not args.font.is_file():
        print(f"build_glyphs: error: {args.font}: no such font (apt-get install fonts-dejavu-core)")
        return 2
    started = time.perf_counter()
    sizes = build(args.font, args.labels, args.out)
    for name, size in sizes.items():
        print(f"  {FONTSTACK}/{name}.pbf  {size / 1024:,.1f} KiB")
    print(f"{len(sizes)} glyph files in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
