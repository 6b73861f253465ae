import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text.js';
import { parseDocument } from './parse-document.js';

describe('parseDocument (html)', () => {
  it('fences code samples, so a # comment in one does not cut the page off the chunks after it', async () => {
    const html = `<h1>ssl — TLS wrapper<a class="headerlink" href="#ssl">¶</a></h1>
      <h2>Client side<a class="headerlink" href="#client">¶</a></h2>
      <p>Make a context first.</p>
      <pre><span class="c1"># requires a valid certificate chain</span>
ctx = ssl.create_default_context()
sock = ctx.wrap_socket(raw)</pre>
      <p>Then the handshake verifies the peer.</p>`;
    const text = await parseDocument('html', Buffer.from(html));
    expect(text).toContain('```\n# requires a valid certificate chain\nctx = ssl.create_default_context()');
    expect(text).not.toContain('¶');
    const chunks = chunkText(text);
    expect(chunks.map((c) => c.text.split('\n')[0])).toEqual([
      'ssl — TLS wrapper',
      'ssl — TLS wrapper > Client side',
    ]);
    expect(chunks[1]?.text).toContain('Then the handshake verifies the peer.');
  });
});
