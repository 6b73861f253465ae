export { formatSseEvent } from './format-sse.js';
export { createSseParser, parseSseText, readSse, type SseEvent, type SseParser } from './parse-sse.js';
