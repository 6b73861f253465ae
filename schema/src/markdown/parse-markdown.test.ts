import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Block, type Inline, parseInline, parseMarkdown, safeHref } from './parse-markdown.js';

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

describe('hostile answers', () => {
  /** Every href the tree would put in a link. */
  const hrefsOf = (blocks: Block[]): string[] => {
    const out: string[] = [];
    const visit = (nodes: Inline[]) => {
      for (const n of nodes) {
        if (typeof n === 'string' || 'text' in n) continue;
        if (n.tag === 'a') out.push(n.href);
        visit(n.children);
      }
    };
    for (const b of blocks) {
      if (b.tag === 'p') visit(b.children);
      else if (b.tag !== 'pre') for (const item of b.items) visit(item);
    }
    return out;
  };

  it('keeps raw <script> and event-handler HTML as text in paragraphs, lists and code', () => {
    expect(
      parseMarkdown(
        '<script>alert(1)</script>\n- <iframe src=javascript:alert(1)>\n\n```\n</code><script>x</script>\n```',
      ),
    ).toEqual([
      { tag: 'p', children: ['<script>alert(1)</script>'] },
      { tag: 'ul', items: [['<iframe src=javascript:alert(1)>']] },
      { tag: 'pre', text: '</code><script>x</script>' },
    ]);
  });

  it('leaves HTML entities undecoded, so an encoded tag or scheme stays inert text', () => {
    expect(parseInline('&lt;script&gt;alert(1)&lt;/script&gt; &#106;avascript:')).toEqual([
      '&lt;script&gt;alert(1)&lt;/script&gt; &#106;avascript:',
    ]);
    for (const url of ['&#106;avascript:alert(1)', 'javascript&#58;alert(1)', '&#x6A;avascript:alert(1)'])
      expect(hrefsOf(parseMarkdown(`[x](${url})`))).toEqual([]);
  });

  it('links nothing but http(s), however the scheme is disguised', () => {
    const answer = [
      '[a](javascript:alert(1))',
      '[b](  JAVASCRIPT:alert(1) )',
      '[c](<javascript:alert(1)>)',
      '[d](java\tscript:alert(1))',
      '[e](data:text/html;base64,PHNjcmlwdD4=)',
      '[f](//evil.example/x)',
      '[[g](javascript:x)](https://ok.example/)',
      '<javascript:alert(1)>',
      '[ok](https://ok.example/a)',
    ].join('\n\n');
    expect(hrefsOf(parseMarkdown(answer))).toEqual(['https://ok.example/a']);
  });
});
