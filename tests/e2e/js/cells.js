// Every cell of the current notebook with its execution count and a digest of its outputs.
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const asText = t => Array.isArray(t) ? t.join('') : (typeof t === 'string' ? t : '');
  return w.content.widgets.map((cell, index) => {
    const m = cell.model;
    const source = m.sharedModel.getSource();
    const info = {index, type: m.type, source, trusted: !!m.trusted, executionCount: null, outputs: []};
    if (m.type === 'code') {
      info.executionCount = m.executionCount;
      info.outputs = m.outputs.toJSON().map(o => ({
        type: o.output_type,
        name: o.name || null,
        ename: o.ename || null,
        evalue: o.evalue || null,
        traceback: (o.traceback || []).join('\n').slice(-3000),
        text: asText(o.text).slice(0, 4000),
        plain: o.data ? asText(o.data['text/plain']).slice(0, 4000) : '',
        mimes: o.data ? Object.keys(o.data) : [],
      }));
    }
    return info;
  });
}
