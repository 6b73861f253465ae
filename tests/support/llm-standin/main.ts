import { startLlmStandin } from './start-llm-standin.js';

// Runs the stand-in on its own: `npx tsx tests/support/llm-standin/main.ts`
// (env: PORT, TTFT_MS, TOKEN_DELAY_MS, ANSWER_TOKENS, API_KEY).
const standin = await startLlmStandin({
  port: Number(process.env.PORT ?? 8788),
  ttftMs: Number(process.env.TTFT_MS ?? 0),
  tokenDelayMs: Number(process.env.TOKEN_DELAY_MS ?? 0),
  ...(process.env.ANSWER_TOKENS ? { answerTokens: Number(process.env.ANSWER_TOKENS) } : {}),
  apiKey: process.env.API_KEY,
});
console.log(`LLM stand-in (OpenAI-compatible) listening at ${standin.url}`);
const stop = () => void standin.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
