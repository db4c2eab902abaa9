// Scroll the current notebook (and the page) back to the top.
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const scroller = panel && (panel.querySelector('.jp-WindowedPanel-outer') || panel.querySelector('.jp-Notebook'));
  if (scroller) scroller.scrollTop = 0;
  window.scrollTo(0, 0);
}
