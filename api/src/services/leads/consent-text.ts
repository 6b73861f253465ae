import { createHash } from 'node:crypto';

/**
 * The consent sentence a bot's lead form shows, and its version. A lead records both with the
 * time, so what the visitor agreed to is known word for word even after the bot's setting
 * changes. The version is derived from the text (SHA-256, 16 hex digits): the same words are
 * the same version, on every api process, with nothing to keep in step.
 */
export function consentOf(bot: { name: string; leadCapture: unknown }): { text: string; version: string } {
  const configured = (bot.leadCapture as { consentText?: unknown } | null)?.consentText;
  const text =
    typeof configured === 'string' && configured.trim()
      ? configured.trim()
      : `I agree that ${bot.name} may contact me at this email address.`;
  return { text, version: createHash('sha256').update(text).digest('hex').slice(0, 16) };
}
