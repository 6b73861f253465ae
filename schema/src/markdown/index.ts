export { type Block, type Inline, LINK_REL, parseInline, parseMarkdown, safeHref } from './parse-markdown.js';
