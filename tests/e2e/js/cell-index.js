// Index of the notebook cell that contains element e (-1 if none).
(e) => {
  const cell = e.closest('.jp-Cell');
  return cell ? [...cell.parentElement.children].indexOf(cell) : -1;
}
