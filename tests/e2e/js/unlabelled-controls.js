// Widget controls (sliders, dropdowns, toggle buttons, text boxes) without a visible description label.
() => {
  const controls = '.widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-text, '
    + '.widget-select, .widget-radio, .widget-datepicker';
  const found = [];
  const outputs = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea');
  outputs.forEach(area => area.querySelectorAll(controls).forEach(w => {
    const label = w.querySelector(':scope > .widget-label');
    const text = (label ? label.innerText : '').replace(/\u200b/g, '').trim();
    if (!text && !w.getAttribute('aria-label')) {
      found.push(`${w.className.replace(/\s+/g, ' ')}: ${w.innerText.slice(0, 60)}`);
    }
  }));
  return found;
}
