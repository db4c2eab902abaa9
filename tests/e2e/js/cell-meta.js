// Type, source and nbgrader metadata of every cell of the current notebook.
() => window.jupyterapp.shell.currentWidget.content.widgets.map(c => ({
  type: c.model.type,
  source: c.model.sharedModel.getSource(),
  nbgrader: c.model.getMetadata('nbgrader') || null,
}))
