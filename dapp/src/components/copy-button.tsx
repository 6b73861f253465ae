import { useState } from 'react';

/** Copies `text` and says so in a live region, so screen readers hear it too. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <span>
      <button
        type="button"
        data-testid="copy-button"
        onClick={() => {
          navigator.clipboard?.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          ) ?? setState('failed');
        }}
      >
        {label}
      </button>{' '}
      <span role="status" aria-live="polite">
        {state === 'copied'
          ? 'Copied.'
          : state === 'failed'
            ? 'Copy failed: select the text and copy it.'
            : ''}
      </span>
    </span>
  );
}
