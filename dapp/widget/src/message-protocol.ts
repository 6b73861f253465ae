// The postMessage protocol between the loader (host page) and the frame (our origin).
// Both bundles inline this module; it must stay free of runtime weight beyond these helpers.

/** Every message carries this namespace so we ignore the host page's other traffic. */
export const NAMESPACE = 'privexbot';

/** Messages the frame sends to the loader. */
export type FrameToLoader =
  | { ns: typeof NAMESPACE; type: 'ready'; color?: string; position?: string }
  | { ns: typeof NAMESPACE; type: 'close' }
  | { ns: typeof NAMESPACE; type: 'unread'; count: number }
  | { ns: typeof NAMESPACE; type: 'resize'; height: number }
  /** Only when the browser denies the frame storage: ids for the loader to keep (never text). */
  | { ns: typeof NAMESPACE; type: 'session'; visitorId: string; conversationId?: string };

/** Messages the loader sends to the frame. */
export type LoaderToFrame = { ns: typeof NAMESPACE; type: 'open' } | { ns: typeof NAMESPACE; type: 'close' };

/** Reads a namespaced message, or undefined for anything that is not ours. */
export function readMessage(data: unknown): { type: string; [key: string]: unknown } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as { ns?: unknown; type?: unknown };
  return message.ns === NAMESPACE && typeof message.type === 'string'
    ? (message as { type: string; [key: string]: unknown })
    : undefined;
}

/** Only plain hex colours cross the frame boundary or reach our CSS: nothing else can be injected. */
export function safeColor(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) ? value : fallback;
}

/** Black or white text, whichever contrasts more with the accent colour (WCAG relative luminance). */
export function textColorOn(hex: string): string {
  const full = hex.length === 4 ? hex.replace(/[0-9a-f]/gi, '$&$&') : hex;
  const channel = (i: number) => {
    const c = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  // Contrast with white is 1.05 / (L + 0.05); with black (L + 0.05) / 0.05; pick the larger.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#fff' : '#000';
}
