import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Attestation, type AttestationSigner, encodeModel } from '@privexbot/schema/attestation';
import type { Logger } from 'pino';
import { OFFLINE_MODEL } from './answer-offline.js';
import type { AttestationLog } from './attestation-log.js';
import { type ChatRequest, chatRequestSchema, hashRequestAndAnswer, U64_MAX } from './chat-request.js';
import { countPromptTokens, countTextTokens, TOKENIZER_NAME } from './count-tokens.js';
import { errorBody, GatewayError } from './gateway-error.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { SignerKey } from './load-signer-key.js';
import type { ReportedUsage, StreamAnswer } from './stream-answer.js';
import type { PlatformRequestVerifier } from './verify-platform-request.js';

export interface ChatHandlerDeps {
  key: SignerKey;
  signer: AttestationSigner;
  log: AttestationLog;
  verifier: PlatformRequestVerifier;
  answer: StreamAnswer;
  /** Bot model → upstream model; undefined in offline mode. */
  modelMap: Record<string, string> | undefined;
  metrics: GatewayMetrics;
  logger: Logger;
  now: () => number;
}

/**
 * `POST /v1/chat`: authenticate, validate, stream the answer as SSE (`token` events, flushed one
 * by one), then sign one attestation for the completed answer, log it durably, and only then
 * send the final `done` event carrying usage and the attestation. A client that goes away
 * aborts the upstream call and gets no attestation: an answer it never received is not counted.
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
  const upstreamModel = resolveModel(deps.modelMap, request.model);
  const org = BigInt(request.org);

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

  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });

  let answer = '';
  let firstTokenAt: number | undefined;
  let reported: ReportedUsage | undefined;
  try {
    const stream = deps.answer({ ...request, upstreamModel }, controller.signal);
    for (let step = await stream.next(); ; step = await stream.next()) {
      if (step.done) {
        reported = step.value;
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
      res.write(`event: token\ndata: ${JSON.stringify({ text: step.value })}\n\n`);
    }
  } catch (error) {
    if (controller.signal.aborted) return finishAborted(deps, requestId);
    deps.metrics.chatRequests.inc({ outcome: 'failed' });
    const failure =
      error instanceof GatewayError ? error : new GatewayError('internal_error', 'the answer failed');
    if (!(error instanceof GatewayError)) deps.logger.error({ requestId, err: error }, 'answer failed');
    else deps.logger.warn({ requestId, code: failure.code }, failure.message);
    res.end(`event: error\ndata: ${JSON.stringify(errorBody(failure, requestId))}\n\n`);
    return;
  }
  if (controller.signal.aborted) return finishAborted(deps, requestId);

  const usage = reported
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
  const reqHash = hashRequestAndAnswer(deps.key.salt, request, answer);
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
        reqHash,
        model: upstreamModel,
      };
      return { attestation: unsigned, signature: deps.signer.sign(unsigned) };
    });
  } catch (error) {
    deps.metrics.chatRequests.inc({ outcome: 'failed' });
    deps.logger.error({ requestId, err: error }, 'attestation could not be signed or logged');
    const failure = new GatewayError(
      'attestation_failed',
      'the answer completed but its attestation could not be recorded',
    );
    res.end(`event: error\ndata: ${JSON.stringify(errorBody(failure, requestId))}\n\n`);
    return;
  }
  deps.metrics.attestations.inc();
  deps.metrics.lastSeq.set(Number(attestation.seq));
  deps.metrics.tokens.inc({ kind: 'prompt' }, attestation.prompt_tokens);
  deps.metrics.tokens.inc({ kind: 'completion' }, attestation.completion_tokens);
  deps.metrics.chatRequests.inc({ outcome: 'completed' });
  deps.metrics.requestDuration.observe((performance.now() - started) / 1000);
  deps.logger.info({ requestId, seq: attestation.seq, model: upstreamModel, ...usage }, 'answer attested');
  const done = { usage, model: upstreamModel, offline: upstreamModel === OFFLINE_MODEL, attestation };
  res.end(`event: done\ndata: ${JSON.stringify(done)}\n\n`);
}

function finishAborted(deps: ChatHandlerDeps, requestId: string): void {
  deps.metrics.chatRequests.inc({ outcome: 'aborted' });
  deps.logger.info({ requestId }, 'client went away: upstream aborted, no attestation');
}

export function parseChatRequest(rawBody: string): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new GatewayError('invalid_json', 'the request body is not valid JSON');
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new GatewayError(
      'invalid_request',
      `invalid chat request: ${details[0]?.path} ${details[0]?.message}`,
      details,
    );
  }
  if (BigInt(parsed.data.org) > U64_MAX) throw new GatewayError('invalid_request', 'org must fit in a u64');
  return parsed.data;
}

function resolveModel(modelMap: Record<string, string> | undefined, model: string): string {
  if (modelMap === undefined) return OFFLINE_MODEL;
  const upstream = Object.keys(modelMap).length === 0 ? model : (modelMap[model] ?? modelMap['*']);
  if (upstream === undefined) {
    throw new GatewayError('unknown_model', `model "${model}" is not served by this gateway`, {
      models: Object.keys(modelMap).filter((m) => m !== '*'),
    });
  }
  try {
    encodeModel(upstream);
  } catch {
    throw new GatewayError('invalid_request', 'the model name must be 1..64 UTF-8 bytes');
  }
  return upstream;
}

/** What the model was given: passages count as prompt too. */
function promptMessages(request: ChatRequest): { role: string; content: string }[] {
  const passages = (request.passages ?? []).map((p) => ({ role: 'system', content: p.text }));
  return [...passages, ...request.messages];
}
