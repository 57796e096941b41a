"""Level of detail for large selections: culling, grouping and simplification (figures/lod.py)."""

from __future__ import annotations

import numpy as np
import pytest

from figures import lod


def test_view_bounds_cover_the_frame_and_vanish_when_zoomed_out() -> None:
    assert lod.view_bounds({"lon": 5.0, "lat": 43.0}, 0.5) is None  # the whole world
    bounds = lod.view_bounds({"lon": 5.0, "lat": 43.0}, 6.0)
    assert bounds is not None
    half = 0.75 * lod.FRAME_PX * lod.degrees_per_pixel(6.0)
    assert bounds.west == pytest.approx(5.0 - half) and bounds.east == pytest.approx(5.0 + half)
    # A 1,600 px map at zoom 6 shows ±12.5° of longitude: all of it is inside.
    assert half > 800 * lod.degrees_per_pixel(6.0)


def test_contains_handles_the_antimeridian() -> None:
    bounds = lod.Bounds(170.0, -10.0, 190.0, 10.0)
    lon = np.array([175.0, -175.0, 0.0, 179.0])
    lat = np.array([0.0, 0.0, 0.0, 20.0])
    assert bounds.contains(lon, lat).tolist() == [True, True, False, False]


def test_intersects_boxes_and_their_copies_across_the_antimeridian() -> None:
    bounds = lod.Bounds(170.0, -10.0, 190.0, 10.0)
    boxes = np.array(
        [
            [160.0, -5.0, 175.0, 5.0],  # overlaps
            [-178.0, -5.0, -170.0, 5.0],  # overlaps the copy past 180
            [0.0, -5.0, 10.0, 5.0],  # far away
            [165.0, 20.0, 175.0, 30.0],  # north of the box
            [-180.0, -60.0, 180.0, 60.0],  # spans the world
        ]
    )
    assert bounds.intersects(boxes).tolist() == [True, True, False, False, True]


def test_a_pan_without_a_new_key_never_shows_undrawn_map() -> None:
    # The worst case: a pan of just under one key cell, on the widest frame planned for.
    for zoom in (3.0, 4.5, 7.5):
        cell = lod.FRAME_PX / 4 * lod.degrees_per_pixel(zoom)
        visible_half = lod.FRAME_PX / 2 * lod.degrees_per_pixel(zoom)
        bounds = lod.view_bounds({"lon": 0.0, "lat": 0.0}, zoom)
        assert bounds is not None
        assert cell + visible_half <= bounds.east


def test_view_key_changes_with_half_zoom_steps_and_quarter_frame_pans() -> None:
    key = lod.view_key({"lon": 5.0, "lat": 43.0}, 5.1)
    assert lod.view_key({"lon": 5.01, "lat": 43.0}, 5.2) == key  # a nudge: same detail
    assert lod.view_key({"lon": 5.0, "lat": 43.0}, 5.6) != key  # half a zoom level
    quarter = lod.FRAME_PX / 4 * lod.degrees_per_pixel(5.0)
    assert lod.view_key({"lon": 5.0 + quarter, "lat": 43.0}, 5.1) != key


def test_cluster_points_counts_every_point_once() -> None:
    rng = np.random.default_rng(1)
    lon = np.concatenate([rng.normal(5.0, 0.01, 500), [40.0], rng.normal(-70, 0.01, 300)])
    lat = np.concatenate([rng.normal(43.0, 0.01, 500), [-20.0], rng.normal(10, 0.01, 300)])
    clusters = lod.cluster_points(lon, lat, zoom=3.0)
    assert int(clusters.count.sum()) + len(clusters.singles) == len(lon)
    assert clusters.singles.tolist() == [500]  # the lone point stays itself
    assert sorted(clusters.count.tolist())[-1] <= 500
    # Cluster markers sit at their members' mean position.
    big = int(np.argmax(clusters.count))
    members = clusters.members[big]
    assert len(members) == 3 and all(m < 500 for m in members)
    assert (
        abs(float(clusters.lon[big]) - 5.0) < 0.05 and abs(float(clusters.lat[big]) - 43.0) < 0.05
    )


def test_clusters_split_as_the_zoom_grows() -> None:
    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(0, 10, 5000), rng.uniform(40, 50, 5000)
    coarse = lod.cluster_points(lon, lat, zoom=3.0)
    fine = lod.cluster_points(lon, lat, zoom=7.0)
    assert len(coarse.count) < len(fine.count) + len(fine.singles)


def test_cluster_marker_size_grows_and_is_bounded() -> None:
    sizes = lod.cluster_marker_size(np.array([2, 20, 2_000, 10**9]))
    assert list(sizes) == sorted(sizes)
    assert sizes[0] >= 10 and sizes[-1] == 30


def test_cable_tolerance_is_about_a_pixel() -> None:
    assert lod.cable_tolerance(0.0) == max(lod.CABLE_TOLERANCES)
    assert lod.cable_tolerance(3.4) == 0.05
    assert lod.cable_tolerance(12.0) == min(lod.CABLE_TOLERANCES) == 0.01  # the full detail
    assert [lod.cable_tolerance(z) for z in (0, 1, 2, 3, 4)] == sorted(
        (lod.cable_tolerance(z) for z in (0, 1, 2, 3, 4)), reverse=True
    )
