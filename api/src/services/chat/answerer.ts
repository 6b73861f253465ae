/** What the platform asks the language model, through the gateway or directly. */
export interface AnswerRequest {
  orgId: string;
  botId: string;
  model: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  /** Citable passages, which the gateway adds to the prompt (and its offline answerer quotes). */
  passages: { text: string; source?: string }[];
  maxTokens: number;
  temperature: number;
}

export interface AnswerUsage {
  promptTokens: number;
  completionTokens: number;
}

export type AnswerEvent =
  | { type: 'token'; text: string }
  | { type: 'done'; usage: AnswerUsage | undefined; model: string | undefined };

/**
 * One streamed answer. Aborting `signal` (the visitor went away) must abort the upstream
 * call at once: the gateway then signs nothing and the org is not billed.
 */
export interface Answerer {
  readonly kind: 'gateway' | 'openai';
  stream(request: AnswerRequest, signal: AbortSignal): AsyncIterable<AnswerEvent>;
}

export class AnswererError extends Error {
  override readonly name = 'AnswererError';
}
