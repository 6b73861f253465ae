// Answers as DOM: the shared Markdown tree (@privexbot/schema/markdown, inlined by the build)
// turned into elements with createElement and text nodes only, so no text from the bot can
// ever become markup (no innerHTML anywhere).
import { type Inline, LINK_REL, parseMarkdown } from '@privexbot/schema/markdown';

function appendInline(parent: Node, nodes: Inline[], doc: Document): void {
  for (const node of nodes) {
    if (typeof node === 'string') {
      parent.appendChild(doc.createTextNode(node));
    } else if (node.tag === 'code') {
      const code = doc.createElement('code');
      code.textContent = node.text;
      parent.appendChild(code);
    } else {
      const el = doc.createElement(node.tag);
      if (node.tag === 'a') {
        const a = el as HTMLAnchorElement;
        a.href = node.href;
        a.target = '_blank';
        a.rel = LINK_REL;
      }
      appendInline(el, node.children, doc);
      parent.appendChild(el);
    }
  }
}

/** Builds the DOM for a Markdown text; every piece of text goes through text nodes. */
export function renderMarkdown(source: string, doc: Document = document): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  for (const block of parseMarkdown(source)) {
    if (block.tag === 'pre') {
      const pre = doc.createElement('pre');
      const code = doc.createElement('code');
      code.textContent = block.text;
      pre.appendChild(code);
      fragment.appendChild(pre);
    } else if (block.tag === 'p') {
      const p = doc.createElement('p');
      appendInline(p, block.children, doc);
      fragment.appendChild(p);
    } else {
      const list = doc.createElement(block.tag);
      for (const item of block.items) {
        const li = doc.createElement('li');
        appendInline(li, item, doc);
        list.appendChild(li);
      }
      fragment.appendChild(list);
    }
  }
  return fragment;
}
