"""Run axe-core (npm package, pinned in package.json) over notebook outputs and map iframes.

The scan of the JupyterLab page is scoped to the output areas (``.jp-OutputArea``): the
course is responsible for what its cells display, not for JupyterLab's own chrome. Map
iframes are separate documents, so axe is injected into each and run over its whole document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from e2e_js import js
from e2e_server import REPO
from playwright.sync_api import Frame, Page

AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT_SCOPE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea"
SERIOUS = ("serious", "critical")

# Violations that come from upstream code we cannot change from Python, each with its reason.
# Kept as narrow as possible: rule id plus a CSS class that must appear in every flagged element.
KNOWN_UPSTREAM: dict[tuple[str, str], str] = {
    ("aria-input-field-name", "noUi-handle"): (
        "ipywidgets 8.1 sliders (noUiSlider) give the handle no aria-label and do not expose "
        "noUiSlider's handleAttributes; the visible description label is checked instead"
    ),
}


@dataclass
class Violation:
    """One axe rule violated in one document (the page's outputs or a map iframe)."""

    where: str
    rule: str
    impact: str
    help: str
    help_url: str
    nodes: list[dict]

    @property
    def serious(self) -> bool:
        """True for axe's "serious" and "critical" impacts."""
        return self.impact in SERIOUS

    @property
    def upstream(self) -> str:
        """The reason when every flagged element is a known upstream problem, else ""."""
        for (rule, css_class), reason in KNOWN_UPSTREAM.items():
            if self.rule == rule and all(css_class in n["html"] for n in self.nodes):
                return reason
        return ""

    def one_line(self) -> str:
        """Impact, rule, place and count on one line (for findings that do not fail)."""
        count = len(self.nodes)
        return f"[{self.impact}] {self.rule} in {self.where}: {self.help} ({count} element(s))"

    def describe(self, max_nodes: int = 3) -> str:
        """Readable several-line description with the first offending elements."""
        lines = [f"[{self.impact}] {self.rule} in {self.where}: {self.help} ({self.help_url})"]
        for node in self.nodes[:max_nodes]:
            lines.append(f"    at {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
        if len(self.nodes) > max_nodes:
            lines.append(f"    … and {len(self.nodes) - max_nodes} more element(s)")
        return "\n".join(lines)


def axe_available() -> bool:
    """True when ``npm ci`` has installed axe-core."""
    return AXE_JS.is_file()


def _scan(target: Page | Frame, where: str, include: str | None) -> list[Violation]:
    if not target.evaluate("() => typeof axe !== 'undefined'"):
        target.add_script_tag(path=str(AXE_JS))
    result = target.evaluate(js("run-axe"), [include])
    return [
        Violation(where, v["id"], v["impact"] or "unknown", v["help"], v["helpUrl"], v["nodes"])
        for v in result["violations"]
    ]


def scan_outputs(page: Page, frames: list[tuple[int, Frame]]) -> list[Violation]:
    """Violations in the notebook's output areas and in each map iframe."""
    found = _scan(page, "notebook outputs", OUTPUT_SCOPE)
    for cell, frame in frames:
        found += _scan(frame, f"map iframe in cell {cell}", None)
    return found


def describe_all(violations: list[Violation]) -> str:
    """All violations, one block each."""
    return "\n".join(v.describe() for v in violations) or "(none)"


def axe_version() -> str:
    """The axe-core version installed in node_modules (for the report)."""
    pkg = Path(AXE_JS).parent / "package.json"
    if not pkg.is_file():
        return "not installed"
    import json

    return json.loads(pkg.read_text())["version"]
