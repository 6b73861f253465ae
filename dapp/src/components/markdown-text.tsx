// biome-ignore-all lint/suspicious/noArrayIndexKey: the tree is derived from the text each render; a node's position is its identity
import { type Inline, LINK_REL, parseMarkdown } from '@privexbot/schema/markdown';
import type { ReactNode } from 'react';

function inline(nodes: Inline[]): ReactNode[] {
  return nodes.map((node, i) => {
    if (typeof node === 'string') return node;
    switch (node.tag) {
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'strong':
        return <strong key={i}>{inline(node.children)}</strong>;
      case 'em':
        return <em key={i}>{inline(node.children)}</em>;
      default:
        return (
          <a key={i} href={node.href} target="_blank" rel={LINK_REL}>
            {inline(node.children)}
          </a>
        );
    }
  });
}

/**
 * A chat answer as the widget shows it (the shared @privexbot/schema/markdown tree): React
 * elements only, never HTML from the text.
 */
export function MarkdownText({ text }: { text: string }) {
  return (
    <>
      {parseMarkdown(text).map((block, i) => {
        if (block.tag === 'pre')
          return (
            <pre key={i}>
              <code>{block.text}</code>
            </pre>
          );
        if (block.tag === 'p') return <p key={i}>{inline(block.children)}</p>;
        const items = block.items.map((item, j) => <li key={j}>{inline(item)}</li>);
        return block.tag === 'ol' ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
      })}
    </>
  );
}
