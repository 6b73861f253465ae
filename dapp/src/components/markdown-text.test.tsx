// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../testing/render-with-providers.js';
import { MarkdownText } from './markdown-text.js';

describe('MarkdownText', () => {
  it('renders lists, code and links as elements, with links that pass no referrer trust, and HTML as text', () => {
    const { container } = render(
      <MarkdownText
        text={
          'Open:\n- **Tue**\n- `7 am`\n\nSee [our site](https://example.com).\n<img src=x onerror=alert(1)>'
        }
      />,
    );
    expect(container.querySelectorAll('ul > li')).toHaveLength(2);
    expect(container.querySelector('strong')).toHaveTextContent('Tue');
    expect(container.querySelector('code')).toHaveTextContent('7 am');
    const link = screen.getByRole('link', { name: 'our site' });
    expect(link).toHaveAttribute('href', 'https://example.com/');
    expect(link.getAttribute('rel')?.split(' ')).toEqual(expect.arrayContaining(['noopener', 'nofollow']));
    expect(container.querySelector('img')).toBeNull();
    expect(container).toHaveTextContent('<img src=x onerror=alert(1)>');
  });

  it('reads an answer as the widget does: headings bold, indented lines continue an item', () => {
    const { container } = render(<MarkdownText text={'## Hours\n- Tue\n  to Sun\n- Mon'} />);
    expect(container.querySelector('p > strong')).toHaveTextContent('Hours');
    expect([...container.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Tue to Sun', 'Mon']);
  });

  it('shows hostile markdown as inert text: no script, no javascript: link, entities undecoded', () => {
    const { container } = render(
      <MarkdownText
        text={
          '<script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](&#106;avascript:alert(1)) &lt;b&gt;hi&lt;/b&gt;'
        }
      />,
    );
    expect(container.querySelectorAll('script, a, b')).toHaveLength(0);
    expect(container).toHaveTextContent('<script>alert(1)</script>');
    expect(container).toHaveTextContent('x y &lt;b&gt;hi&lt;/b&gt;');
  });
});
