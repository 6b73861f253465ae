import type { DappConfig } from '../config.js';
import { ApiUnreachableError, InvalidInputError } from '../errors.js';
import { apiErrorFrom, apiRequest, apiUrl } from './api-request.js';
import type { KnowledgeSource } from './api-types.js';

/** File types the api ingests (PRODUCT.md, journey 4). */
export const ACCEPTED_SOURCE_EXTENSIONS = ['.txt', '.md', '.html', '.pdf', '.docx', '.csv', '.json'] as const;

const MIME_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.csv': 'text/csv',
  '.json': 'application/json',
};

interface BotRef {
  orgId: string;
  botId: string;
}

/** The api's source (`sourceViewSchema`): ingestion progress as chunks done of total. */
type ApiSource = Omit<KnowledgeSource, 'bytes' | 'error' | 'progress'> & {
  bytes: number;
  error: string | null;
  progress: { chunksDone: number; chunksTotal: number } | null;
};

function fromApi(source: ApiSource): KnowledgeSource {
  const { chunksDone = 0, chunksTotal = 0 } = source.progress ?? {};
  const progress =
    source.status === 'ready'
      ? 100
      : chunksTotal > 0
        ? Math.min(99, Math.floor((chunksDone / chunksTotal) * 100))
        : 0;
  return {
    id: source.id,
    botId: source.botId,
    type: source.type,
    name: source.name,
    citable: source.citable,
    status: source.status,
    progress,
    bytes: source.bytes,
    ...(source.error ? { error: source.error } : {}),
  };
}

const sourcesPath = ({ orgId, botId }: BotRef) =>
  `/v1/orgs/${encodeURIComponent(orgId)}/bots/${encodeURIComponent(botId)}/sources`;

export function listSources(config: DappConfig, parameters: BotRef): Promise<KnowledgeSource[]> {
  return apiRequest<{ sources: ApiSource[] }>(config, { path: sourcesPath(parameters) }).then((body) =>
    body.sources.map(fromApi),
  );
}

export function addTextOrUrlSource(
  config: DappConfig,
  parameters: BotRef & { type: 'text' | 'url'; name: string; content: string; citable: boolean },
): Promise<KnowledgeSource> {
  if (!parameters.content.trim())
    throw new InvalidInputError(parameters.type === 'url' ? 'Enter a URL.' : 'Paste some text.');
  if (parameters.type === 'url' && !/^https?:\/\//.test(parameters.content)) {
    throw new InvalidInputError('A URL starts with http:// or https://.');
  }
  return apiRequest<{ source: ApiSource }>(config, {
    method: 'POST',
    path: sourcesPath(parameters),
    body: {
      type: parameters.type,
      name: parameters.name.trim() || parameters.content.slice(0, 60),
      citable: parameters.citable,
      ...(parameters.type === 'url' ? { url: parameters.content } : { text: parameters.content }),
    },
  }).then((body) => fromApi(body.source));
}

export function setSourceCitable(
  config: DappConfig,
  parameters: BotRef & { sourceId: string; citable: boolean },
): Promise<KnowledgeSource> {
  return apiRequest<ApiSource>(config, {
    method: 'PATCH',
    path: `${sourcesPath(parameters)}/${encodeURIComponent(parameters.sourceId)}`,
    body: { citable: parameters.citable },
  }).then(fromApi);
}

export interface UploadSourceParameters extends BotRef {
  file: File;
  citable: boolean;
  /** bytes sent so far, 0..1 */
  onProgress?: (fraction: number) => void;
}

/**
 * The api takes files as base64 in its JSON body (`type: 'file'`). Sent through
 * XMLHttpRequest because `fetch` reports no upload progress, and the user watches a progress
 * bar; the ingestion's own progress is then polled from the source list.
 */
export async function uploadSource(
  config: DappConfig,
  parameters: UploadSourceParameters,
): Promise<KnowledgeSource> {
  const { file } = parameters;
  const extension = file.name.slice(file.name.lastIndexOf('.')).toLowerCase();
  if (!(ACCEPTED_SOURCE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new InvalidInputError(`${file.name}: accepted files are ${ACCEPTED_SOURCE_EXTENSIONS.join(', ')}.`);
  }
  if (file.size === 0) throw new InvalidInputError(`${file.name} is empty.`);
  const body = JSON.stringify({
    type: 'file',
    name: file.name,
    mimeType: file.type || MIME_TYPES[extension],
    contentBase64: await toBase64(file),
    citable: parameters.citable,
  });
  const path = sourcesPath(parameters);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', apiUrl(config, path));
    request.setRequestHeader('accept', 'application/json');
    request.setRequestHeader('content-type', 'application/json');
    const token = config.session.get()?.token;
    if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) parameters.onProgress?.(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiUnreachableError());
    request.onload = () => {
      let answer: unknown;
      try {
        answer = request.responseText ? JSON.parse(request.responseText) : undefined;
      } catch {
        answer = undefined;
      }
      if (request.status >= 200 && request.status < 300) {
        parameters.onProgress?.(1);
        resolve(fromApi((answer as { source: ApiSource }).source));
      } else {
        reject(apiErrorFrom(request.status, answer, `POST ${path}`));
      }
    };
    request.send(body);
  });
}

/** Base64 of a file's bytes, without a data: URL prefix (FileReader gives one). */
function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(new InvalidInputError(`${file.name} could not be read.`));
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.readAsDataURL(file);
  });
}

/** Removes a source and its chunks: answers stop using it at once. */
export function deleteSource(config: DappConfig, parameters: BotRef & { sourceId: string }): Promise<void> {
  return apiRequest<void>(config, {
    method: 'DELETE',
    path: `${sourcesPath(parameters)}/${encodeURIComponent(parameters.sourceId)}`,
  });
}

/** Embeds a source's chunks again; its progress shows in the source list as for an upload. */
export function reindexSource(
  config: DappConfig,
  parameters: BotRef & { sourceId: string },
): Promise<KnowledgeSource> {
  return apiRequest<ApiSource>(config, {
    method: 'POST',
    path: `${sourcesPath(parameters)}/${encodeURIComponent(parameters.sourceId)}/reindex`,
    body: {},
  }).then(fromApi);
}
