// A tiny element builder: h('button', { class: 'x', onclick }, 'Text'). Text children are text nodes, never HTML,
// so nothing the API or a learner sends can become markup. Attributes named on* become listeners.
export function h(tag, props = {}, ...children) {
  const element = tag.startsWith('svg:') ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's content. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/**
 * The SVG sequence diagram the API drew, as a node. The markup is the API's own (render/svg.ts escapes every text
 * it holds); it goes through the HTML parser, which reads a long session's diagram twice as fast as DOMParser's XML.
 */
export function svgNode(markup) {
  const template = document.createElement('template');
  template.innerHTML = markup;
  return template.content.querySelector('svg');
}

/** Ask the browser to save a file the API sent. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
