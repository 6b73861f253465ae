import type { DappConfig } from '../config.js';
import { ApiUnreachableError, InvalidInputError } from '../errors.js';
import { apiErrorFrom, apiRequest, apiUrl } from './api-request.js';
import type { KnowledgeSource } from './api-types.js';

/** File types the api ingests (PRODUCT.md, journey 4). */
export const ACCEPTED_SOURCE_EXTENSIONS = ['.txt', '.md', '.html', '.pdf', '.docx', '.csv', '.json'] as const;

const sourcesPath = (botId: string) => `/v1/bots/${encodeURIComponent(botId)}/sources`;

export function listSources(config: DappConfig, parameters: { botId: string }): Promise<KnowledgeSource[]> {
  return apiRequest<{ sources: KnowledgeSource[] }>(config, { path: sourcesPath(parameters.botId) }).then(
    (body) => body.sources,
  );
}

export function addTextOrUrlSource(
  config: DappConfig,
  parameters: { botId: string; type: 'text' | 'url'; name: string; content: string; citable: boolean },
): Promise<KnowledgeSource> {
  if (!parameters.content.trim())
    throw new InvalidInputError(parameters.type === 'url' ? 'Enter a URL.' : 'Paste some text.');
  if (parameters.type === 'url' && !/^https?:\/\//.test(parameters.content)) {
    throw new InvalidInputError('A URL starts with http:// or https://.');
  }
  return apiRequest<KnowledgeSource>(config, {
    method: 'POST',
    path: sourcesPath(parameters.botId),
    body: {
      type: parameters.type,
      name: parameters.name || parameters.content.slice(0, 60),
      citable: parameters.citable,
      ...(parameters.type === 'url' ? { url: parameters.content } : { text: parameters.content }),
    },
  });
}

export function setSourceCitable(
  config: DappConfig,
  parameters: { botId: string; sourceId: string; citable: boolean },
): Promise<KnowledgeSource> {
  return apiRequest<KnowledgeSource>(config, {
    method: 'PATCH',
    path: `${sourcesPath(parameters.botId)}/${encodeURIComponent(parameters.sourceId)}`,
    body: { citable: parameters.citable },
  });
}

export interface UploadSourceParameters {
  botId: string;
  file: File;
  citable: boolean;
  /** bytes sent so far, 0..1 */
  onProgress?: (fraction: number) => void;
}

/**
 * Multipart upload through XMLHttpRequest: `fetch` reports no upload progress, and the user
 * watches a progress bar (the ingestion's own progress is then polled from the source list).
 */
export function uploadSource(
  config: DappConfig,
  parameters: UploadSourceParameters,
): Promise<KnowledgeSource> {
  const { file } = parameters;
  const extension = file.name.slice(file.name.lastIndexOf('.')).toLowerCase();
  if (!(ACCEPTED_SOURCE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new InvalidInputError(`${file.name}: accepted files are ${ACCEPTED_SOURCE_EXTENSIONS.join(', ')}.`);
  }
  const form = new FormData();
  form.set('file', file);
  form.set('citable', String(parameters.citable));
  const path = `${sourcesPath(parameters.botId)}/upload`;
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', apiUrl(config, path));
    request.setRequestHeader('accept', 'application/json');
    const token = config.session.get()?.token;
    if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) parameters.onProgress?.(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiUnreachableError());
    request.onload = () => {
      let body: unknown;
      try {
        body = request.responseText ? JSON.parse(request.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (request.status >= 200 && request.status < 300) {
        parameters.onProgress?.(1);
        resolve(body as KnowledgeSource);
      } else {
        reject(apiErrorFrom(request.status, body, `POST ${path}`));
      }
    };
    request.send(form);
  });
}
