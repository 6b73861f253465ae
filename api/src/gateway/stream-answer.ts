import type { ChatRequest } from './chat-request.js';

/** Token counts as the upstream reported them. */
export interface ReportedUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * An answerer: yields the answer's text pieces as they arrive and returns the upstream's usage
 * when it reported one. It stops (returns or throws) when `signal` aborts.
 */
export type StreamAnswer = (
  request: ChatRequest & { upstreamModel: string },
  signal: AbortSignal,
) => AsyncGenerator<string, ReportedUsage | undefined, void>;
