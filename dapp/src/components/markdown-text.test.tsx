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
    expect(link).toHaveAttribute('href', 'https://example.com');
    expect(link).toHaveAttribute('rel', 'noopener nofollow');
    expect(container.querySelector('img')).toBeNull();
    expect(container).toHaveTextContent('<img src=x onerror=alert(1)>');
  });
});
