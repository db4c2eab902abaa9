"""Tests for peninsula.geo: distances, great-circle arcs, validation."""

from __future__ import annotations

import math

import pytest

from peninsula import geo

# Coordinates from /work/shared/reference/facts.md section 3 (copied here as test inputs).
PYONGYANG = (39.0194, 125.7381)
BEIJING = (39.9042, 116.4074)
FNJ = (39.224098, 125.669998)
SIN = (1.35019, 103.994003)
VLADIVOSTOK = (43.115, 131.88528)
ANCHORAGE = (61.2181, -149.9003)  # test-only point east of the antimeridian


def _unit(lat: float, lon: float) -> tuple[float, float, float]:
    p, l_ = math.radians(lat), math.radians(lon)
    return (math.cos(p) * math.cos(l_), math.cos(p) * math.sin(l_), math.sin(p))


def _cross_track_km(point, start, end, radius=geo.MEAN_EARTH_RADIUS_KM) -> float:
    """Distance of `point` from the great circle through start and end (vector method)."""
    a, b, p = _unit(*start), _unit(*end), _unit(*point)
    n = (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
    norm = math.sqrt(sum(c * c for c in n))
    return abs(radius * math.asin(sum(x * y for x, y in zip(p, n, strict=True)) / norm))


def test_one_degree_of_latitude_on_the_mean_sphere():
    expected = 2 * math.pi * geo.MEAN_EARTH_RADIUS_KM / 360
    assert geo.haversine_km(10, 20, 11, 20) == pytest.approx(expected, rel=1e-9)


def test_quarter_meridian_and_zero_distance():
    assert geo.haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * 6371.0088, rel=1e-9)
    assert geo.haversine_km(*PYONGYANG, *PYONGYANG) == 0.0


def test_haversine_is_symmetric_and_uses_radius():
    d1 = geo.haversine_km(*PYONGYANG, *BEIJING)
    d2 = geo.haversine_km(*BEIJING, *PYONGYANG)
    assert d1 == pytest.approx(d2, rel=1e-12)
    assert geo.haversine_km(*PYONGYANG, *BEIJING, radius_km=1.0) == pytest.approx(
        d1 / geo.MEAN_EARTH_RADIUS_KM, rel=1e-12
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(PYONGYANG, BEIJING), (FNJ, SIN), (PYONGYANG, VLADIVOSTOK)],
    ids=["pyongyang-beijing", "fnj-sin", "pyongyang-vladivostok"],
)
def test_haversine_within_half_a_percent_of_geodesic(start, end):
    # Tolerance: the sphere vs WGS84 ellipsoid differ by at most ~0.5 % in distance.
    sphere = geo.haversine_km(*start, *end)
    ellipsoid = geo.geodesic_km(*start, *end)
    assert sphere == pytest.approx(ellipsoid, rel=0.005)
    assert sphere != ellipsoid  # they are different models; identical results would be a bug


def test_geodesic_matches_known_equator_degree():
    # One degree of longitude on the WGS84 equator: a * pi / 180 with a = 6378.137 km.
    assert geo.geodesic_km(0, 0, 0, 1) == pytest.approx(6378.137 * math.pi / 180, rel=1e-6)


def test_great_circle_points_ends_and_count():
    pts = geo.great_circle_points(*FNJ, *SIN, n=33)
    assert len(pts) == 33
    assert pts[0] == FNJ
    assert pts[-1] == SIN


def test_great_circle_points_lie_on_the_great_circle_and_evenly_spaced():
    pts = geo.great_circle_points(*FNJ, *SIN, n=40)
    for p in pts[1:-1]:
        assert _cross_track_km(p, FNJ, SIN) < 1e-6
    total = geo.haversine_km(*FNJ, *SIN)
    steps = [geo.haversine_km(*p, *q) for p, q in zip(pts, pts[1:], strict=False)]
    assert sum(steps) == pytest.approx(total, rel=1e-9)
    assert max(steps) - min(steps) < 1e-6


def test_great_circle_is_not_a_straight_line_in_lat_lon():
    # Northern-hemisphere east-west arcs bulge poleward of the straight lat/lon segment.
    pts = geo.great_circle_points(*PYONGYANG, *BEIJING, n=9)
    mid = pts[4]
    assert mid[0] > (PYONGYANG[0] + BEIJING[0]) / 2


def test_antimeridian_arc_is_unwrapped():
    pts = geo.great_circle_points(*VLADIVOSTOK, *ANCHORAGE, n=64)
    lons = [lon for _, lon in pts]
    assert all(abs(b - a) < 180 for a, b in zip(lons, lons[1:], strict=False))
    assert lons[-1] == pytest.approx(ANCHORAGE[1] + 360)
    assert max(lons) > 180  # it really crossed the antimeridian eastwards
    for lat, lon in pts[1:-1]:
        assert _cross_track_km((lat, lon), VLADIVOSTOK, ANCHORAGE) < 1e-6


def test_unwrapped_points_measure_the_same():
    pts = geo.great_circle_points(*VLADIVOSTOK, *ANCHORAGE, n=16)
    direct = geo.haversine_km(*VLADIVOSTOK, *ANCHORAGE)
    assert geo.route_length_km(pts) == pytest.approx(direct, rel=1e-9)


def test_route_length_sums_legs_and_methods_differ():
    route = [PYONGYANG, BEIJING, SIN]
    expected = geo.haversine_km(*PYONGYANG, *BEIJING) + geo.haversine_km(*BEIJING, *SIN)
    assert geo.route_length_km(route) == pytest.approx(expected, rel=1e-12)
    geod = geo.route_length_km(route, method="geodesic")
    assert geod == pytest.approx(expected, rel=0.005)
    assert geod != expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((125.7, 39.0, 39.9, 116.4), "latitude 125.7 is out of range"),
        ((39.0, 400.0, 39.9, 116.4), "longitude 400.0 is out of range"),
        ((float("nan"), 0.0, 0.0, 0.0), "must be finite"),
    ],
)
def test_bad_coordinates_give_clear_errors(args, message):
    with pytest.raises(ValueError, match=message):
        geo.haversine_km(*args)


def test_bad_inputs_for_arcs_and_routes():
    with pytest.raises(TypeError, match="must be a number"):
        geo.haversine_km("39", 125, 40, 116)
    with pytest.raises(ValueError, match="antipodal"):
        geo.great_circle_points(0, 0, 0, 180)
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        geo.great_circle_points(*FNJ, *SIN, n=1)
    with pytest.raises(ValueError, match="method must be one of"):
        geo.route_length_km([PYONGYANG, BEIJING], method="rhumb")
    with pytest.raises(ValueError, match="at least two points"):
        geo.route_length_km([PYONGYANG])
    with pytest.raises(ValueError, match="route item 1"):
        geo.route_length_km([PYONGYANG, (1.0, 2.0, 3.0)])


def test_route_length_accepts_place_ids_from_the_data():
    from peninsula import data

    places = data.load("places").set_index("place_id")
    a = (float(places.at["pyongyang", "lat"]), float(places.at["pyongyang", "lon"]))
    b = (float(places.at["beijing", "lat"]), float(places.at["beijing", "lon"]))
    assert geo.route_length_km(["pyongyang", "beijing"]) == pytest.approx(
        geo.haversine_km(*a, *b), rel=1e-12
    )
    with pytest.raises(KeyError, match="atlantis"):
        geo.route_length_km(["pyongyang", "atlantis"])


def test_numpy_numbers_are_accepted():
    import numpy as np

    d = geo.haversine_km(np.float32(39.0), np.int64(125), np.float64(39.9), 116.4)
    assert d == pytest.approx(geo.haversine_km(39.0, 125, 39.9, 116.4), rel=1e-6)
