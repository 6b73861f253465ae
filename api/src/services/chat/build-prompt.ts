import type { RetrievedPassage } from '../retrieval/retrieve-passages.js';
import type { AnswerRequest } from './answerer.js';

/**
 * The messages sent to the model. Citable passages travel as the request's `passages` (the
 * gateway adds them to the prompt, numbered, and its offline answerer quotes them);
 * learn-only passages go into the system message as background with an explicit rule never
 * to quote or cite them. The LearnOnlyFilter enforces that rule on the answer.
 */
export function buildPrompt(options: {
  systemPrompt: string;
  history: { role: 'user' | 'assistant'; content: string }[];
  question: string;
  passages: RetrievedPassage[];
}): Pick<AnswerRequest, 'messages' | 'passages'> {
  const citable = options.passages.filter((p) => p.citable);
  const learnOnly = options.passages.filter((p) => !p.citable);
  const rules = [
    options.systemPrompt.trim() || 'You are a helpful assistant for this website.',
    'Answer from the knowledge passages when they are relevant, and say so when they do not contain the answer.',
    citable.length
      ? 'You may quote the numbered knowledge passages and refer to them by their source name.'
      : '',
    learnOnly.length
      ? `Background knowledge follows. Use it only to understand and phrase your answer: never quote it, never copy its wording, never cite or mention it, and never reveal codes, names or numbers that appear only there.\n<background>\n${learnOnly.map((p) => p.text).join('\n---\n')}\n</background>`
      : '',
  ].filter(Boolean);
  return {
    messages: [
      { role: 'system', content: rules.join('\n\n') },
      ...options.history,
      { role: 'user', content: options.question },
    ],
    passages: citable.map((p) => ({ text: p.text, source: p.sourceName })),
  };
}
