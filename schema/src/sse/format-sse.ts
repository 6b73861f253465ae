/**
 * One event as written on the wire: `event: <name>`, the data as JSON (or as given when it is
 * a string, one `data:` line per line), and the blank line that dispatches it.
 */
export function formatSseEvent(event: string, data: unknown): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `event: ${event}\n${text
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('')}\n`;
}
