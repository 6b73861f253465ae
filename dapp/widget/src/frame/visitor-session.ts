// What the frame remembers across reloads, in its own origin's storage (the host page cannot
// read it). Browsers partition third-party storage by top-level site, so a visitor of two
// different sites is two different visitors: that is the privacy we want.
//
// Some browsers (private windows, strict tracking protection) deny a third-party frame any
// storage. Then only the two ids are kept, by the loader in the host page's own storage,
// and handed back to the frame in its URL fragment: the conversation continues after a
// reload, but its text is never stored where the host page could read it.

export interface StoredMessage {
  role: 'user' | 'bot' | 'notice';
  text: string;
  citations?: Citation[];
}

export interface Citation {
  title: string;
  url?: string;
  snippet: string;
}

export interface VisitorSession {
  visitorId: string;
  conversationId?: string;
  transcript: StoredMessage[];
  leadSent: boolean;
  /** False when the browser denies this frame storage: the ids then live with the loader. */
  persistent: boolean;
}

/** Ids that the loader kept for us, read from the frame's URL fragment. */
export interface KeptIds {
  visitorId?: string | null;
  conversationId?: string | null;
}

const TRANSCRIPT_LIMIT = 50;

function frameStorage(): Storage | undefined {
  try {
    localStorage.setItem('pb:probe', '1');
    localStorage.removeItem('pb:probe');
    return localStorage;
  } catch {
    return undefined;
  }
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]{1,128}$/.test(value);
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Loads the session of this bot; the visitor id is shared by all bots of this origin. */
export function loadSession(botId: string, kept: KeptIds = {}): VisitorSession {
  const storage = frameStorage();
  if (!storage) {
    return {
      visitorId: isId(kept.visitorId) ? kept.visitorId : randomId(),
      conversationId: isId(kept.conversationId) ? kept.conversationId : undefined,
      transcript: [],
      leadSent: false,
      persistent: false,
    };
  }
  let visitorId = storage.getItem('pb:visitor');
  if (!isId(visitorId)) {
    visitorId = randomId();
    storage.setItem('pb:visitor', visitorId);
  }
  let saved: Partial<VisitorSession> = {};
  try {
    saved = JSON.parse(storage.getItem(`pb:bot:${botId}`) ?? '{}');
  } catch {
    // A corrupt entry starts a new conversation rather than breaking the widget.
  }
  return {
    visitorId,
    conversationId: isId(saved.conversationId) ? saved.conversationId : undefined,
    transcript: Array.isArray(saved.transcript) ? saved.transcript.slice(-TRANSCRIPT_LIMIT) : [],
    leadSent: saved.leadSent === true,
    persistent: true,
  };
}

export function saveSession(botId: string, session: VisitorSession): void {
  if (!session.persistent) return;
  const { conversationId, transcript, leadSent } = session;
  try {
    localStorage.setItem(
      `pb:bot:${botId}`,
      JSON.stringify({ conversationId, transcript: transcript.slice(-TRANSCRIPT_LIMIT), leadSent }),
    );
  } catch {
    // Storage full: the conversation goes on, it just will not survive a reload.
  }
}
