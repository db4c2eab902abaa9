"""Distances and great-circle arcs on the Earth.

``haversine_km`` is the spherical formula students implement themselves in lesson 02;
``geodesic_km`` (WGS84 ellipsoid, via geopy) gives reference figures to compare against.
Coordinates are decimal degrees, latitude first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

from geopy.distance import geodesic as _geopy_geodesic

MEAN_EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius R1

Point = tuple[float, float]


def _check_point(lat: float, lon: float, label: str = "point") -> None:
    """Raise ValueError with a clear message if (lat, lon) is not a usable coordinate."""
    for name, value in (("latitude", lat), ("longitude", lon)):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"{label}: {name} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{label}: {name} must be finite, got {value!r}")
    if not -90.0 <= lat <= 90.0:
        raise ValueError(
            f"{label}: latitude {lat} is out of range [-90, 90] "
            "(did you swap latitude and longitude?)"
        )
    # Longitudes up to ±360 are accepted so that unwrapped arcs can be measured again.
    if not -360.0 <= lon <= 360.0:
        raise ValueError(f"{label}: longitude {lon} is out of range [-360, 360]")


def haversine_km(
    lat1: float, lon1: float, lat2: float, lon2: float, radius_km: float = MEAN_EARTH_RADIUS_KM
) -> float:
    """Great-circle distance in km between two points on a sphere of ``radius_km``."""
    _check_point(lat1, lon1, "start")
    _check_point(lat2, lon2, "end")
    if not radius_km > 0:  # also rejects NaN
        raise ValueError(f"radius_km must be positive, got {radius_km!r}")
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * radius_km * math.asin(min(1.0, math.sqrt(a)))


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km on the WGS84 ellipsoid (Karney's method, via geopy)."""
    _check_point(lat1, lon1, "start")
    _check_point(lat2, lon2, "end")
    return float(_geopy_geodesic((lat1, _wrap(lon1)), (lat2, _wrap(lon2))).km)


def _wrap(lon: float) -> float:
    """Longitude folded into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def _to_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lmb = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lmb), math.cos(phi) * math.sin(lmb), math.sin(phi))


def great_circle_points(
    lat1: float, lon1: float, lat2: float, lon2: float, n: int = 64
) -> list[Point]:
    """``n`` points (ends included) along the shorter great-circle arc, as (lat, lon).

    Longitudes are unwrapped: consecutive points never differ by more than 180°, so an
    arc across the antimeridian continues past ±180° instead of jumping across the map.
    """
    _check_point(lat1, lon1, "start")
    _check_point(lat2, lon2, "end")
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an integer >= 2 (both ends are included), got {n!r}")
    a, b = _to_vector(lat1, lon1), _to_vector(lat2, lon2)
    dot = max(-1.0, min(1.0, sum(x * y for x, y in zip(a, b, strict=True))))
    omega = math.acos(dot)
    if math.isclose(omega, math.pi, abs_tol=1e-9):
        raise ValueError(
            f"({lat1}, {lon1}) and ({lat2}, {lon2}) are antipodal: "
            "no unique great circle joins them"
        )
    points: list[Point] = []
    prev_lon = lon1
    for i in range(n):
        t = i / (n - 1)
        if omega < 1e-12:
            lat, lon = lat1, lon1
        else:
            wa = math.sin((1 - t) * omega) / math.sin(omega)
            wb = math.sin(t * omega) / math.sin(omega)
            x, y, z = (wa * p + wb * q for p, q in zip(a, b, strict=True))
            lat = math.degrees(math.atan2(z, math.hypot(x, y)))
            lon = math.degrees(math.atan2(y, x))
        if i == 0:
            lat, lon = lat1, lon1
        elif i == n - 1:
            lat, lon = lat2, lon2
        # Unwrap: shift by whole turns so the step from the previous point is <= 180°.
        lon += 360.0 * round((prev_lon - lon) / 360.0)
        points.append((lat, lon))
        prev_lon = lon
    return points


def _resolve_points(points_or_ids: Sequence[Point] | Sequence[str]) -> list[Point]:
    """Turn place ids (looked up in the ``places`` table) or (lat, lon) pairs into points."""
    items = list(points_or_ids)
    if len(items) < 2:
        raise ValueError(f"a route needs at least two points, got {len(items)}")
    if all(isinstance(item, str) for item in items):
        from peninsula import data  # imported lazily: geo works without the data tables

        places = data.load("places").set_index("place_id")
        missing = [pid for pid in items if pid not in places.index]
        if missing:
            raise KeyError(f"unknown place_id(s) {missing} (not in data table 'places')")
        return [(float(places.at[p, "lat"]), float(places.at[p, "lon"])) for p in items]
    resolved: list[Point] = []
    for i, item in enumerate(items):
        if isinstance(item, str) or len(item) != 2:
            raise ValueError(
                f"route item {i} is {item!r}: give either all place ids or all (lat, lon) pairs"
            )
        lat, lon = float(item[0]), float(item[1])
        _check_point(lat, lon, f"route item {i}")
        resolved.append((lat, lon))
    return resolved


def route_length_km(
    points_or_ids: Sequence[Point] | Sequence[str], method: str = "great_circle"
) -> float:
    """Length in km of a route through (lat, lon) points or ``places`` ids, in order.

    ``method="great_circle"`` sums haversine legs on the mean sphere;
    ``method="geodesic"`` sums WGS84 ellipsoid legs.
    """
    measures = {"great_circle": haversine_km, "geodesic": geodesic_km}
    if method not in measures:
        raise ValueError(f"method must be one of {sorted(measures)}, got {method!r}")
    points = _resolve_points(points_or_ids)
    measure = measures[method]
    return sum(measure(*p, *q) for p, q in zip(points, points[1:], strict=False))
