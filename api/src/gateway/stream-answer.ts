import type { ChatRequest } from './chat-request.js';

/** Token counts as the upstream reported them. */
export interface ReportedUsage {
  promptTokens: number;
  completionTokens: number;
}

/** What an answerer knows at the end of an answer it completed. */
export interface AnswerEnd {
  /** The upstream's token counts, when it reported them. */
  usage?: ReportedUsage;
  /** The passages (indexes into the request's) the answer quotes: the offline answerer knows. */
  cited?: number[];
}

/**
 * An answerer: yields the answer's text pieces as they arrive and returns what it knows at the
 * end. It stops (returns or throws) when `signal` aborts.
 */
export type StreamAnswer = (
  request: ChatRequest & { upstreamModel: string },
  signal: AbortSignal,
) => AsyncGenerator<string, AnswerEnd | undefined, void>;
