"""Latency of a date change in each explorer (median and 95th percentile over ~50 changes).

Run: ``.venv/bin/python bench/bench_widgets.py``. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import statistics
import time

from peninsula import sanctions
from peninsula.widgets import SanctionsExplorer, TradeExplorer


def _time_changes(slider, values: list) -> list[float]:
    """Set ``slider.value`` to each value in turn; return the milliseconds each took."""
    times = []
    for value in values:
        start = time.perf_counter()
        slider.value = value
        times.append((time.perf_counter() - start) * 1000)
    return times


def _report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{name:42} n={len(times):3d}  median={statistics.median(times):6.1f} ms  "
          f"p95={p95:6.1f} ms  max={ordered[-1]:6.1f} ms")


def main(changes: int = 50) -> None:
    start = time.perf_counter()
    model = sanctions.SanctionsModel.from_data()
    explorer = SanctionsExplorer(model)
    print(f"SanctionsExplorer built in {(time.perf_counter() - start) * 1000:.0f} ms")
    months = [v for _, v in explorer.date_slider.options]
    step = max(1, len(months) // changes)
    picks = months[::step][:changes]
    _report("SanctionsExplorer: date slider", _time_changes(explorer.date_slider, picks))
    around_2017 = [v for v in months if 2016 <= v.year <= 2019][:changes]
    _report("SanctionsExplorer: date slider 2016-2019", _time_changes(explorer.date_slider,
                                                                      around_2017))

    start = time.perf_counter()
    trade = TradeExplorer()
    print(f"TradeExplorer built in {(time.perf_counter() - start) * 1000:.0f} ms")
    for mode in ("annual", "monthly"):
        trade.mode_toggle.value = mode
        periods = [v for _, v in trade.period_slider.options]
        values = (periods * (changes // len(periods) + 1))[:changes]
        _report(f"TradeExplorer ({mode}): period slider", _time_changes(trade.period_slider,
                                                                          values))


if __name__ == "__main__":
    main()
