// Text and image digests of a cell's widget outputs, without the controls' readouts.
(cell) => {
  const hash = s => { let h = 0; for (let i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; } return h; };
  const parts = [];
  cell.querySelectorAll('.widget-html-content, .widget-htmlmath-content, .jupyter-widgets-output-area, .widget-label')
    .forEach(e => parts.push(e.innerText));
  cell.querySelectorAll('.jupyter-widgets img').forEach(e => parts.push('img:' + hash(e.src)));
  cell.querySelectorAll('.jupyter-widgets svg').forEach(e => parts.push('svg:' + hash(e.outerHTML)));
  return parts.join('\u241e');
}
