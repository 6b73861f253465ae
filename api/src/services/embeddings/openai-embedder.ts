import { nativeFetch } from '@privexbot/schema/fetch';
import OpenAI from 'openai';
import { EMBEDDING_DIMENSIONS, type Embedder } from './embedder.js';

/**
 * Embeddings from any OpenAI-compatible endpoint. text-embedding-3 models accept
 * `dimensions`, so they write the same 384-wide vectors as the local embedder.
 */
export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  private readonly client: OpenAI;

  constructor(options: { baseUrl: string; apiKey: string; model: string; timeoutMs?: number }) {
    this.id = `openai:${options.model}`;
    this.model = options.model;
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey: options.apiKey || 'unused',
      timeout: options.timeoutMs ?? 30_000,
      maxRetries: 2,
      fetch: nativeFetch,
    });
  }

  private readonly model: string;

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    const response = await this.client.embeddings.create(
      { model: this.model, input: texts, dimensions: EMBEDDING_DIMENSIONS },
      signal ? { signal } : undefined,
    );
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    if (vectors.length !== texts.length || vectors.some((v) => v.length !== EMBEDDING_DIMENSIONS)) {
      throw new Error(`the embeddings endpoint returned ${vectors.length} vectors of the wrong shape`);
    }
    return vectors;
  }
}
