import { nativeFetch as httpFetch } from '@privexbot/schema/fetch';
import OpenAI from 'openai';
import {
  type AnswerEvent,
  type Answerer,
  AnswererError,
  type AnswerRequest,
  type OfferedModels,
} from './answerer.js';

/**
 * Answers from an OpenAI-compatible endpoint directly (development, or a deployment without
 * a TEE gateway). Passages go into a system message the way the gateway adds them.
 */
export class OpenAiAnswerer implements Answerer {
  readonly kind = 'openai' as const;
  private readonly client: OpenAI;

  constructor(options: { baseUrl: string; apiKey: string; timeoutMs: number }) {
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey: options.apiKey || 'unused',
      timeout: options.timeoutMs,
      maxRetries: 0,
      fetch: httpFetch,
    });
  }

  /** A direct endpoint (development) enforces no model mapping: the gateway does that. */
  async offeredModels(): Promise<OfferedModels> {
    return { models: [], open: true, offline: false };
  }

  async *stream(request: AnswerRequest, signal: AbortSignal): AsyncIterable<AnswerEvent> {
    const passages = request.passages
      .map((p, i) => `[${i + 1}]${p.source ? ` (${p.source})` : ''} ${p.text}`)
      .join('\n\n');
    const messages = passages
      ? [
          {
            role: 'system' as const,
            content: `Answer from these passages of the knowledge base when they are relevant:\n\n${passages}`,
          },
          ...request.messages,
        ]
      : request.messages;
    let stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
    try {
      stream = await this.client.chat.completions.create(
        {
          model: request.model,
          messages,
          max_tokens: request.maxTokens,
          temperature: request.temperature,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );
    } catch (error) {
      if (signal.aborted)
        throw new AnswererError('the visitor left before the model answered', { cause: error });
      throw new AnswererError(`the language model endpoint failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    let usage: AnswerEvent & { type: 'done' } = {
      type: 'done',
      usage: undefined,
      model: request.model,
      partial: false,
    };
    try {
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield { type: 'token', text };
        if (chunk.usage) {
          usage = {
            type: 'done',
            usage: {
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
            },
            model: chunk.model,
            partial: false,
          };
        }
      }
    } catch (error) {
      // Without a gateway nothing attests usage and the endpoint reports none for a stopped
      // stream: the stopped answer counts as a message of unknown size (development only).
      if (signal.aborted) {
        yield { ...usage, partial: true };
        return;
      }
      throw new AnswererError(`the language model endpoint failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    yield usage;
  }
}
