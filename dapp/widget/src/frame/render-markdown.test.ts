// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render-markdown.js';

function rendered(text: string): HTMLElement {
  const root = document.createElement('div');
  root.append(renderMarkdown(text));
  return root;
}

describe('renderMarkdown (the widget frame)', () => {
  it('builds lists, code and links whose rel gives the linked page no opener and no ranking', () => {
    const root = rendered(
      'Open:\n- **Tue**\n- `7 am`\n\n```\nnpm start\n```\nSee [our site](https://example.com/a).',
    );
    expect(root.querySelectorAll('ul > li')).toHaveLength(2);
    expect(root.querySelector('li strong')?.textContent).toBe('Tue');
    expect(root.querySelector('pre > code')?.textContent).toBe('npm start');
    const link = root.querySelector('a') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe('https://example.com/a');
    expect(link.rel.split(' ')).toEqual(expect.arrayContaining(['noopener', 'nofollow']));
    expect(link.target).toBe('_blank');
  });

  it('shows hostile markup as the characters it is: no element, handler or script link appears', () => {
    const hostile =
      '<script>alert(1)</script> <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))\n\n&lt;b&gt;not bold&lt;/b&gt; [y](&#106;avascript:alert(1))';
    const root = rendered(hostile);
    expect(root.querySelectorAll('script, img, iframe, b')).toHaveLength(0);
    expect(root.querySelectorAll('a')).toHaveLength(0);
    expect([...root.querySelectorAll('*')].flatMap((el) => el.getAttributeNames())).toEqual([]);
    expect(root.textContent).toContain('<script>alert(1)</script>');
    expect(root.textContent).toContain('&lt;b&gt;not bold&lt;/b&gt;');
  });
});
