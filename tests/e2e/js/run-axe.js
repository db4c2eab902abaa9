// Run axe-core over the elements matching include (or the whole document); keep violations.
// Each flagged element is named by the notebook cell it sits in and its last selector step.
async ([include]) => {
  const context = include ? {include: [...document.querySelectorAll(include)]} : document;
  if (include && context.include.length === 0) return {violations: [], empty: true};
  const r = await axe.run(context, {resultTypes: ['violations'], iframes: false});
  const where = target => {
    const selector = target.join(' ');
    let el = null;
    try { el = document.querySelector(selector); } catch (e) { /* selector of another frame */ }
    const cell = el && el.closest('.jp-Cell');
    const index = cell ? [...cell.parentElement.children].indexOf(cell) : -1;
    const last = selector.split(' > ').slice(-2).join(' > ');
    return index >= 0 ? `cell ${index}: ${last}` : last;
  };
  return {
    empty: false,
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: where(n.target), html: n.html.slice(0, 160),
                                summary: (n.failureSummary || '').slice(0, 300)})),
    })),
  };
}
