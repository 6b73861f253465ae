import { parentPort, workerData } from 'node:worker_threads';
import { SentenceModel, type SentenceModelSpec } from '@privexbot/schema/sentence-model';

/** The offline answerer's thread: loads the sentence model once, then scores sentences against questions. */
export interface ScoreRequest {
  id: number;
  question: string;
  sentences: string[];
}
export type ScoreReply =
  | { id: number; scores: Float32Array }
  /** `unloadable`: the model itself cannot load, so every later request would fail the same way. */
  | { id: number; error: string; unloadable?: boolean };

const { directory, spec } = workerData as { directory: string; spec: SentenceModelSpec };
const port = parentPort;
if (!port) throw new Error('score-sentences-worker runs only as a worker thread');

/**
 * Knowledge sentences come back with every question about the same pages, and a vector is a
 * pure function of the text: ~1.5 KB each, so 5,000 of them stay under 8 MB.
 */
const MAX_CACHED_SENTENCES = 5000;
const cached = new Map<string, Float32Array>();

const loading = SentenceModel.load(directory, spec);
// A model that cannot load fails every request with the reason, and the answerer falls back.
loading.catch(() => {});

async function passageVector(model: SentenceModel, text: string): Promise<Float32Array> {
  const hit = cached.get(text);
  if (hit) {
    cached.delete(text);
    cached.set(text, hit); // most recently used goes last
    return hit;
  }
  const vector = await model.embed(text, 'passage');
  cached.set(text, vector);
  if (cached.size > MAX_CACHED_SENTENCES) cached.delete(cached.keys().next().value as string);
  return vector;
}

port.on('message', async (request: ScoreRequest) => {
  let model: SentenceModel;
  try {
    model = await loading;
  } catch (error) {
    port.postMessage({
      id: request.id,
      error: (error as Error).message,
      unloadable: true,
    } satisfies ScoreReply);
    return;
  }
  try {
    const question = await model.embed(request.question, 'query');
    const scores = new Float32Array(request.sentences.length);
    for (const [index, sentence] of request.sentences.entries()) {
      const vector = await passageVector(model, sentence);
      let dot = 0; // both are unit vectors: the dot product is the cosine
      for (let d = 0; d < vector.length; d++) dot += (vector[d] as number) * (question[d] as number);
      scores[index] = dot;
    }
    port.postMessage({ id: request.id, scores } satisfies ScoreReply, [scores.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ id: request.id, error: (error as Error).message } satisfies ScoreReply);
  }
});
