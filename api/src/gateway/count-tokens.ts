/**
 * Token counts when the upstream reports none: `gpt-tokenizer` with the o200k_base encoding
 * (pure JS, its tables ship in the package, nothing downloaded at run time). Other model
 * families tokenize differently, so these are estimates; the final event says which counter
 * was used (`counted_by`). Loaded on first use: its tables take a noticeable time to load and
 * a gateway whose upstream reports usage never needs them.
 */
export const TOKENIZER_NAME = 'gpt-tokenizer/o200k_base';

type CountTokens = typeof import('gpt-tokenizer/encoding/o200k_base')['countTokens'];
let loading: Promise<CountTokens> | undefined;

// User text that happens to contain "<|endoftext|>" is text, not a control token.
const PLAIN_TEXT = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

function tokenizer(): Promise<CountTokens> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then((module) => module.countTokens);
  return loading;
}

export async function countTextTokens(text: string): Promise<number> {
  return (await tokenizer())(text, PLAIN_TEXT);
}

/**
 * Prompt tokens of a chat: content tokens plus OpenAI's documented framing of 3 tokens per
 * message and 3 to prime the reply.
 */
export async function countPromptTokens(
  messages: readonly { role: string; content: string }[],
): Promise<number> {
  const count = await tokenizer();
  return messages.reduce((sum, m) => sum + 3 + count(m.content, PLAIN_TEXT), 3);
}
