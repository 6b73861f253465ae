import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { type EmbedPurpose, SentenceModel, type SentenceModelSpec } from '@privexbot/schema/sentence-model';

/** One thread of the embedding pool: loads the model once, then embeds one text per message. */
export interface EmbedRequest {
  id: number;
  text: string;
  purpose: EmbedPurpose;
}
export type EmbedReply = { id: number; vector: Float32Array } | { id: number; error: string };

const { directory, spec, nice, intraOpThreads } = workerData as {
  directory: string;
  spec: SentenceModelSpec;
  nice: number;
  intraOpThreads: number;
};
const port = parentPort;
if (!port) throw new Error('embed-worker runs only as a worker thread');
// On Linux, process id 0 names the calling thread alone, so only this thread yields to chat;
// elsewhere it would renice the whole api, so it is left alone there. Refused (a sandbox),
// chunks still embed, at the api's priority.
if (nice > 0 && process.platform === 'linux') {
  try {
    setPriority(0, Math.min(19, getPriority(0) + nice));
  } catch {}
}

const loading = SentenceModel.load(directory, spec, { intraOpThreads });
// A model that cannot load fails every request with the reason, instead of a silent thread.
loading.catch(() => {});

port.on('message', async (request: EmbedRequest) => {
  try {
    const model = await loading;
    const vector = await model.embed(request.text, request.purpose);
    port.postMessage({ id: request.id, vector } satisfies EmbedReply, [vector.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).message } satisfies EmbedReply);
  }
});
