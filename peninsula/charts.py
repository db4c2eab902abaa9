"""Show a matplotlib chart with its text alternative, so screen readers get the same facts.

JupyterLab shows a bare figure as an ``<img>`` without ``alt`` text. :class:`AccessibleChart`
renders the figure as HTML instead: the image carries the text alternative as ``alt``, and the
same text stands under it as a caption that everyone can read.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from matplotlib.figure import Figure


@dataclass(frozen=True)
class AccessibleChart:
    """A figure and its text alternative, displayed together in a notebook."""

    figure: Figure
    alt: str
    dpi: int = 100

    def __post_init__(self) -> None:
        if not isinstance(self.figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, not {type(self.figure).__name__}")
        if not self.alt or not self.alt.strip():
            raise ValueError("a chart needs a text alternative: pass a non-empty alt text")

    def png(self) -> bytes:
        """The figure as PNG bytes."""
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.dpi)
        return buffer.getvalue()

    def _repr_html_(self) -> str:
        encoded = base64.b64encode(self.png()).decode("ascii")
        alt = html.escape(" ".join(self.alt.split()), quote=True)
        # tex2jax_ignore: "US$ ... US$" in a caption must not be typeset as mathematics.
        return (
            '<figure style="margin:0">'
            f'<img src="data:image/png;base64,{encoded}" alt="{alt}" '
            'style="max-width:100%;height:auto">'
            '<figcaption class="tex2jax_ignore mathjax_ignore" '
            'style="font-size:0.9em;margin-top:0.3em">'
            f"<strong>Text version:</strong> {caption_html(self.alt)}</figcaption></figure>"
        )


def _table_html(rows: list[str]) -> str:
    cells = [[html.escape(c.strip()) for c in row.strip().strip("|").split("|")] for row in rows]
    body = [r for r in cells[1:] if not all(set(c) <= set("-: ") for c in r)]
    head = "".join(f'<th scope="col">{c}</th>' for c in cells[0])
    lines = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>"


def caption_html(text: str) -> str:
    """Render a text alternative as HTML: Markdown-style ``| a | b |`` tables become tables."""
    parts: list[str] = []
    table: list[str] = []
    for line in text.strip().splitlines():
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if table:
            parts.append(_table_html(table))
            table = []
        if line.strip():
            parts.append(html.escape(line.strip()))
    if table:
        parts.append(_table_html(table))
    return "<br>".join(parts)


def with_alt(figure: Figure, alt: str) -> AccessibleChart:
    """Pair ``figure`` with its text alternative for display (see :class:`AccessibleChart`)."""
    return AccessibleChart(figure, alt)
