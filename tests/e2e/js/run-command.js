// Execute a JupyterLab command, await its promise (e.g. run-all resolves when all cells ran).
async ([command, timeoutMs]) => {
  const app = window.jupyterapp;
  const t0 = performance.now();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${command} did not finish in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([app.commands.execute(command), timeout]);
    return {ok: result !== false, ms: performance.now() - t0};
  } finally {
    clearTimeout(timer);
  }
}
