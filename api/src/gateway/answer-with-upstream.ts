import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Passage } from './chat-request.js';
import { GatewayError } from './gateway-error.js';
import type { ReportedUsage, StreamAnswer } from './stream-answer.js';

export interface UpstreamOptions {
  baseURL: string;
  apiKey: string;
  timeoutMs: number;
}

/**
 * Streams from any OpenAI-compatible endpoint (Secret AI, OpenAI, vLLM, Ollama, the stand-in)
 * through the `openai` SDK, asking for usage in the last chunk.
 */
export function createUpstreamAnswerer(options: UpstreamOptions): StreamAnswer {
  // One retry: the SDK only retries before a response arrives, so no token is sent twice.
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey || 'none',
    timeout: options.timeoutMs,
    maxRetries: 1,
  });
  return async function* answerWithUpstream(request, signal) {
    let stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
    try {
      stream = await client.chat.completions.create(
        {
          model: request.upstreamModel,
          messages: withPassages(request.messages, request.passages),
          stream: true,
          stream_options: { include_usage: true },
          ...(request.max_tokens == null ? {} : { max_tokens: request.max_tokens }),
          ...(request.temperature == null ? {} : { temperature: request.temperature }),
        },
        { signal },
      );
    } catch (error) {
      throw upstreamError(error, signal);
    }
    let usage: ReportedUsage | undefined;
    try {
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield text;
        if (chunk.usage) {
          usage = {
            promptTokens: chunk.usage.prompt_tokens,
            completionTokens: chunk.usage.completion_tokens,
          };
        }
      }
    } catch (error) {
      throw upstreamError(error, signal);
    }
    return usage ? { usage } : undefined;
  };
}

function withPassages(
  messages: ChatCompletionMessageParam[],
  passages: Passage[] | undefined,
): ChatCompletionMessageParam[] {
  if (!passages?.length) return messages;
  const context = passages
    .map((p, i) => `[${i + 1}]${p.source ? ` (${p.source})` : ''} ${p.text}`)
    .join('\n\n');
  return [
    {
      role: 'system',
      content: `Answer from these passages of the knowledge base when they are relevant:\n\n${context}`,
    },
    ...messages,
  ];
}

/** Aborts pass through untouched; anything else becomes a 502 that names no secret. */
function upstreamError(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return error;
  if (error instanceof OpenAI.APIError) {
    return new GatewayError(
      'UPSTREAM_ERROR',
      `the language model answered with an error (${error.status ?? 'no status'})`,
    );
  }
  return new GatewayError('UPSTREAM_ERROR', 'the language model could not be reached');
}
