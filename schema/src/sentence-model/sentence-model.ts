import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

/** How a sentence model turns token states into one vector, and what it expects around texts. */
export interface SentenceModelSpec {
  /** Stored on bots: names the model and its width. */
  id: string;
  /** Folder under the model cache (scripts/models/embedding-models.json names the same). */
  name: string;
  pooling: 'mean' | 'cls';
  queryPrefix: string;
  passagePrefix: string;
  /** Longer texts are cut: attention cost grows with the square of the length. */
  maxTokens: number;
}

export type EmbedPurpose = 'query' | 'passage';

/** Every model here gives vectors this wide, so one HNSW index serves all bots. */
export const SENTENCE_MODEL_DIMENSIONS = 384;

/**
 * Runs one ONNX sentence model on one text at a time. One text per call on purpose: the int8
 * builds give slightly different vectors for a text padded inside a batch, so a chunk and
 * the same words asked as a question would not meet exactly; with no padding both sides are
 * computed the same way. Single-threaded: parallelism comes from the worker pool.
 */
export class SentenceModel {
  private constructor(
    readonly spec: SentenceModelSpec,
    private readonly session: ort.InferenceSession,
    private readonly tokenizer: Tokenizer,
  ) {}

  /** `intraOpThreads`: cores one call may use (default 1; the pool's threads give parallelism). */
  static async load(
    directory: string,
    spec: SentenceModelSpec,
    options: { intraOpThreads?: number } = {},
  ): Promise<SentenceModel> {
    const tokenizerJson = JSON.parse(await readFile(join(directory, `${spec.name}-tokenizer.json`), 'utf8'));
    const tokenizer = new Tokenizer(tokenizerJson, {});
    const session = await ort.InferenceSession.create(join(directory, `${spec.name}.onnx`), {
      intraOpNumThreads: options.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new SentenceModel(spec, session, tokenizer);
  }

  async embed(text: string, purpose: EmbedPurpose): Promise<Float32Array> {
    const prefix = purpose === 'query' ? this.spec.queryPrefix : this.spec.passagePrefix;
    let ids: number[] = Array.from(this.tokenizer.encode(`${prefix}${text}`).ids as ArrayLike<number>);
    if (ids.length > this.spec.maxTokens) {
      // Keep the closing [SEP]: the model was trained on sequences that end with it.
      ids = [...ids.slice(0, this.spec.maxTokens - 1), ids[ids.length - 1] as number];
    }
    const length = ids.length;
    const inputIds = BigInt64Array.from(ids, (id) => BigInt(id));
    const mask = new BigInt64Array(length).fill(1n);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, [1, length]),
      attention_mask: new ort.Tensor('int64', mask, [1, length]),
    };
    if (this.session.inputNames.includes('token_type_ids')) {
      feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(length), [1, length]);
    }
    const output = await this.session.run(feeds);
    const states = (output.last_hidden_state ?? Object.values(output)[0]) as ort.Tensor;
    const hidden = states.dims[2] as number;
    if (hidden !== SENTENCE_MODEL_DIMENSIONS)
      throw new Error(`${this.spec.id} gives ${hidden} dimensions, not 384`);
    const data = states.data as Float32Array;
    const vector = new Float32Array(hidden);
    if (this.spec.pooling === 'cls') {
      vector.set(data.subarray(0, hidden));
    } else {
      // Mean over every token: with one unpadded text, the attention mask is all ones.
      for (let t = 0; t < length; t++) {
        for (let d = 0; d < hidden; d++) vector[d] = (vector[d] as number) + (data[t * hidden + d] as number);
      }
    }
    let norm = 0;
    for (const x of vector) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < hidden; d++) vector[d] = (vector[d] as number) / norm;
    return vector;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
