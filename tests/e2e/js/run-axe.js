// Run axe-core over the elements matching include (or the whole document); keep violations.
async ([include]) => {
  const context = include ? {include: [...document.querySelectorAll(include)]} : document;
  if (include && context.include.length === 0) return {violations: [], empty: true};
  const r = await axe.run(context, {resultTypes: ['violations'], iframes: false});
  return {
    empty: false,
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                summary: (n.failureSummary || '').slice(0, 300)})),
    })),
  };
}
