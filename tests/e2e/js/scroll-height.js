// Height the viewport needs to show the whole notebook at once.
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return document.body.scrollHeight;
  const scroller = panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook');
  return scroller.scrollHeight + (window.innerHeight - scroller.clientHeight);
}
