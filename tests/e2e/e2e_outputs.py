"""Inspect rendered outputs in the browser: folium maps, the trust prompt, ipywidgets.

Widgets are found by their label text and role, never by their position on the page.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from e2e_js import js
from playwright.sync_api import ElementHandle, Frame, Locator, Page

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
OUTPUT_IFRAMES = f"{NOTEBOOK} .jp-OutputArea-output iframe"
FOLIUM_MAP = ".folium-map.leaflet-container"
TRUST_TEXT = "Make this Notebook Trusted"
ALL_BOX = re.compile(r"^(all|select all|none)\b", re.IGNORECASE)  # not a category of its own


@dataclass
class MapReport:
    """What one map iframe rendered."""

    cell: int
    rendered: bool
    height: float
    stats: dict = field(default_factory=dict)
    error: str = ""

    @property
    def marker_count(self) -> int:
        """Markers in the map model (circle markers and icon markers)."""
        return int(self.stats.get("circleMarkers", 0)) + int(self.stats.get("markers", 0))


def _cell_index(handle: ElementHandle) -> int:
    return handle.evaluate(js("cell-index"))


def map_reports(page: Page, timeout_s: float = 20.0) -> list[MapReport]:
    """Wait for every map iframe in the outputs to render Leaflet; report what each shows."""
    reports = []
    for handle in page.query_selector_all(OUTPUT_IFRAMES):
        srcdoc = handle.get_attribute("srcdoc") or ""
        if "leaflet" not in srcdoc.lower():
            continue  # not a map
        cell = _cell_index(handle)
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box() or {"height": 0}
        frame: Frame | None = handle.content_frame()
        if frame is None:
            reports.append(MapReport(cell, False, box["height"], error="iframe has no frame"))
            continue
        try:
            frame.wait_for_selector(FOLIUM_MAP, state="attached", timeout=timeout_s * 1000)
            frame.wait_for_function("() => typeof L !== 'undefined'", timeout=timeout_s * 1000)
            frame.wait_for_timeout(300)  # let Leaflet draw the vector layers
            stats = frame.evaluate(js("leaflet-stats"))
            reports.append(MapReport(cell, True, box["height"], stats))
        except Exception as err:  # noqa: BLE001 - reported, then asserted by the test
            reports.append(MapReport(cell, False, box["height"], error=str(err).splitlines()[0]))
    return reports


def map_frames(page: Page) -> list[tuple[int, Frame]]:
    """(cell index, frame) for every map iframe in the outputs."""
    found = []
    for handle in page.query_selector_all(OUTPUT_IFRAMES):
        if "leaflet" in (handle.get_attribute("srcdoc") or "").lower():
            frame = handle.content_frame()
            if frame is not None:
                found.append((_cell_index(handle), frame))
    return found


def trust_prompts(page: Page) -> list[dict]:
    """Every "Make this Notebook Trusted" text in the outputs and whether a map covers it."""
    return page.evaluate(js("trust-prompts"), TRUST_TEXT)


# ----------------------------------------------------------------------------- widgets


@dataclass
class Interaction:
    """One action on a widget and whether the widget's output changed."""

    kind: str
    label: str
    cell: int
    changed: bool
    detail: str = ""

    def __str__(self) -> str:
        verdict = "changed the output" if self.changed else "did NOT change the output"
        return f"{self.kind} {self.label!r} (cell {self.cell}) {verdict}{self.detail}"


def widget_errors(page: Page) -> list[str]:
    """Texts of widget views that failed to render."""
    return page.evaluate(js("widget-errors"))


def unlabelled_controls(page: Page) -> list[str]:
    """Widget controls that show no description label (screen readers need one too)."""
    return page.evaluate(js("unlabelled-controls"))


def _signature(cell: ElementHandle) -> str:
    return cell.evaluate(js("widget-signature"))


def _wait_changed(cell: ElementHandle, before: str, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _signature(cell) != before:
            return True
        time.sleep(0.1)
    return False


def _label_of(container: Locator) -> str:
    labels = container.locator(".widget-label")
    text = labels.first.inner_text().strip() if labels.count() else ""
    return text or (container.get_attribute("title") or "")


def _cell_of(locator: Locator) -> ElementHandle:
    return locator.element_handle().evaluate_handle("e => e.closest('.jp-Cell')").as_element()


def _index(cell: ElementHandle) -> int:
    return cell.evaluate("c => [...c.parentElement.children].indexOf(c)")


def _readout(box: Locator) -> str:
    readout = box.locator(".widget-readout")
    return readout.first.inner_text() if readout.count() else ""


def move_sliders(page: Page, first: re.Pattern, timeout_s: float = 10.0) -> list[Interaction]:
    """Move every labelled slider with the keyboard (End, else Home); ``first`` ones go first.

    Unlabelled sliders are left alone (the accessibility test reports them).
    """
    sliders = page.locator(f"{NOTEBOOK} .jp-OutputArea .widget-slider")
    boxes = [(sliders.nth(i), _label_of(sliders.nth(i))) for i in range(sliders.count())]
    boxes.sort(key=lambda pair: not first.search(pair[1]))
    done = []
    for box, text in boxes:
        if not text.replace("\u200b", "").strip():
            continue
        cell = _cell_of(box)
        before_value = _readout(box)
        before = _signature(cell)
        box.locator(".noUi-handle").first.focus()
        for key in ("End", "Home"):
            page.keyboard.press(key)
            page.wait_for_timeout(200)
            if _readout(box) != before_value:
                break
        after_value = _readout(box)
        changed = _wait_changed(cell, before, timeout_s)
        detail = f" (readout {before_value!r} -> {after_value!r})"
        done.append(Interaction("slider", text, _index(cell), changed, detail))
    return done


def click_checkbox(
    page: Page, skip: re.Pattern | None = ALL_BOX, tries: int = 3, timeout_s: float = 10.0
) -> list[Interaction]:
    """Click labelled checkboxes (by their accessible name) until one changes the output."""
    boxes = page.locator(NOTEBOOK).get_by_role("checkbox")
    done: list[Interaction] = []
    for i in range(boxes.count()):
        box = boxes.nth(i)
        container = box.locator("xpath=ancestor::div[contains(@class,'widget-checkbox')][1]")
        text = container.inner_text() if container.count() else ""
        name = text.replace("\u200b", "").strip() or (box.get_attribute("aria-label") or "")
        if not name or (skip and skip.search(name)):
            continue
        cell = _cell_of(box)
        before = _signature(cell)
        box.click()
        changed = _wait_changed(cell, before, timeout_s)
        done.append(Interaction("checkbox", name, _index(cell), changed))
        if changed or len(done) >= tries:
            break
    return done


def pick_toggle(page: Page, timeout_s: float = 10.0) -> list[Interaction]:
    """For each ToggleButtons group, click a button that is not selected."""
    groups = page.locator(f"{NOTEBOOK} .widget-toggle-buttons")
    done = []
    for i in range(groups.count()):
        group = groups.nth(i)
        idle = group.locator("button:not(.mod-active)")
        if not idle.count():
            continue
        button = idle.first
        name = button.inner_text().strip() or (button.get_attribute("title") or "")
        cell = _cell_of(group)
        before = _signature(cell)
        button.click()
        done.append(
            Interaction(
                "toggle",
                f"{_label_of(group)}: {name}",
                _index(cell),
                _wait_changed(cell, before, timeout_s),
            )
        )
    return done


def pick_dropdown(page: Page, timeout_s: float = 10.0) -> list[Interaction]:
    """For each Dropdown, choose another option than the current one."""
    selects = page.locator(f"{NOTEBOOK} .widget-dropdown select")
    done = []
    for i in range(selects.count()):
        select = selects.nth(i)
        options = select.locator("option")
        values = [options.nth(j).get_attribute("value") for j in range(options.count())]
        current = select.input_value()
        others = [v for v in values if v != current]
        if not others:
            continue
        container = select.locator("xpath=ancestor::div[contains(@class,'widget-dropdown')][1]")
        label = _label_of(container)
        cell = _cell_of(select)
        before = _signature(cell)
        select.select_option(others[-1])
        done.append(
            Interaction(
                "dropdown",
                f"{label}: {others[-1]}",
                _index(cell),
                _wait_changed(cell, before, timeout_s),
            )
        )
    return done
