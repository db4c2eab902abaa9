"""China–DPRK trade: tidy accessors and charts with their text alternatives.

Every chart function returns a matplotlib ``Figure``; its companion ``*_text`` function
returns the same information as a short sentence plus a Markdown table, for readers who
cannot see the chart. Colours come from the Okabe–Ito palette (colour-blind safe) and each
series also differs by line style and marker.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

FLOWS = ("total", "china_exports", "china_imports")
FLOW_LABELS = {
    "total": "Total trade",
    "china_exports": "China's exports to the DPRK",
    "china_imports": "China's imports from the DPRK",
}
FLOW_STYLE = {
    "total": {"color": OKABE_ITO["black"], "linestyle": "-", "marker": "o"},
    "china_exports": {"color": OKABE_ITO["blue"], "linestyle": "--", "marker": "s"},
    "china_imports": {"color": OKABE_ITO["vermillion"], "linestyle": ":", "marker": "^"},
}
PUBLISHER_STYLE = {
    "GAC": {"color": OKABE_ITO["black"], "linestyle": "-", "marker": "o"},
    "KOTRA": {"color": OKABE_ITO["orange"], "linestyle": "--", "marker": "s"},
    "KIEP": {"color": OKABE_ITO["sky_blue"], "linestyle": "-.", "marker": "D"},
    "ITC": {"color": OKABE_ITO["green"], "linestyle": ":", "marker": "^"},
    "KITA": {"color": OKABE_ITO["purple"], "linestyle": "--", "marker": "v"},
    "MOFCOM": {"color": OKABE_ITO["blue"], "linestyle": "-.", "marker": "P"},
    "IBK": {"color": OKABE_ITO["vermillion"], "linestyle": ":", "marker": "X"},
}
PUBLISHER_NAMES = {
    "GAC": "China's General Administration of Customs",
    "KOTRA": "KOTRA (Korea Trade-Investment Promotion Agency)",
    "KIEP": "KIEP (Korea Institute for International Economic Policy)",
    "ITC": "ITC (International Trade Centre)",
    "KITA": "KITA (Korea International Trade Association)",
    "MOFCOM": "China's Ministry of Commerce",
    "IBK": "IBK Economic Research Institute",
}
#: Kinds of trade figures this module can return.
UNITS = ("usd_million", "cny_billion")


def _load(table: str) -> pd.DataFrame:
    from peninsula import data

    return data.load(table)


def trade_table(trade: pd.DataFrame | None = None) -> pd.DataFrame:
    """The long-form ``trade`` table (loaded from the course data unless given)."""
    return _load("trade") if trade is None else trade


def publishers(trade: pd.DataFrame | None = None) -> list[str]:
    """Publishers present in the trade table, GAC first."""
    pubs = sorted(trade_table(trade)["publisher"].dropna().astype(str).unique())
    return sorted(pubs, key=lambda p: (p != "GAC", p))


def _check_choice(name: str, value: str, options: Sequence[str]) -> str:
    if value not in options:
        from peninsula.sanctions import suggest

        raise ValueError(
            f"Unknown {name} {value!r}.{suggest(value, options)} "
            f"Valid values: {', '.join(options)}."
        )
    return value


def _wide(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per ``keys``, one column per flow, choosing a value where sources give several.

    Published figures win over derived ones; among several published figures the first in
    the table (lowest ``obs_id``) is used and the row is flagged ``disputed``, with the other
    values listed in ``notes``. ``derived`` is True if any flow in the row had to be derived.
    """
    order = "obs_id" if "obs_id" in rows.columns else rows.columns[0]
    rows = rows.sort_values(order)
    records = []
    for key, grp in rows.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rec: dict = dict(zip(keys, key, strict=True))
        notes, derived, disputed = [], False, False
        for flow in FLOWS:
            g = grp[grp["flow"] == flow]
            if g.empty:
                rec[flow] = float("nan")
                continue
            published = g[~g["derived"].fillna(False).astype(bool)]
            use = published if not published.empty else g
            value = float(use["value"].iloc[0])
            rec[flow] = value
            if published.empty:
                derived = True
                notes.append(f"{FLOW_LABELS[flow]}: derived")
            others = [float(v) for v in use["value"].iloc[1:] if float(v) != value]
            if others:
                disputed = True
                shown = ", ".join(fmt_value(v) for v in others)
                notes.append(f"{FLOW_LABELS[flow]}: other reported values {shown}")
        rec["derived"] = derived
        rec["disputed"] = disputed
        rec["notes"] = "; ".join(notes)
        rec["source"] = "; ".join(dict.fromkeys(str(x) for x in grp["source"] if pd.notna(x)))
        records.append(rec)
    return pd.DataFrame(records, columns=[*keys, *FLOWS, "derived", "disputed", "notes",
                                          "source"])


def _drop_unverified(rows: pd.DataFrame, include_unverified: bool) -> pd.DataFrame:
    if include_unverified or "confidence" not in rows.columns:
        return rows
    return rows[rows["confidence"].fillna("") != "UNVERIFIED"]


def annual(
    publisher: str | None = None,
    *,
    unit: str = "usd_million",
    include_unverified: bool = False,
    trade: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Annual China–DPRK trade, one row per publisher and year.

    Columns: publisher, year, total, china_exports, china_imports (in ``unit``), derived
    (True if any value was derived rather than published), disputed (sources disagree; the
    other values are listed in notes), notes, source. See :func:`_wide` for the choice rule.
    Figures whose confidence is UNVERIFIED are left out unless ``include_unverified``;
    :func:`compare_sources` always shows them.
    """
    t = trade_table(trade)
    _check_choice("unit", unit, UNITS)
    rows = t[(t["period_type"] == "year") & (t["unit"] == unit)]
    rows = _drop_unverified(rows, include_unverified)
    if publisher is not None:
        _check_choice("publisher", publisher, publishers(t))
        rows = rows[rows["publisher"] == publisher]
    if rows.empty:
        return pd.DataFrame(
            columns=["publisher", "year", *FLOWS, "derived", "disputed", "notes", "source"]
        )
    out = _wide(rows, ["publisher", "year"])
    out["year"] = out["year"].astype(int)
    return out.sort_values(["publisher", "year"]).reset_index(drop=True)


def monthly(
    publisher: str = "GAC",
    *,
    unit: str = "usd_million",
    include_unverified: bool = False,
    trade: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Monthly China–DPRK trade reported by ``publisher``.

    Columns: period (first day of the month), year, month, total, china_exports,
    china_imports, derived, disputed, notes, source (choice rule as in :func:`annual`).
    """
    t = trade_table(trade)
    _check_choice("publisher", publisher, publishers(t))
    _check_choice("unit", unit, UNITS)
    rows = t[(t["period_type"] == "month") & (t["publisher"] == publisher) & (t["unit"] == unit)]
    rows = _drop_unverified(rows, include_unverified)
    if rows.empty:
        return pd.DataFrame(
            columns=["period", "year", "month", *FLOWS, "derived", "disputed", "notes", "source"]
        )
    out = _wide(rows, ["year", "month"])
    out["year"] = out["year"].astype(int)
    out["month"] = out["month"].astype(int)
    out.insert(0, "period", pd.to_datetime(dict(year=out["year"], month=out["month"], day=1)))
    return out.sort_values("period").reset_index(drop=True)


def compare_sources(year: int, *, trade: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure for ``year`` from every publisher and period type, side by side.

    Columns: publisher, period, period_type, flow, value, unit, derived, confidence,
    reported_via, source, notes.
    """
    t = trade_table(trade)
    years = sorted(int(y) for y in t["year"].dropna().unique())
    if int(year) not in years:
        raise ValueError(
            f"No trade figures for year {year!r}. Years in the data: "
            f"{', '.join(str(y) for y in years)}."
        )
    cols = [
        "publisher",
        "period",
        "period_type",
        "flow",
        "value",
        "unit",
        "derived",
        "confidence",
        "reported_via",
        "source",
        "notes",
    ]
    rows = t[t["year"] == int(year)]
    cols = [c for c in cols if c in rows.columns]
    order = {"year": 0, "ytd": 1, "half": 2, "month": 3}
    rows = rows.assign(_o=rows["period_type"].map(order).fillna(9))
    return (
        rows.sort_values(["_o", "publisher", "period", "flow"])[cols].reset_index(drop=True)
    )


def percent_change(
    flow: str, year_from: int, year_to: int, *, publisher: str = "GAC",
    trade: pd.DataFrame | None = None,
) -> float:
    """Percentage change of an annual ``flow`` between two years, computed from the data."""
    _check_choice("flow", flow, FLOWS)
    a = annual(publisher, trade=trade).set_index("year")
    for y in (year_from, year_to):
        if y not in a.index or pd.isna(a.at[y, flow]):
            raise ValueError(
                f"No annual {flow} figure from {publisher} for {y}; years with figures: "
                f"{', '.join(str(i) for i in a.index[a[flow].notna()])}."
            )
    return (a.at[year_to, flow] / a.at[year_from, flow] - 1.0) * 100.0


# --------------------------------------------------------------------- markers
def resolution_dates(resolutions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Resolution numbers and adoption dates (columns: resolution, adopted)."""
    r = _load("resolutions") if resolutions is None else resolutions
    return r[["resolution", "adopted"]].sort_values("adopted").reset_index(drop=True)


def visit_dates(visits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Kim Jong-un's visits to China (columns: visit_id, start_date, end_date)."""
    v = _load("visits") if visits is None else visits
    return v[["visit_id", "start_date", "end_date"]].sort_values("start_date").reset_index(
        drop=True
    )


def mark_events(ax, start: pd.Timestamp, end: pd.Timestamp, resolutions, visits) -> None:
    """Draw resolutions (dashed vertical lines) and visits (shaded spans) on ``ax``."""
    import matplotlib.transforms as mtransforms

    trans = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    first = True
    for _, r in resolutions.iterrows():
        d = pd.Timestamp(r["adopted"])
        if not start <= d <= end:
            continue
        ax.axvline(
            d, color=OKABE_ITO["purple"], linestyle=(0, (4, 2)), linewidth=1,
            label="UN resolution adopted" if first else None,
        )
        ax.text(d, 0.98, f" {int(r['resolution'])}", transform=trans, rotation=90,
                va="top", ha="right", fontsize=8, color=OKABE_ITO["purple"])
        first = False
    first = True
    for _, v in visits.iterrows():
        s, e = pd.Timestamp(v["start_date"]), pd.Timestamp(v["end_date"])
        if e < start or s > end:
            continue
        ax.axvspan(s, e + pd.Timedelta(days=1), color=OKABE_ITO["green"], alpha=0.35,
                   label="Kim Jong-un in China" if first else None)
        ax.plot([s], [0.02], marker="*", markersize=10, color=OKABE_ITO["green"],
                transform=trans, clip_on=False, linestyle="none")
        first = False


def source_note(ax, text: str) -> None:
    """Write a source note under the x-axis label of ``ax`` (kept inside the figure)."""
    import textwrap

    ax.annotate(
        textwrap.fill(text, 130), xy=(0, 0), xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -4), textcoords="offset points", ha="left", va="top", fontsize=7,
    )


def _date_ticks(ax, step: str) -> None:
    """Readable date ticks: every year ("2017") or every quarter ("Jan 2018")."""
    import matplotlib.dates as mdates

    if step == "year":
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))


def _all_years(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per year from first to last, so missing years break the plotted line."""
    if frame.empty:
        return frame
    years = range(int(frame["year"].min()), int(frame["year"].max()) + 1)
    return frame.set_index("year").reindex(years).rename_axis("year").reset_index()


def _series_x_annual(years: pd.Series) -> pd.Series:
    return pd.to_datetime(dict(year=years.astype(int), month=7, day=1))


def _derived_mask(frame: pd.DataFrame, flow: str) -> pd.Series:
    return frame["notes"].fillna("").str.contains(f"{FLOW_LABELS[flow]}: derived", regex=False)


def _plot(ax, x: pd.Series, frame: pd.DataFrame, flow: str, label: str, style: dict) -> None:
    """Plot one series; values the data marks as derived get hollow (white-filled) markers."""
    ax.plot(x, frame[flow], label=label, **style)
    mask = _derived_mask(frame, flow).to_numpy()
    if mask.any():
        first = not any(t == "derived value (hollow marker)" for t in
                        (ln.get_label() for ln in ax.lines))
        ax.plot(x[mask], frame.loc[mask, flow], linestyle="none", marker=style["marker"],
                markerfacecolor="white", markeredgecolor=style["color"], markersize=7,
                color=style["color"],
                label="derived value (hollow marker)" if first else "_derived")


# ---------------------------------------------------------------------- charts
def annual_chart(
    publisher: str | None = None,
    flows: Sequence[str] = FLOWS,
    *,
    trade: pd.DataFrame | None = None,
    resolutions: pd.DataFrame | None = None,
    visits: pd.DataFrame | None = None,
    highlight: int | None = None,
):
    """Annual China–DPRK trade (US$ million) with resolutions and Kim's visits marked.

    With ``publisher=None`` the chart compares the total reported by every publisher;
    with a publisher it shows that publisher's flows. Values are plotted at mid-year.
    """
    from matplotlib.figure import Figure

    data = annual(publisher, trade=trade)
    res = resolution_dates(resolutions)
    vis = visit_dates(visits)
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.add_subplot()
    if publisher is None:
        for pub, grp in data.groupby("publisher"):
            g = _all_years(grp)
            if g["total"].notna().any():
                _plot(ax, _series_x_annual(g["year"]), g, "total", f"{pub}: total",
                      PUBLISHER_STYLE.get(pub, FLOW_STYLE["total"]))
        title = "China–DPRK trade by year, as reported by different sources"
    else:
        for flow in flows:
            _check_choice("flow", flow, FLOWS)
            g = _all_years(data)
            if g[flow].notna().any():
                _plot(ax, _series_x_annual(g["year"]), g, flow, FLOW_LABELS[flow],
                      FLOW_STYLE[flow])
        title = f"China–DPRK trade by year ({publisher})"
    years = data["year"] if not data.empty else pd.Series([2014, 2019])
    start = pd.Timestamp(int(years.min()), 1, 1)
    end = pd.Timestamp(int(years.max()), 12, 31)
    if highlight is not None:
        ax.axvspan(pd.Timestamp(int(highlight), 1, 1), pd.Timestamp(int(highlight), 12, 31),
                   color=OKABE_ITO["yellow"], alpha=0.3, label=f"Selected year {highlight}")
    mark_events(ax, start, end, res, vis)
    ax.set_xlim(start, end + pd.Timedelta(days=1))
    _date_ticks(ax, "year")
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.set_xlabel("Year (values plotted at mid-year)")
    ax.set_ylabel("Trade value (US$ million)")
    ax.grid(axis="y", color="#dddddd")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    pubs = [publisher] if publisher else sorted(data["publisher"].unique())
    source_note(ax, "Sources: " + "; ".join(PUBLISHER_NAMES.get(p, p) for p in pubs)
                 + ". Figures from different publishers use different bases.")
    return fig


def fmt_value(value: object) -> str:
    """Format a cell: whole numbers (years, resolutions) as is; figures with thousands
    separators and at most 2 decimals; missing values as "–"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        text = f"{float(value):,.2f}"
        return text[:-3] if text.endswith(".00") else text.rstrip("0")
    return str(value)


def _md_table(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(fmt_value(v) for v in row) + " |")
    return "\n".join(lines)


def annual_chart_text(
    publisher: str | None = None, flows: Sequence[str] = FLOWS, *,
    trade: pd.DataFrame | None = None,
) -> str:
    """Text alternative for :func:`annual_chart`: one sentence and a Markdown table."""
    data = annual(publisher, trade=trade)
    if data.empty:
        return "No annual trade figures for this selection."
    if publisher is None:
        table = data.pivot_table(index="year", columns="publisher", values="total")
        table = table.reset_index()
        table["year"] = table["year"].astype(int)
        table.columns = ["year", *[f"{c} total" for c in table.columns[1:]]]
        span = f"{int(data['year'].min())}–{int(data['year'].max())}"
        sentence = (
            f"Annual China–DPRK trade in US$ million, {span}, as reported by "
            f"{', '.join(sorted(data['publisher'].unique()))}; a dash means that "
            "publisher gave no figure for that year."
        )
        flagged = data[data["notes"].str.contains("Total", na=False)]
        if not flagged.empty:
            sentence += " Notes: " + "; ".join(
                f"{r.publisher} {r.year}: {r.notes}" for r in flagged.itertuples()
            ) + "."
    else:
        table = data[["year", *flows, "notes"]].rename(columns=FLOW_LABELS)
        g = data.dropna(subset=["total"])
        sentence = f"Annual China–DPRK trade in US$ million reported by {publisher}."
        if len(g) >= 2:
            a, b = g.iloc[-2], g.iloc[-1]
            pct = (b["total"] / a["total"] - 1) * 100
            sentence += (
                f" Total trade went from {a['total']:,.0f} in {int(a['year'])} to "
                f"{b['total']:,.0f} in {int(b['year'])} ({pct:+.0f}%, computed from these "
                "figures)."
            )
    return sentence + "\n\n" + _md_table(table)


def monthly_chart(
    publisher: str = "GAC",
    flows: Sequence[str] = FLOWS,
    *,
    trade: pd.DataFrame | None = None,
    resolutions: pd.DataFrame | None = None,
    visits: pd.DataFrame | None = None,
    highlight: pd.Timestamp | str | None = None,
):
    """Monthly China–DPRK trade (US$ million) with resolutions and Kim's visits marked."""
    from matplotlib.figure import Figure

    data = monthly(publisher, trade=trade)
    if not data.empty:  # one row per calendar month, so missing months break the lines
        months = pd.date_range(data["period"].min(), data["period"].max(), freq="MS")
        data = data.set_index("period").reindex(months).rename_axis("period").reset_index()
        data["year"] = data["period"].dt.year
    res = resolution_dates(resolutions)
    vis = visit_dates(visits)
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for flow in flows:
        _check_choice("flow", flow, FLOWS)
        if data[flow].notna().any():  # NaN months stay in, so gaps show as breaks
            _plot(ax, data["period"] + pd.Timedelta(days=14), data, flow, FLOW_LABELS[flow],
                  FLOW_STYLE[flow])
    if data.empty:
        start, end = pd.Timestamp("2017-01-01"), pd.Timestamp("2018-12-31")
    else:
        start = pd.Timestamp(int(data["year"].min()), 1, 1)
        end = pd.Timestamp(int(data["year"].max()), 12, 31)
    if highlight is not None:
        h = pd.Timestamp(highlight).to_period("M")
        ax.axvspan(h.start_time, h.end_time, color=OKABE_ITO["yellow"], alpha=0.4,
                   label=f"Selected month {h}")
    mark_events(ax, start, end, res, vis)
    ax.set_xlim(start, end + pd.Timedelta(days=1))
    _date_ticks(ax, "quarter")
    ax.set_ylim(bottom=0)
    ax.set_title(f"China–DPRK trade by month ({publisher}); gaps = month not in the data")
    ax.set_xlabel("Month")
    ax.set_ylabel("Trade value (US$ million)")
    ax.grid(axis="y", color="#dddddd")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    source_note(ax, f"Source: {PUBLISHER_NAMES.get(publisher, publisher)}, as reported "
                 "by news agencies (see the trade table's source column).")
    return fig


def monthly_chart_text(
    publisher: str = "GAC", flows: Sequence[str] = FLOWS, *,
    trade: pd.DataFrame | None = None,
) -> str:
    """Text alternative for :func:`monthly_chart`: one sentence and a Markdown table."""
    data = monthly(publisher, trade=trade)
    if data.empty:
        return f"No monthly trade figures from {publisher} in the data."
    table = data[["period", *flows, "notes"]].copy()
    table["period"] = table["period"].dt.strftime("%Y-%m")
    table = table.rename(columns={"period": "month", **FLOW_LABELS})
    sentence = (
        f"Monthly China–DPRK trade in US$ million reported by {publisher}: "
        f"{len(data)} months between {data['period'].min():%b %Y} and "
        f"{data['period'].max():%b %Y}; months not listed are missing from the data."
    )
    return sentence + "\n\n" + _md_table(table)
