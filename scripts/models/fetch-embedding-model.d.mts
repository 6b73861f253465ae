/** Installs a model (default: the api's) into the cache unless verified there; returns its folder. */
export function ensureEmbeddingModel(name?: string, log?: (line: string) => void): string;
export function modelCacheDirectory(env?: Record<string, string | undefined>): string;
