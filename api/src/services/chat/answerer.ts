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
  /** The bot's words for a question nothing it knows answers (the offline answerer says them). */
  fallbackMessage?: string;
}

export interface AnswerUsage {
  promptTokens: number;
  completionTokens: number;
}

export type AnswerEvent =
  | { type: 'token'; text: string }
  | {
      type: 'done';
      /** undefined: the endpoint reported no usage (counted as zero tokens). */
      usage: AnswerUsage | undefined;
      model: string | undefined;
      /** The answer was stopped before the model finished (its visitor left). */
      partial: boolean;
      /** Indexes of the request's passages the answer quotes, when the answerer knows (offline). */
      cited?: number[];
    };

/** The bot models an answerer serves. */
export interface OfferedModels {
  models: string[];
  /** true: any model name is accepted (no mapping to enforce: offline answerer, dev mode). */
  open: boolean;
  /** true: no language model behind the answerer: the gateway's offline answerer quotes passages. */
  offline: boolean;
}

/**
 * One streamed answer. Aborting `signal` (the visitor went away) stops the model at once, but
 * the stream still ends with `done` carrying what the stopped answer consumed, as the gateway
 * attested it: the org pays for every answer the model produced, finished or not.
 */
export interface Answerer {
  readonly kind: 'gateway' | 'openai';
  stream(request: AnswerRequest, signal: AbortSignal): AsyncIterable<AnswerEvent>;
  offeredModels(): Promise<OfferedModels>;
}

export class AnswererError extends Error {
  override readonly name = 'AnswererError';
  /** What the failed answer still consumed (attested by the gateway); undefined: nothing. */
  readonly usage: AnswerUsage | undefined;

  constructor(message: string, options: { cause?: unknown; usage?: AnswerUsage } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.usage = options.usage;
  }
}
