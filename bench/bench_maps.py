"""Build time and HTML size of each course map, online and offline.

Run: ``.venv/bin/python bench/bench_maps.py [--repeat N]``. Prints a table; asserts nothing.
Build time covers building the folium.Map and rendering it to HTML
(``m.get_root().render()``), which is what a notebook cell pays. The first build in a fresh
process also loads the data tables; it is reported separately as "first".
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import folium

from peninsula import maps

BUILDERS: dict[str, Callable[..., folium.Map]] = {
    "journeys_2018_map": maps.journeys_2018_map,
    "timeline_map": maps.timeline_map,
    "continuation_2019_map": maps.continuation_2019_map,
}


def measure(builder: Callable[..., folium.Map], offline: bool) -> tuple[float, int]:
    """Seconds to build and render one map, and the rendered HTML size in bytes."""
    start = time.perf_counter()
    html = builder(offline=offline).get_root().render()
    return time.perf_counter() - start, len(html.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="timed builds per map and mode")
    args = parser.parse_args()

    first, _ = measure(maps.journeys_2018_map, offline=False)
    print(f"first build in this process (includes loading data): {first * 1000:.0f} ms\n")
    header = f"{'map':<24}{'mode':<9}{'median ms':>10}{'min ms':>9}{'HTML KB':>10}"
    print(header)
    print("-" * len(header))
    for name, builder in BUILDERS.items():
        for offline in (False, True):
            runs = [measure(builder, offline) for _ in range(args.repeat)]
            times = [t for t, _ in runs]
            size = runs[-1][1]
            mode = "offline" if offline else "online"
            print(
                f"{name:<24}{mode:<9}{statistics.median(times) * 1000:>10.1f}"
                f"{min(times) * 1000:>9.1f}{size / 1024:>10.1f}"
            )


if __name__ == "__main__":
    main()
