import { describe, expect, it } from 'vitest';
import { embedSnippet, publicApiOrigin } from './embed-snippet.js';

describe('embedSnippet', () => {
  it('loads the widget from the api origin and queues init before the loader arrives', () => {
    const snippet = embedSnippet('https://api.example', {
      id: 'b1',
      position: 'bottom-left',
      color: '#112233',
    });
    const [loader, init] = snippet.split('\n');
    expect(loader).toBe('<script src="https://api.example/widget.js" async></script>');
    expect(init).toContain('(pb.q=pb.q||[]).push(arguments)');
    expect(init).toContain(`pb('init',{"id":"b1","position":"bottom-left","color":"#112233"})`);
  });

  it('JSON-encodes the options, so a hostile colour cannot break out of the script', () => {
    const snippet = embedSnippet('https://api.example', {
      id: 'b1',
      position: 'bottom-right',
      color: '"});alert(1);//',
    });
    expect(snippet).toContain('"color":"\\"});alert(1);//"');
  });

  it('uses the page origin when the api is same-origin', () => {
    expect(publicApiOrigin('', 'https://app.example')).toBe('https://app.example');
    expect(publicApiOrigin('https://api.example/base', 'https://app.example')).toBe('https://api.example');
  });
});
