"""ipywidgets explorers for the sanctions and trade lessons.

All logic lives here, not in notebook cells. Results are written into ``HTML`` and ``Label``
widgets (not ``Output``), so setting any control's ``.value`` updates the outputs at once,
also in plain pytest. Charts are matplotlib figures rendered to PNG and shown in an
``<img>`` with alt text, followed by a full text alternative.

Speed: each chart is drawn and encoded once per choice of source; moving the date only
rewrites a small SVG overlay (the date marker or highlighted period) on top of the PNG.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable

import ipywidgets as widgets
import pandas as pd

from peninsula import sanctions as sx
from peninsula import trade as tr

LABEL_STYLE = {"description_width": "initial"}


# --------------------------------------------------------------------- helpers
def html_table(frame: pd.DataFrame, caption: str, *, max_rows: int | None = None) -> str:
    """An accessible HTML table (caption, header cells with scope) for ``frame``."""
    shown = frame if max_rows is None else frame.head(max_rows)
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in shown.columns)
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for v in row:
            text = f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else tr.fmt_value(v)
            cells.append(f"<td>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = f"<p>… and {len(frame) - max_rows} more rows.</p>"
    return (
        '<table class="peninsula-table" style="border-collapse:collapse">'
        f"<caption style='text-align:left;font-weight:bold'>{html.escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"
    )


def scroll_box(content: str, label: str, height: str = "22em") -> str:
    """Wrap ``content`` in a labelled region that scrolls and can take keyboard focus."""
    return (
        f'<div role="region" aria-label="{html.escape(label)}" tabindex="0" '
        f'style="max-height:{height};overflow:auto;border:1px solid #999;padding:2px">'
        f"{content}</div>"
    )


def _markdown_to_html(text: str, caption: str) -> str:
    """Turn the 'sentence + Markdown table' text alternatives into HTML."""
    parts = text.split("\n\n", 1)
    out = f"<p>{html.escape(parts[0])}</p>"
    if len(parts) == 2:
        lines = [ln for ln in parts[1].splitlines() if ln.startswith("|")]
        rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines]
        if len(rows) >= 2:
            frame = pd.DataFrame(rows[2:], columns=rows[0])
            out += html_table(frame, caption)
    return out


class OverlayChart:
    """A figure rendered to PNG once, with marks drawn over it as SVG.

    Moving a date marker or a highlighted period then only changes a few characters of
    SVG: the PNG is never re-encoded. ``x_px`` maps a date to the image's pixel column.
    """

    def __init__(self, figure, *, dpi: int = 80) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure.set_dpi(dpi)
        canvas = FigureCanvasAgg(figure)
        buf = io.BytesIO()
        canvas.print_png(buf)  # draws the figure at ``dpi``; the layout is now fixed
        self.width, self.height = canvas.get_width_height()
        self.png = buf.getvalue()
        self._b64 = base64.b64encode(self.png).decode("ascii")
        self.ax = figure.axes[0]
        box = self.ax.get_window_extent()
        self.top, self.bottom = self.height - box.y1, self.height - box.y0
        self.left, self.right = box.x0, box.x1

    def x_px(self, when: pd.Timestamp) -> float:
        """Pixel column of date ``when``, clipped to the plotting area."""
        import matplotlib.dates as mdates

        x = float(self.ax.transData.transform((mdates.date2num(when), 0))[0])
        return min(max(x, self.left), self.right)

    def vline(self, when: pd.Timestamp, color: str = "#000000") -> str:
        """SVG for a vertical line at ``when`` across the plotting area."""
        x = self.x_px(when)
        return (f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{self.top:.1f}" '
                f'y2="{self.bottom:.1f}" stroke="{color}" stroke-width="2.5"/>')

    def band(self, start: pd.Timestamp, end: pd.Timestamp, color: str) -> str:
        """SVG for a translucent band from ``start`` to ``end`` with an outline."""
        x0, x1 = self.x_px(start), self.x_px(end)
        return (f'<rect class="highlight" x="{x0:.1f}" y="{self.top:.1f}" '
                f'width="{max(x1 - x0, 1):.1f}" height="{self.bottom - self.top:.1f}" '
                f'fill="{color}" fill-opacity="0.3" stroke="#000000" stroke-dasharray="4 2"/>')

    def html(self, alt: str, overlay: str = "") -> str:
        """The image (with ``alt`` text) and the SVG ``overlay`` stacked in one box."""
        w, h = self.width, self.height
        return (
            f'<div style="position:relative;display:inline-block;max-width:100%">'
            f'<img src="data:image/png;base64,{self._b64}" alt="{html.escape(alt)}" '
            f'width="{w}" height="{h}" style="display:block;max-width:100%;height:auto">'
            f'<svg viewBox="0 0 {w} {h}" preserveAspectRatio="none" aria-hidden="true" '
            f'focusable="false" style="position:absolute;left:0;top:0;width:100%;height:100%;'
            f'pointer-events:none">{overlay}</svg></div>'
        )


def _month_options(start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[str, pd.Timestamp]]:
    """(label, last day of month) pairs from ``start``'s month to ``end``'s month."""
    months = pd.period_range(start, end, freq="M")
    return [(f"{p:%b %Y}", min(p.end_time.normalize(), end)) for p in months]


def _pretty(slug: str) -> str:
    return slug.replace("_", " ")


# --------------------------------------------------------------- sanctions UI
class SanctionsExplorer(widgets.VBox):
    """Explore which UN measures applied on a date, the oil caps and each resolution's changes.

    Controls: ``date_slider`` (months 2006-10 … 2024-12; the date used is the month's last
    day), ``resolution_dropdown`` and ``category_boxes`` (a dict slug → Checkbox).
    Outputs: ``table_html`` (measures in force), ``chart_html`` (cap chart with the date
    marked, alt text), ``chart_text`` (its text alternative), ``changes_html`` (what the
    chosen resolution changed since the previous one) and ``summary`` (a one-line Label).
    """

    def __init__(self, model: sx.SanctionsModel | None = None, *,
                 chart_start: str = "2016-01-01", chart_end: str = "2019-12-31") -> None:
        self.model = model if model is not None else sx.SanctionsModel.from_data()
        m = self.model
        self._syncing = False
        self._chart_range = (m.check_date(chart_start), m.check_date(chart_end))

        options = _month_options(m.start, m.end)
        self.date_slider = widgets.SelectionSlider(
            options=options, value=options[-1][1], description="Date (end of month)",
            continuous_update=False, style=LABEL_STYLE, description_allow_html=False,
            layout=widgets.Layout(width="95%"),
            tooltip="Choose a month; measures in force on its last day are listed",
        )
        adopted = m.resolutions.set_index("resolution")["adopted"]
        self.resolution_dropdown = widgets.Dropdown(
            options=[(f"{int(r)} (adopted {adopted[r]:%d %b %Y})", int(r))
                     for r in m.resolution_numbers],
            value=m.resolution_numbers[-1], description="Resolution",
            style=LABEL_STYLE, description_allow_html=False,
            tooltip="Choose a resolution to see what it changed",
        )
        self.category_boxes = {
            c: widgets.Checkbox(value=True, description=_pretty(c), indent=False,
                                description_allow_html=False,
                                tooltip=f"Show measures on {_pretty(c)}")
            for c in m.categories
        }
        self.all_box = widgets.Checkbox(value=True, description="all categories",
                                        indent=False, description_allow_html=False,
                                        tooltip="Tick or untick every category at once")

        self.summary = widgets.Label(value="", description_allow_html=False)
        self.table_html = widgets.HTML()
        self.chart_html = widgets.HTML()
        self.chart_text = widgets.HTML()
        self.changes_html = widgets.HTML()

        self._chart = self._build_chart()

        self.date_slider.observe(self._on_date, names="value")
        self.resolution_dropdown.observe(self._on_resolution, names="value")
        for box in self.category_boxes.values():
            box.observe(self._on_categories, names="value")
        self.all_box.observe(self._on_all, names="value")

        heading = widgets.HTML(
            "<h3 id='sanctions-explorer'>Sanctions explorer</h3>"
            "<p>Use the date slider (arrow keys move one month), the resolution menu and "
            "the category tick boxes. The table, chart, text alternative and list of "
            "changes update at once.</p>"
        )
        boxes = widgets.GridBox(
            [self.all_box, *self.category_boxes.values()],
            layout=widgets.Layout(grid_template_columns="repeat(4, 25%)"),
        )
        super().__init__([
            heading,
            self.date_slider,
            self.resolution_dropdown,
            widgets.HTML("<b id='cat-label'>Categories shown in the table</b>"),
            boxes,
            self.summary,
            self.table_html,
            self.chart_html,
            self.chart_text,
            self.changes_html,
        ])
        self._refresh_date()
        self._refresh_changes()

    # -------------------------------------------------------------- properties
    @property
    def date(self) -> pd.Timestamp:
        """The date currently shown (last day of the chosen month)."""
        return self.date_slider.value

    @property
    def selected_categories(self) -> list[str]:
        """Ticked categories."""
        return [c for c, box in self.category_boxes.items() if box.value]

    # ------------------------------------------------------------------- chart
    def _build_chart(self) -> OverlayChart:
        t0, t1 = self._chart_range
        fig = sx.cap_chart(self.model, sx.CAP_CATEGORIES, t0, t1)
        self._chart_text_value = sx.cap_chart_text(self.model, sx.CAP_CATEGORIES, t0, t1)
        return OverlayChart(fig)

    def _render_chart(self) -> None:
        t0, t1 = self._chart_range
        d = self.date
        inside = t0 <= d <= t1
        overlay = self._chart.vline(d) if inside else ""
        caps = [self.model.cap_on(c, d) for c in sx.CAP_CATEGORIES]
        words = "; ".join(
            f"{_pretty(c)}: {'no cap' if cap is None else cap}"
            for c, cap in zip(sx.CAP_CATEGORIES, caps, strict=True)
        )
        where = (f"the black line marks {d:%d %b %Y}" if inside
                 else f"{d:%d %b %Y} is outside the chart's range {t0:%Y}–{t1:%Y}")
        alt = f"Step chart of UN caps on oil supplied to the DPRK, {t0:%Y}–{t1:%Y}; {where}. " \
              f"Caps on that date: {words}."
        self.chart_html.value = self._chart.html(alt, overlay)
        self.chart_text.value = (
            "<details><summary>Text alternative for the chart</summary><p>"
            + "<br>".join(html.escape(ln) for ln in self._chart_text_value.splitlines())
            + f"</p><p>{html.escape('On ' + f'{d:%d %b %Y}: ' + words)}.</p></details>"
        )

    # ------------------------------------------------------------------ events
    def _refresh_date(self) -> None:
        d = self.date
        table = self.model.in_force(d, self.selected_categories)
        shown = table[["resolution", "paragraph", "category", "description", "source"]]
        self.table_html.value = scroll_box(html_table(
            shown, f"Measures in force on {d:%d %b %Y} ({len(table)} in the chosen categories)"
        ), "Measures in force")
        self.summary.value = (
            f"{d:%d %b %Y}: {len(table)} measures in force in the chosen categories; "
            f"latest resolution {self.model.latest_resolution(d)}."
        )
        self._render_chart()

    def _refresh_changes(self) -> None:
        r = self.resolution_dropdown.value
        prev = self.model.previous_resolution(r)
        table = self.model.changes_with(r)
        cols = ["change", "paragraph", "kind", "category", "description", "replaced_by"]
        since = f"since resolution {prev}" if prev else "(the first resolution)"
        self.changes_html.value = (
            f"<h4>What resolution {r} changed {html.escape(since)}</h4>"
            + html_table(table[cols], f"Resolution {r}: new measures and measures it replaced")
        )

    def _on_date(self, change) -> None:
        self._refresh_date()
        if self._syncing:
            return
        latest = self.model.latest_resolution(self.date)
        if latest != self.resolution_dropdown.value:
            self._syncing = True
            try:
                self.resolution_dropdown.value = latest
            finally:
                self._syncing = False

    def _on_resolution(self, change) -> None:
        self._refresh_changes()
        if self._syncing:
            return
        adopted = self.model.resolutions.set_index("resolution").at[change["new"], "adopted"]
        target = next(v for _, v in self.date_slider.options if v >= adopted)
        self._syncing = True
        try:
            self.date_slider.value = target
        finally:
            self._syncing = False

    def _on_categories(self, change) -> None:
        if not self._syncing:
            self._refresh_date()

    def _on_all(self, change) -> None:
        self._syncing = True
        try:
            for box in self.category_boxes.values():
                box.value = change["new"]
        finally:
            self._syncing = False
        self._refresh_date()


# ------------------------------------------------------------------- trade UI
class TradeExplorer(widgets.VBox):
    """Explore China–DPRK trade by year or month, from different publishers.

    Controls: ``mode_toggle`` ("annual"/"monthly"), ``source_dropdown`` (a publisher, or
    "all" for annual totals from every publisher) and ``period_slider`` (highlights a year
    or month). Outputs: ``chart_html`` (PNG with alt text), ``text_html`` (text
    alternative: a sentence and a table) and ``summary`` (values for the highlighted period).
    """

    ALL = "all"

    def __init__(self, trade: pd.DataFrame | None = None,
                 resolutions: pd.DataFrame | None = None,
                 visits: pd.DataFrame | None = None) -> None:
        from peninsula import data

        self.trade = tr.trade_table(trade)
        self.resolutions = resolutions if resolutions is not None else data.load("resolutions")
        self.visits = visits if visits is not None else data.load("visits")
        self._syncing = False
        self._cache: dict[tuple[str, str], tuple[OverlayChart, str]] = {}
        self._frames: dict[tuple[str, str], pd.DataFrame] = {}

        self.mode_toggle = widgets.ToggleButtons(
            options=[("Annual", "annual"), ("Monthly", "monthly")], value="annual",
            description="Time step", style=LABEL_STYLE, description_allow_html=False,
            tooltips=["One value per year", "One value per month (GAC)"],
        )
        self.source_dropdown = widgets.Dropdown(
            description="Source", style=LABEL_STYLE, description_allow_html=False,
            tooltip="Who published the figures",
        )
        self.period_slider = widgets.SelectionSlider(
            options=[("–", "")], description="Highlight", style=LABEL_STYLE,
            description_allow_html=False, continuous_update=False,
            layout=widgets.Layout(width="95%"), tooltip="Period to highlight and read out",
        )
        self.summary = widgets.Label(value="")
        self.chart_html = widgets.HTML()
        self.text_html = widgets.HTML()

        self._set_sources()
        self._set_periods()
        self.mode_toggle.observe(self._on_mode, names="value")
        self.source_dropdown.observe(self._on_source, names="value")
        self.period_slider.observe(self._on_period, names="value")
        heading = widgets.HTML(
            "<h3>Trade explorer</h3><p>Choose annual or monthly figures and a source; "
            "the slider highlights one period. Dashed lines mark UN resolutions, green "
            "bands and stars Kim Jong-un's visits to China.</p>"
        )
        super().__init__([heading, self.mode_toggle, self.source_dropdown, self.period_slider,
                          self.summary, self.chart_html, self.text_html])
        self._refresh()

    # ---------------------------------------------------------------- options
    def _set_sources(self) -> None:
        self._syncing = True
        try:
            if self.mode_toggle.value == "annual":
                pubs = [p for p in tr.publishers(self.trade)
                        if not tr.annual(p, trade=self.trade).empty]
                opts = [("All sources (totals)", self.ALL)] + [(p, p) for p in pubs]
                default = "GAC" if "GAC" in pubs else self.ALL
            else:
                pubs = [p for p in tr.publishers(self.trade)
                        if not tr.monthly(p, trade=self.trade).empty]
                opts = [(p, p) for p in pubs]
                default = "GAC" if "GAC" in pubs else pubs[0]
            current = self.source_dropdown.value
            self.source_dropdown.options = opts
            values = [v for _, v in opts]
            self.source_dropdown.value = current if current in values else default
        finally:
            self._syncing = False

    def _frame(self) -> pd.DataFrame:
        """The figures for the current mode and source (computed once, then reused)."""
        key = (self.mode_toggle.value, self.source_dropdown.value)
        if key not in self._frames:
            src = key[1]
            if key[0] == "annual":
                self._frames[key] = tr.annual(None if src == self.ALL else src, trade=self.trade)
            else:
                self._frames[key] = tr.monthly(src, trade=self.trade)
        return self._frames[key]

    def _set_periods(self) -> None:
        frame = self._frame()
        if self.mode_toggle.value == "annual":
            years = sorted(frame["year"].unique())
            opts = [(str(y), str(y)) for y in years]
        else:
            opts = [(f"{p:%b %Y}", f"{p:%Y-%m}") for p in frame["period"]]
        opts = opts or [("–", "")]
        self._syncing = True
        try:
            old = self.period_slider.value
            self.period_slider.options = opts
            values = [v for _, v in opts]
            self.period_slider.value = old if old in values else values[-1]
        finally:
            self._syncing = False

    # ------------------------------------------------------------------ chart
    def _chart(self) -> tuple[OverlayChart, str]:
        key = (self.mode_toggle.value, self.source_dropdown.value)
        if key in self._cache:
            return self._cache[key]
        src = self.source_dropdown.value
        kw = {"trade": self.trade, "resolutions": self.resolutions, "visits": self.visits}
        if key[0] == "annual":
            pub = None if src == self.ALL else src
            fig = tr.annual_chart(pub, **kw)
            text = tr.annual_chart_text(pub, trade=self.trade)
        else:
            fig = tr.monthly_chart(src, **kw)
            text = tr.monthly_chart_text(src, trade=self.trade)
        self._cache[key] = (OverlayChart(fig), text)
        return self._cache[key]

    @property
    def period(self) -> pd.Timestamp | None:
        """Start of the highlighted year or month (None if there is none)."""
        value = self.period_slider.value
        return pd.Timestamp(value) if value else None

    def _period_bounds(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        p = self.period
        if p is None:
            return None
        if self.mode_toggle.value == "annual":
            return pd.Timestamp(p.year, 1, 1), pd.Timestamp(p.year + 1, 1, 1)
        return p, p + pd.offsets.MonthBegin(1)

    def _render(self) -> None:
        chart, text = self._chart()
        bounds = self._period_bounds()
        overlay = "" if bounds is None else chart.band(*bounds, tr.OKABE_ITO["yellow"])
        first = text.split("\n\n", 1)[0]
        label = self.period_slider.label
        alt = f"Line chart. {first} Highlighted period: {label}."
        self.chart_html.value = chart.html(alt, overlay)
        self.text_html.value = (
            "<details><summary>Text alternative for the chart</summary>"
            + _markdown_to_html(text, "Figures shown in the chart (US$ million)")
            + "</details>"
        )

    def _summarise(self) -> None:
        p = self.period
        frame = self._frame()
        if p is None or frame.empty:
            self.summary.value = "No figures for this selection."
            return
        if self.mode_toggle.value == "annual":
            rows = frame[frame["year"] == p.year]
        else:
            rows = frame[frame["period"] == p]
        parts = []
        for _, r in rows.iterrows():
            vals = ", ".join(
                f"{tr.FLOW_LABELS[f]} {tr.fmt_value(r[f])}" for f in tr.FLOWS if pd.notna(r[f])
            )
            who = r["publisher"] if "publisher" in r else self.source_dropdown.value
            parts.append(f"{who}: {vals}")
        self.summary.value = (
            f"{self.period_slider.label} (US$ million) — " + "; ".join(parts)
        )

    def _refresh(self) -> None:
        self._render()
        self._summarise()

    # ----------------------------------------------------------------- events
    def _on_mode(self, change) -> None:
        self._set_sources()
        self._set_periods()
        self._refresh()

    def _on_source(self, change) -> None:
        if self._syncing:
            return
        self._set_periods()
        self._refresh()

    def _on_period(self, change) -> None:
        if self._syncing:
            return
        self._refresh()


def explorers(which: Iterable[str] = ("sanctions", "trade")) -> list[widgets.Widget]:
    """Build the named explorers (for a quick start in a notebook)."""
    made = {"sanctions": SanctionsExplorer, "trade": TradeExplorer}
    return [made[w]() for w in which]
