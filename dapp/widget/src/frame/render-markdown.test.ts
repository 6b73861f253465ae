import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Inline, parseInline, parseMarkdown, safeHref } from './render-markdown.js';

/** All text a tree would show, in order: what a reader sees once tags are stripped. */
function textOf(nodes: Inline[]): string {
  return nodes.map((n) => (typeof n === 'string' ? n : 'text' in n ? n.text : textOf(n.children))).join('');
}

describe('parseInline', () => {
  it('reads bold, italic, code and links', () => {
    expect(parseInline('a **b** *c* _d_ `e*f` [g](https://x.example/p?q=1)')).toEqual([
      'a ',
      { tag: 'strong', children: ['b'] },
      ' ',
      { tag: 'em', children: ['c'] },
      ' ',
      { tag: 'em', children: ['d'] },
      ' ',
      { tag: 'code', text: 'e*f' },
      ' ',
      { tag: 'a', href: 'https://x.example/p?q=1', children: ['g'] },
    ]);
  });

  it('nests emphasis inside bold and inside link labels', () => {
    expect(parseInline('**a *b* c**')).toEqual([
      { tag: 'strong', children: ['a ', { tag: 'em', children: ['b'] }, ' c'] },
    ]);
    expect(parseInline('[**x**](http://h.example)')).toEqual([
      { tag: 'a', href: 'http://h.example/', children: [{ tag: 'strong', children: ['x'] }] },
    ]);
  });

  it('keeps only the label of links whose scheme is not http(s)', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,x',
      'vbscript:x',
      '/relative',
      'file:///etc/passwd',
    ]) {
      expect(parseInline(`[click](${url})`)).toEqual(['click']);
    }
  });

  it('leaves HTML as literal text', () => {
    expect(parseInline('<img src=x onerror=alert(1)><script>alert(1)</script>')).toEqual([
      '<img src=x onerror=alert(1)><script>alert(1)</script>',
    ]);
  });

  it('does not treat snake_case or unclosed markers as emphasis', () => {
    expect(parseInline('my_var_name and **open')).toEqual(['my_var_name and **open']);
  });

  it('honours backslash escapes', () => {
    expect(parseInline('\\*not em\\*')).toEqual(['*not em*']);
  });

  it('never loses or invents visible text for inputs without markers', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', '<', '>', '"', "'", '&', '/', '=', '\n') }),
        (s) => {
          expect(textOf(parseInline(s))).toBe(s);
        },
      ),
    );
  });

  it('only ever produces http(s) links, whatever the input', () => {
    const visit = (nodes: Inline[]): void => {
      for (const n of nodes) {
        if (typeof n === 'string' || 'text' in n) continue;
        if (n.tag === 'a') expect(n.href).toMatch(/^https?:\/\//);
        visit(n.children);
      }
    };
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('[', ']', '(', ')', 'a', ':', 'javascript', 'http', '//', '*', ' '),
        }),
        (s) => {
          visit(parseInline(s));
        },
      ),
    );
  });
});

describe('parseMarkdown', () => {
  it('splits paragraphs on blank lines and keeps single newlines inside one', () => {
    expect(parseMarkdown('one\ntwo\n\nthree')).toEqual([
      { tag: 'p', children: ['one\ntwo'] },
      { tag: 'p', children: ['three'] },
    ]);
  });

  it('reads bullet and numbered lists', () => {
    expect(parseMarkdown('Steps:\n1. first\n2. **second**\n\n- a\n* b')).toEqual([
      { tag: 'p', children: ['Steps:'] },
      { tag: 'ol', items: [['first'], [{ tag: 'strong', children: ['second'] }]] },
      { tag: 'ul', items: [['a'], ['b']] },
    ]);
  });

  it('keeps fenced code verbatim, also while the fence is still open', () => {
    expect(parseMarkdown('```js\nconst a = **b**;\n```\nafter')).toEqual([
      { tag: 'pre', text: 'const a = **b**;' },
      { tag: 'p', children: ['after'] },
    ]);
    expect(parseMarkdown('```\n<b>')).toEqual([{ tag: 'pre', text: '<b>' }]);
  });

  it('shows headings as bold paragraphs', () => {
    expect(parseMarkdown('## Title')).toEqual([
      { tag: 'p', children: [{ tag: 'strong', children: ['Title'] }] },
    ]);
  });
});

describe('safeHref', () => {
  it('accepts absolute http(s) URLs only', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref(' javascript:alert(1)')).toBeUndefined();
    expect(safeHref('mailto:a@b.example')).toBeUndefined();
  });
});

describe('intraword underscores', () => {
  it('are text, for single and double underscores alike', () => {
    expect(parseInline('window.__a=1 and b__c')).toEqual(['window.__a=1 and b__c']);
    expect(parseInline('x = a__b and c__d')).toEqual(['x = a__b and c__d']);
    expect(parseInline('__strong__ _em_')).toEqual([
      { tag: 'strong', children: ['strong'] },
      ' ',
      { tag: 'em', children: ['em'] },
    ]);
  });
});
