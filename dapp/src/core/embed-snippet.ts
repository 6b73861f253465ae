/**
 * The two-line embed snippet of the widget (dapp/widget/src/loader): the loader from the api's
 * origin plus the queue stub, so `pb('init', …)` works before the loader has arrived.
 */
import type { Bot } from './api/api-types.js';

export function embedSnippet(apiOrigin: string, bot: Pick<Bot, 'id' | 'position' | 'color'>): string {
  const options = JSON.stringify({ id: bot.id, position: bot.position, color: bot.color });
  return [
    `<script src="${apiOrigin}/widget.js" async></script>`,
    `<script>window.pb=window.pb||function(){(pb.q=pb.q||[]).push(arguments)};pb('init',${options});</script>`,
  ].join('\n');
}

/** The api's origin as host pages must see it: absolute even when the dapp calls it same-origin. */
export function publicApiOrigin(apiUrl: string, pageOrigin: string): string {
  return apiUrl ? new URL(apiUrl, pageOrigin).origin : pageOrigin;
}
