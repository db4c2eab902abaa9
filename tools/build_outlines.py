"""Build ``data/countries.geojson`` from Natural Earth 1:50m country outlines.

The outlines come from the npm package ``world-atlas`` (TopoJSON, public-domain Natural Earth data,
packaged under the ISC licence). This script converts TopoJSON to GeoJSON, clips every polygon to
the course's window (lon 95–140 E, lat −5–50 N), rounds coordinates to 3 decimals and keeps only
the ``name`` property.

Re-run it at any time::

    python tools/build_outlines.py                      # downloads world-atlas@2 with `npm pack`
    python tools/build_outlines.py --source countries-50m.json   # or a world-atlas .tgz

Borders are drawn for orientation only; they imply no position on any boundary.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

Point = tuple[float, float]
Ring = list[Point]

WINDOW = (95.0, -5.0, 140.0, 50.0)  # west, south, east, north
DIGITS = 3
PACKAGE = "world-atlas@2"
MEMBER = "package/countries-50m.json"
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "countries.geojson"


def fetch_topology(source: Path | None) -> dict:
    """Read the TopoJSON from a .json file, a world-atlas .tgz, or via ``npm pack``."""
    if source is not None and source.suffix == ".json":
        return json.loads(source.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            out = subprocess.run(
                ["npm", "pack", PACKAGE, "--silent"],
                cwd=tmp, check=True, capture_output=True, text=True,
            )
            source = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(source) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise FileNotFoundError(f"{source}: no {MEMBER} inside")
            return json.loads(member.read().decode("utf-8"))


def decode_arcs(topology: dict) -> list[Ring]:
    """Turn quantized, delta-encoded TopoJSON arcs into lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def stitch(indices: list[int], arcs: list[Ring]) -> Ring:
    """Join arcs into one ring; a negative index ~i means arc i reversed."""
    ring: Ring = []
    for index in indices:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _clip_edge(ring: Ring, inside, cross) -> Ring:
    out: Ring = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(cross(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(cross(previous, current))
    return out


def clip_ring(ring: Ring, window: tuple[float, float, float, float] = WINDOW) -> Ring:
    """Clip a closed ring to a rectangle (Sutherland–Hodgman). Returns an open ring."""
    west, south, east, north = window

    def at_x(x: float):
        return lambda p, q: (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(y: float):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    edges = [
        (lambda p: p[0] >= west, at_x(west)),
        (lambda p: p[0] <= east, at_x(east)),
        (lambda p: p[1] >= south, at_y(south)),
        (lambda p: p[1] <= north, at_y(north)),
    ]
    points = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for inside, cross in edges:
        if not points:
            break
        points = _clip_edge(points, inside, cross)
    return points


def tidy(ring: Ring) -> Ring | None:
    """Round, drop repeated points, close the ring; None if nothing with area is left."""
    out: Ring = []
    for lon, lat in ring:
        point = (round(lon, DIGITS), round(lat, DIGITS))
        if not out or out[-1] != point:
            out.append(point)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3:
        return None
    area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(out, out[1:] + out[:1], strict=True))
    if area == 0:
        return None
    return [*out, out[0]]


def country_feature(geometry: dict, arcs: list[Ring]) -> dict | None:
    """Convert one TopoJSON country to a clipped GeoJSON feature, or None if outside."""
    kind = geometry.get("type")
    if kind == "Polygon":
        polygons = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return None
    kept = []
    for polygon in polygons:
        rings = [tidy(clip_ring(stitch(indices, arcs))) for indices in polygon]
        if rings[0] is None:
            continue
        kept.append([[list(p) for p in r] for r in rings if r is not None])
    if not kept:
        return None
    shape = (
        {"type": "Polygon", "coordinates": kept[0]}
        if len(kept) == 1
        else {"type": "MultiPolygon", "coordinates": kept}
    )
    return {"type": "Feature", "properties": {"name": geometry["properties"]["name"]},
            "geometry": shape}


def build(topology: dict) -> dict:
    """Return the clipped GeoJSON FeatureCollection, sorted by country name."""
    arcs = decode_arcs(topology)
    features = [
        feature
        for geometry in topology["objects"]["countries"]["geometries"]
        if (feature := country_feature(geometry, arcs)) is not None
    ]
    features.sort(key=lambda f: f["properties"]["name"])
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="countries-50m.json or a world-atlas .tgz")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output GeoJSON file")
    args = parser.parse_args(argv)
    collection = build(fetch_topology(args.source))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"
    args.out.write_text(text, encoding="utf-8")
    names = ", ".join(f["properties"]["name"] for f in collection["features"])
    print(f"{args.out}: {len(collection['features'])} countries, {len(text.encode()) // 1024} KB")
    print(names)


if __name__ == "__main__":
    main()
