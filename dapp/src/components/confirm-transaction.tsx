import { useEffect, useRef } from 'react';

/** What a person must read before signing: the amount, in which token, for how long, and what renewal does. */
export interface TransactionTerms {
  title: string;
  amount: string;
  period: string;
  renewal: string;
}

/**
 * The confirmation every signing action goes through. It states the terms in plain words; the
 * wallet's own prompt only shows raw JSON. Escape or "Cancel" closes it without signing.
 */
export function ConfirmTransaction({
  terms,
  onConfirm,
  onCancel,
}: {
  terms: TransactionTerms | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (terms) confirmRef.current?.focus();
  }, [terms]);
  if (!terms) return null;
  return (
    <div className="dialog-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        className="dialog card"
        data-testid="confirm-transaction"
        onKeyDown={(event) => {
          if (event.key === 'Escape') onCancel();
        }}
      >
        <h2 id="confirm-title">{terms.title}</h2>
        <dl className="terms">
          <dt>Amount</dt>
          <dd data-testid="confirm-amount">{terms.amount}</dd>
          <dt>Period</dt>
          <dd data-testid="confirm-period">{terms.period}</dd>
          <dt>At renewal</dt>
          <dd data-testid="confirm-renewal">{terms.renewal}</dd>
        </dl>
        <p>Your wallet asks you to sign next; nothing is sent before.</p>
        <div className="row">
          <button type="button" ref={confirmRef} data-testid="confirm-sign" onClick={onConfirm}>
            Continue to sign
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
