// For each 'Make this Notebook Trusted' text in the outputs: is a map iframe covering it?
(text) => {
  const spans = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output *')]
    .filter(e => e.children.length === 0 && e.textContent.includes(text));
  return spans.map(span => {
    const r = span.getBoundingClientRect();
    const box = span.parentElement;
    const iframe = box ? box.querySelector('iframe') : null;
    span.scrollIntoView({block: 'center'});
    const r2 = span.getBoundingClientRect();
    const top = document.elementFromPoint(r2.left + Math.min(5, r2.width / 2), r2.top + r2.height / 2);
    return {hasIframe: !!iframe, covered: !!(iframe && top === iframe), visible: r.width > 0 && r.height > 0,
            cell: (() => { const c = span.closest('.jp-Cell'); return c ? [...c.parentElement.children].indexOf(c) : -1; })()};
  });
}
