// Texts of widget outputs that failed to render.
() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
  .map(e => e.innerText)
  .filter(t => /Error displaying widget|Error rendering widget|Failed to load model class/.test(t))
  .map(t => t.slice(0, 300))
