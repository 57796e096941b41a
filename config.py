"""Run-time settings from the environment and the command line, with safe defaults."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = REPO_ROOT / "data"
DATA_ENV = "LANDFALL_DATA"
#: Where the validated datasets are cached between starts (see ``datalayer/cache.py``); one of
#: :data:`CACHE_OFF` turns the cache off.
CACHE_ENV = "LANDFALL_CACHE_DIR"
CACHE_OFF = frozenset({"off", "0", "no", "false", "none"})


#: Debian's Chromium, for every headless browser Landfall starts (PDF reports; the benchmark and
#: tests too). kaleido reads ``BROWSER_PATH`` itself; ``LANDFALL_CHROMIUM`` is the older name.
def browser_path() -> str:
    """The browser to start, read from the environment now (``$BROWSER_PATH`` first)."""
    return os.environ.get("BROWSER_PATH") or os.environ.get(
        "LANDFALL_CHROMIUM", "/usr/bin/chromium"
    )


CHROMIUM = browser_path()
#: The flags every one of them starts with: headless, no sandbox (root in containers), no GPU,
#: and nothing that calls home.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


#: Export rendering limits (see export/renderer.py): renders at once per process, renders that
#: may queue behind them, and seconds a queued render waits before it is told to retry.
RENDER_SLOTS_ENV, RENDER_QUEUE_ENV, RENDER_WAIT_ENV = (
    "LANDFALL_RENDER_SLOTS",
    "LANDFALL_RENDER_QUEUE",
    "LANDFALL_RENDER_WAIT_S",
)


@dataclass(frozen=True)
class RenderLimits:
    """How many exports a process renders at once, queues, and how long one may queue."""

    slots: int = 1
    queue: int = 1
    wait_s: float = 30.0


def _positive(name: str, default: float, low: float) -> float:
    try:
        value = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return max(value, low)


def render_limits_from_env() -> RenderLimits:
    """The render limits from ``$LANDFALL_RENDER_SLOTS`` (1), ``$LANDFALL_RENDER_QUEUE`` (1)
    and ``$LANDFALL_RENDER_WAIT_S`` (30); unreadable values keep the default."""
    return RenderLimits(
        slots=int(_positive(RENDER_SLOTS_ENV, 1, 1)),
        queue=int(_positive(RENDER_QUEUE_ENV, 1, 0)),
        wait_s=_positive(RENDER_WAIT_ENV, 30.0, 0.0),
    )


@dataclass(frozen=True)
class Settings:
    """Where the data is and how the development server listens."""

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8050
    debug: bool = False


def data_dir_from_env() -> Path:
    """The data directory: ``$LANDFALL_DATA`` if set, else the shipped ``data/``."""
    value = os.environ.get(DATA_ENV, "").strip()
    return Path(value) if value else DEFAULT_DATA_DIR


def cache_dir_from_env() -> Path | None:
    """The data cache directory, or None when the cache is off.

    ``$LANDFALL_CACHE_DIR`` if set (``off``, ``0``, ``no``, ``false`` or ``none`` turn the cache
    off), else ``$XDG_CACHE_HOME/landfall``, else ``~/.cache/landfall``.
    """
    value = os.environ.get(CACHE_ENV, "").strip()
    if value.lower() in CACHE_OFF:
        return None
    if value:
        return Path(value).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "landfall"
    try:
        return Path.home() / ".cache" / "landfall"
    except RuntimeError:  # no home directory to be found: run without a cache
        return None


def parse_args(argv: list[str] | None = None) -> Settings:
    """Settings from command-line flags (``--data`` wins over ``$LANDFALL_DATA``)."""
    parser = argparse.ArgumentParser(
        prog="app.py", description="Landfall: the Mediterranean's submarine cables on one map."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8050, help="port to listen on")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"dataset directory (default: ${DATA_ENV} or ./data)",
    )
    parser.add_argument(
        "--debug", action="store_true", help="Dash debug mode (never in production)"
    )
    args = parser.parse_args(argv)
    return Settings(
        data_dir=args.data if args.data is not None else data_dir_from_env(),
        host=args.host,
        port=args.port,
        debug=bool(args.debug),
    )
