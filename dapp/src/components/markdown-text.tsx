// biome-ignore-all lint/suspicious/noArrayIndexKey: the tree is derived from the text each render; a node's position is its identity
import type { ReactNode } from 'react';
import { type Inline, parseMarkdown } from '../core/parse-markdown.js';

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'strong':
        return <strong key={i}>{inline(node.children)}</strong>;
      case 'em':
        return <em key={i}>{inline(node.children)}</em>;
      default:
        return (
          <a key={i} href={node.href} target="_blank" rel="noopener nofollow">
            {inline(node.children)}
          </a>
        );
    }
  });
}

/** A chat answer as safe markdown: React elements only, never HTML from the text. */
export function MarkdownText({ text }: { text: string }) {
  return (
    <>
      {parseMarkdown(text).map((block, i) => {
        if (block.type === 'code')
          return (
            <pre key={i}>
              <code>{block.text}</code>
            </pre>
          );
        if (block.type === 'list') {
          const items = block.items.map((item, j) => <li key={j}>{inline(item)}</li>);
          return block.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
        }
        return <p key={i}>{inline(block.children)}</p>;
      })}
    </>
  );
}
