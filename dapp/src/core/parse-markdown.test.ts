import { describe, expect, it } from 'vitest';
import { parseMarkdown } from './parse-markdown.js';

describe('parseMarkdown', () => {
  it('reads lists, code and links, and keeps HTML as text', () => {
    expect(
      parseMarkdown(
        'We open:\n- **Tue** to Sun\n- at `7 am`\n\n1. one\n2. [site](https://example.com)\n\n```\n<b>x</b>\n```\n<img src=x onerror=alert(1)>',
      ),
    ).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'We open:' }] },
      {
        type: 'list',
        ordered: false,
        items: [
          [
            { type: 'strong', children: [{ type: 'text', text: 'Tue' }] },
            { type: 'text', text: ' to Sun' },
          ],
          [
            { type: 'text', text: 'at ' },
            { type: 'code', text: '7 am' },
          ],
        ],
      },
      {
        type: 'list',
        ordered: true,
        items: [
          [{ type: 'text', text: 'one' }],
          [{ type: 'link', href: 'https://example.com', children: [{ type: 'text', text: 'site' }] }],
        ],
      },
      { type: 'code', text: '<b>x</b>' },
      { type: 'paragraph', children: [{ type: 'text', text: '<img src=x onerror=alert(1)>' }] },
    ]);
  });

  it('drops links to anything but http(s) and mailto, and shows a half-streamed construct as text', () => {
    expect(parseMarkdown('[x](javascript:alert(1)) **bo')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '[x](javascript:alert(1)) **bo' }] },
    ]);
    expect(parseMarkdown('```\nconst a = 1')).toEqual([{ type: 'code', text: 'const a = 1' }]);
  });
});
