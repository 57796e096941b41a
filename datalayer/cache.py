"""A binary cache of the loaded, validated datasets, so a restart skips parsing and validation.

Reading and validating every GeoJSON feature takes 0.3 s on the shipped data and grows with it
(17 s at 100×); unpickling the resulting :class:`~datalayer.loader.Datasets` takes a few
milliseconds. :func:`load_datasets_cached` looks up an entry whose key covers everything the
result depends on:

- the resolved data directory;
- name, size, mtime, ctime and inode of every file :func:`~datalayer.loader.load_datasets`
  reads (a file edited, replaced or touched is a miss);
- the source of the loader, the schema and the validators (a code change is a miss);
- the Python, NumPy, pandas, shapely, pyproj and geopandas versions (pickles are not portable).

On a miss the data are loaded and validated as always, then written atomically (a temporary
file, then ``os.replace``) unless a file changed during the load. A dataset that fails
validation raises its :class:`~datalayer.errors.DatasetError` and nothing is written: errors are
never cached, and the repair warnings are part of the cached object, so they are shown exactly as
after a fresh load. Each entry carries a SHA-256 of its payload; an entry that cannot be read,
is truncated, corrupt, of another key, or not owned by this user (pickles run code when loaded)
is ignored with a logged warning and the data are loaded from the files. Nothing here ever stops
the app from starting. One entry is kept per data directory.

The directory comes from ``config.cache_dir_from_env`` (``$LANDFALL_CACHE_DIR``, ``off`` to
disable; default ``$XDG_CACHE_HOME/landfall`` or ``~/.cache/landfall``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import sys
from dataclasses import replace
from pathlib import Path

from datalayer.loader import DATA_FILES, Datasets, gc_paused, load_datasets

log = logging.getLogger(__name__)

#: Bumped whenever the entry layout changes.
FORMAT = b"landfall-datasets-cache-1\n"
SUFFIX = ".pickle"
_DIGEST = 32  # bytes of a SHA-256
#: The code whose behaviour the cached result depends on.
_SOURCES = ("cache.py", "errors.py", "loader.py", "schema.py", "validate.py")


def _versions() -> str:
    import geopandas
    import numpy
    import pandas
    import pyproj
    import shapely

    parts = [sys.version, f"pickle {pickle.HIGHEST_PROTOCOL}"]
    parts += [f"{m.__name__} {m.__version__}" for m in (numpy, pandas, shapely, pyproj, geopandas)]
    return "; ".join(parts)


def code_fingerprint() -> bytes:
    """A digest of the data layer's source and of the libraries' versions."""
    digest = hashlib.sha256(_versions().encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    return digest.digest()


def cache_key(data_dir: Path) -> bytes:
    """The key of ``data_dir``'s entry; :class:`OSError` when a file is missing."""
    digest = hashlib.sha256(FORMAT + code_fingerprint())
    digest.update(str(data_dir.resolve()).encode() + b"\0")
    for name in DATA_FILES:
        stat = (data_dir / name).stat()
        digest.update(
            f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_ino}\0".encode()
        )
    return digest.digest()


def entry_path(cache_dir: Path, data_dir: Path) -> Path:
    """The one entry file of ``data_dir`` (named after the resolved directory)."""
    name = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:32]
    return cache_dir / f"datasets-{name}{SUFFIX}"


def read_entry(path: Path, key: bytes) -> Datasets | None:
    """The cached datasets under ``key``, or None (missing, stale, corrupt: logged)."""
    try:
        with open(path, "rb") as file:
            stat = os.fstat(file.fileno())
            if stat.st_uid != os.getuid() or stat.st_mode & 0o022:
                log.warning(
                    "data cache %s ignored: not owned by this user or writable by others", path
                )
                return None
            blob = file.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("data cache %s not readable (%s): loading the files", path, exc)
        return None
    header = len(FORMAT) + 2 * _DIGEST
    if not blob.startswith(FORMAT) or len(blob) < header:
        log.warning("data cache %s is not a cache entry: loading the files", path)
        return None
    stored_key = blob[len(FORMAT) : len(FORMAT) + _DIGEST]
    if stored_key != key:
        log.info("data cache %s is stale: loading the files", path)
        return None
    checksum = blob[len(FORMAT) + _DIGEST : header]
    payload = memoryview(blob)[header:]
    if hashlib.sha256(payload).digest() != checksum:
        log.warning("data cache %s is corrupt (checksum): loading the files", path)
        return None
    try:
        with gc_paused():
            data = pickle.loads(payload)
    except Exception as exc:  # whatever the unpickling raises, the files are still there
        log.warning("data cache %s cannot be unpickled (%r): loading the files", path, exc)
        return None
    if not isinstance(data, Datasets):
        log.warning("data cache %s holds %s: loading the files", path, type(data).__name__)
        return None
    return data


def write_entry(path: Path, key: bytes, data: Datasets) -> bool:
    """Write ``data`` under ``key`` atomically; False (logged) when that is not possible."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(FORMAT + key + hashlib.sha256(payload).digest())
            file.write(payload)
        os.replace(tmp, path)
    except Exception as exc:  # a cache that cannot be written only costs time
        log.warning(
            "data cache %s not written (%r): the next start loads the files again", path, exc
        )
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


def load_datasets_cached(data_dir: Path | str, cache_dir: Path | None) -> Datasets:
    """:func:`~datalayer.loader.load_datasets`, through the cache in ``cache_dir`` (None: off).

    Same result, same :class:`~datalayer.errors.DatasetError` for a bad dataset.
    """
    directory = Path(data_dir)
    if cache_dir is None:
        return load_datasets(directory)
    try:
        key = cache_key(directory)
        path = entry_path(cache_dir, directory)
    except OSError:
        # A missing file or directory: the loader names it.
        return load_datasets(directory)
    cached = read_entry(path, key)
    if cached is not None:
        log.info("datasets read from the cache %s", path)
        return replace(cached, source_dir=directory)
    data = load_datasets(directory)  # a DatasetError propagates: errors are never cached
    try:
        unchanged = cache_key(directory) == key
    except OSError:
        unchanged = False
    if unchanged:
        write_entry(path, key, data)
    else:
        log.warning("data files changed while they were read: not cached")
    return data
