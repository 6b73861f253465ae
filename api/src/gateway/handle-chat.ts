import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attestation, AttestationSigner } from '@privexbot/schema/attestation';
import { formatSseEvent } from '@privexbot/schema/sse';
import type { Logger } from 'pino';
import { OFFLINE_MODEL } from './answer-offline.js';
import type { AttestationLog } from './attestation-log.js';
import type { ChatOutcomes } from './chat-outcomes.js';
import { type ChatRequest, chatRequestSchema, hashRequestAndAnswer, U64_MAX } from './chat-request.js';
import { countPromptTokens, countTextTokens, TOKENIZER_NAME } from './count-tokens.js';
import { errorBody, GatewayError } from './gateway-error.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { SignerKey } from './load-signer-key.js';
import type { ModelPolicy } from './model-policy.js';
import type { ReportedUsage, StreamAnswer } from './stream-answer.js';
import type { PlatformRequestVerifier } from './verify-platform-request.js';

export interface ChatHandlerDeps {
  key: SignerKey;
  signer: AttestationSigner;
  log: AttestationLog;
  verifier: PlatformRequestVerifier;
  answer: StreamAnswer;
  /** Which bot models this gateway serves, and as what upstream model. */
  models: ModelPolicy;
  outcomes: ChatOutcomes;
  metrics: GatewayMetrics;
  logger: Logger;
  now: () => number;
}

/**
 * `POST /v1/chat`: authenticate, validate, stream the answer as SSE (`token` events, flushed one
 * by one), then sign one attestation, log it durably, and only then send the final event.
 *
 * Once the model has been called, the answer is attested whatever ends it, with the tokens it
 * consumed: the prompt that was sent and the completion tokens produced so far.
 * - completed: `done` with the upstream's usage;
 * - stopped by the api (`POST /v1/chat/stop`, its visitor left): `done` with `partial: true`;
 * - the api's connection dropped: signed all the same, and the api reads it back with a stop;
 * - the upstream failed after its first token: `error` carrying `usage` and `attestation`.
 * An upstream that fails before answering, and a request refused before the call, cost nothing.
 * Every outcome is kept by request id (`ChatOutcomes`), so the api learns it exactly once.
 */
export async function handleChat(
  deps: ChatHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: string,
  requestId: string,
): Promise<void> {
  const started = performance.now();
  deps.verifier.verify(req.headers, rawBody);
  const request = parseChatRequest(rawBody);
  const upstreamModel = deps.models.resolve(request.model);
  const org = BigInt(request.org);
  const controller = deps.outcomes.begin(requestId);
  if (!controller)
    throw new GatewayError('DUPLICATE_REQUEST', 'this request id was already answered or stopped');

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Proxies (nginx) must not buffer: the visitor sees each token as it is produced.
    'x-accel-buffering': 'no',
    'x-request-id': requestId,
  });
  res.socket?.setNoDelay(true);
  res.flushHeaders();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });

  let answer = '';
  let tokens = 0;
  let firstTokenAt: number | undefined;
  let reported: ReportedUsage | undefined;
  let cited: number[] | undefined;
  let failure: GatewayError | undefined;
  try {
    const stream = deps.answer({ ...request, upstreamModel }, controller.signal);
    for (let step = await stream.next(); ; step = await stream.next()) {
      if (step.done) {
        reported = step.value?.usage;
        cited = step.value?.cited;
        break;
      }
      if (controller.signal.aborted) {
        await stream.return(undefined); // let the answerer release the upstream stream now
        break;
      }
      if (firstTokenAt === undefined) {
        firstTokenAt = performance.now();
        deps.metrics.timeToFirstToken.observe((firstTokenAt - started) / 1000);
      }
      answer += step.value;
      tokens++;
      if (!res.destroyed) res.write(formatSseEvent('token', { text: step.value }));
    }
  } catch (error) {
    if (!controller.signal.aborted) {
      failure =
        error instanceof GatewayError ? error : new GatewayError('INTERNAL_ERROR', 'the answer failed');
      if (!(error instanceof GatewayError)) deps.logger.error({ requestId, err: error }, 'answer failed');
      else deps.logger.warn({ requestId, code: failure.code }, failure.message);
    }
  }
  const stopped = controller.signal.aborted;
  // An upstream that failed before its first token produced nothing to count (and is not billed
  // for it); everything else called the model and is attested.
  if (failure && tokens === 0) {
    deps.metrics.chatRequests.inc({ outcome: 'failed' });
    deps.outcomes.finish(requestId, { attested: false, reason: 'upstream_failed' });
    return endWith(res, 'error', errorBody(failure, requestId));
  }
  const partial = stopped || failure !== undefined;
  const usage =
    reported && !partial
      ? {
          prompt_tokens: reported.promptTokens,
          completion_tokens: reported.completionTokens,
          counted_by: 'upstream',
        }
      : {
          prompt_tokens: await countPromptTokens(promptMessages(request)),
          completion_tokens: await countTextTokens(answer),
          counted_by: TOKENIZER_NAME,
        };
  let attestation: Awaited<ReturnType<AttestationLog['appendNext']>>;
  try {
    attestation = await deps.log.appendNext((seq) => {
      const unsigned: Attestation = {
        v: 1,
        signer: deps.key.publicKey,
        seq,
        org,
        bot: request.bot.toLowerCase(),
        ts: BigInt(Math.floor(deps.now() / 1000)),
        promptTokens: Math.min(usage.prompt_tokens, 0xffff_ffff),
        completionTokens: Math.min(usage.completion_tokens, 0xffff_ffff),
        reqHash: hashRequestAndAnswer(deps.key.salt, seq, request, answer),
        model: upstreamModel,
      };
      return { attestation: unsigned, signature: deps.signer.sign(unsigned) };
    });
  } catch (error) {
    deps.metrics.chatRequests.inc({ outcome: 'failed' });
    deps.logger.error({ requestId, err: error }, 'attestation could not be signed or logged');
    deps.outcomes.finish(requestId, { attested: false, reason: 'attestation_failed' });
    const failed = new GatewayError(
      'ATTESTATION_FAILED',
      'the answer completed but its attestation could not be recorded',
    );
    return endWith(res, 'error', errorBody(failed, requestId));
  }
  deps.metrics.attestations.inc();
  deps.metrics.lastSeq.set(Number(attestation.seq));
  deps.metrics.tokens.inc({ kind: 'prompt' }, attestation.prompt_tokens);
  deps.metrics.tokens.inc({ kind: 'completion' }, attestation.completion_tokens);
  deps.metrics.chatRequests.inc({ outcome: failure ? 'failed' : stopped ? 'aborted' : 'completed' });
  deps.metrics.requestDuration.observe((performance.now() - started) / 1000);
  deps.logger.info(
    { requestId, seq: attestation.seq, model: upstreamModel, partial, ...usage },
    partial ? 'partial answer attested' : 'answer attested',
  );
  deps.outcomes.finish(requestId, { attested: true, partial, usage, model: upstreamModel, attestation });
  if (failure) return endWith(res, 'error', { ...errorBody(failure, requestId), usage, attestation });
  const done = {
    usage,
    model: upstreamModel,
    offline: upstreamModel === OFFLINE_MODEL,
    ...(partial ? { partial: true } : {}),
    // Which passages the answer quotes, when the answerer knows (offline): the api cites only them.
    ...(cited && !partial ? { cited } : {}),
    attestation,
  };
  endWith(res, 'done', done);
}

function endWith(res: ServerResponse, event: string, data: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.end(formatSseEvent(event, data));
}

export function parseChatRequest(rawBody: string): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new GatewayError('INVALID_JSON', 'the request body is not valid JSON');
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new GatewayError(
      'INVALID_REQUEST',
      `invalid chat request: ${details[0]?.path} ${details[0]?.message}`,
      details,
    );
  }
  if (BigInt(parsed.data.org) > U64_MAX) throw new GatewayError('INVALID_REQUEST', 'org must fit in a u64');
  return parsed.data;
}

/** What the model was given: passages count as prompt too. */
function promptMessages(request: ChatRequest): { role: string; content: string }[] {
  const passages = (request.passages ?? []).map((p) => ({ role: 'system', content: p.text }));
  return [...passages, ...request.messages];
}
