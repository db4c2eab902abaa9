// Is the current notebook ready with an idle, connected kernel? Also lists open dialogs.
() => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  if (!w || !w.sessionContext || !w.context) return {ready: false, status: 'no notebook panel'};
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const dialogs = [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.trim());
  return {
    ready: !!(w.context.isReady && k && k.status === 'idle' && k.connectionStatus === 'connected'),
    status: k ? `${k.status}/${k.connectionStatus}` : 'no kernel',
    kernel: k ? k.name : null,
    path: w.context.path,
    dialogs,
  };
}
