import { useState } from 'react';
import type { TransactionTerms } from '../components/confirm-transaction.js';
import type { WriteContractParameters } from '../core/actions/write-contract.js';
import { type UseWriteContractReturnType, useWriteContract } from './use-write-contract.js';

interface PendingWrite {
  terms: TransactionTerms;
  call: WriteContractParameters;
  onSuccess?: () => void;
}

export interface UseConfirmedWriteReturnType {
  write: UseWriteContractReturnType;
  /** asks for confirmation first; the call is signed only once the person confirms */
  request: (pending: PendingWrite) => void;
  /** props for `<ConfirmTransaction>` */
  dialog: { terms: TransactionTerms | undefined; onConfirm: () => void; onCancel: () => void };
}

/** A contract write that always passes through `ConfirmTransaction` with its terms. */
export function useConfirmedWrite(): UseConfirmedWriteReturnType {
  const write = useWriteContract();
  const [pending, setPending] = useState<PendingWrite>();
  return {
    write,
    request: setPending,
    dialog: {
      terms: pending?.terms,
      onCancel: () => setPending(undefined),
      onConfirm: () => {
        if (!pending) return;
        setPending(undefined);
        write.mutate(pending.call, pending.onSuccess ? { onSuccess: pending.onSuccess } : undefined);
      },
    },
  };
}
