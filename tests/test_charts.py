"""Charts are displayed with their text alternative as alt text and as a visible caption."""

from __future__ import annotations

import re

import pytest
from matplotlib.figure import Figure

from peninsula.charts import AccessibleChart, with_alt


def _figure() -> Figure:
    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([1, 2, 3], [3, 1, 2])
    return fig


def test_html_has_image_with_alt_and_caption() -> None:
    page = with_alt(_figure(), 'Trade fell by "half" <2018>')._repr_html_()
    img = re.search(r"<img [^>]*>", page).group(0)
    assert 'src="data:image/png;base64,' in img
    assert 'alt="Trade fell by &quot;half&quot; &lt;2018&gt;"' in img
    assert "<figcaption" in page and "Trade fell by" in page.split("<figcaption", 1)[1]


def test_markdown_table_in_text_becomes_an_html_table() -> None:
    text = "Trade by year.\n\n| year | total |\n|---|---|\n| 2017 | 5060 |\n| 2018 | 2430 |"
    page = with_alt(_figure(), text)._repr_html_()
    caption = page.split("<figcaption", 1)[1]
    assert '<th scope="col">year</th>' in caption
    assert "<td>2018</td><td>2430</td>" in caption
    assert "|---|" not in caption and "---" not in caption
    assert "tex2jax_ignore" in page


def test_png_is_a_png() -> None:
    assert AccessibleChart(_figure(), "a line").png().startswith(b"\x89PNG")


def test_refuses_missing_alt_or_non_figure() -> None:
    with pytest.raises(ValueError, match="text alternative"):
        with_alt(_figure(), "  ")
    with pytest.raises(TypeError, match="matplotlib Figure"):
        with_alt("not a figure", "alt")  # type: ignore[arg-type]


def test_lesson_charts_are_shown_with_alt_text() -> None:
    """Lessons display charts through with_alt (JupyterLab adds no alt to bare figures)."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "lessons").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            calls = re.findall(r"\.(?:cap_chart|annual_chart|monthly_chart)\(", source)
            wrapped = re.findall(r"with_alt\(", source)
            assert len(wrapped) >= len(calls), (
                f"{path.name}: show charts with charts.with_alt(...):\n{source}"
            )
