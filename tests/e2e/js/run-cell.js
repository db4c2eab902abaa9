// Run one cell by index (without advancing) and await the execution.
async ([index, timeoutMs]) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  panel.content.activeCellIndex = index;
  panel.content.deselectAll();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`cell ${index} did not finish in ${timeoutMs} ms`)), timeoutMs);
  });
  try { await Promise.race([app.commands.execute('notebook:run-cell'), timeout]); }
  finally { clearTimeout(timer); }
}
