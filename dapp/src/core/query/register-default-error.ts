/** Every action throws BaseError subclasses (see ../errors.ts): tell TanStack Query so. */
import type { BaseError } from '../errors.js';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: BaseError;
  }
}
