import { useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { AnswererNotice } from '../components/answerer-notice.js';
import { BotForm } from '../components/bot-form.js';
import { CopyButton } from '../components/copy-button.js';
import { DeleteBot } from '../components/delete-bot.js';
import { GuardedButton } from '../components/guarded-action.js';
import { KnowledgeEmbedder } from '../components/knowledge-embedder.js';
import { MarkdownText } from '../components/markdown-text.js';
import { Empty, ErrorNotice, Loading, QueryState } from '../components/query-state.js';
import { RefusedOrigins } from '../components/refused-origins.js';
import { RequireSession } from '../components/require-session.js';
import { WebsiteCrawl } from '../components/website-crawl.js';
import type { Bot, Citation } from '../core/api/api-types.js';
import { ACCEPTED_SOURCE_EXTENSIONS } from '../core/api/source-actions.js';
import { streamTestChat } from '../core/api/stream-test-chat.js';
import { embedSnippet, publicApiOrigin } from '../core/embed-snippet.js';
import { errorMessage } from '../core/errors.js';
import type { Permission } from '../core/org-permissions.js';
import { useConfig } from '../hooks/config-provider.js';
import { useBot, usePublishBot, useUpdateBot } from '../hooks/use-bots.js';
import { useOrgRole } from '../hooks/use-org-role.js';
import { useSelectedOrg } from '../hooks/use-selected-org.js';
import {
  useAddSource,
  useDeleteSource,
  useReindexSource,
  useSetSourceCitable,
  useSources,
} from '../hooks/use-sources.js';
import { useAddWebsite } from '../hooks/use-website.js';

export default function BotDetailPage() {
  const { botId } = useParams();
  return (
    <RequireSession>
      <BotDetail botId={botId!} />
    </RequireSession>
  );
}

function BotDetail({ botId }: { botId: string }) {
  const [orgId] = useSelectedOrg();
  const bot = useBot({ orgId, botId });
  const { can } = useOrgRole(orgId);
  if (!orgId) return <Empty>Create or pick an organization first.</Empty>;
  return (
    <section aria-labelledby="bot-title">
      <p>
        <Link to="/bots">← All bots</Link>
      </p>
      <QueryState query={bot} loading="Loading the bot…">
        {(data) => (
          <>
            <h1 id="bot-title">{data.name}</h1>
            <p>
              <Link to={`/bots/${data.id}/inbox`} data-testid="open-inbox">
                Inbox: conversations, leads and webhook
              </Link>
            </p>
            <AnswererNotice bot={data} />
            <BotSettings bot={data} may={can('manageBots')} />
            <KnowledgeEmbedder bot={data} />
            <KnowledgeSources orgId={data.orgId} botId={data.id} may={can('manageKnowledge')} />
            <TestChat botId={data.id} />
            <EmbedSnippet bot={data} may={can('manageBots')} />
            <DeleteBot bot={data} may={can('manageBots')} />
          </>
        )}
      </QueryState>
    </section>
  );
}

function BotSettings({ bot, may }: { bot: Bot; may: Permission }) {
  const update = useUpdateBot();
  return (
    <details className="card">
      <summary>
        <h2 style={{ display: 'inline' }}>Settings</h2>
      </summary>
      <BotForm
        key={bot.id}
        initial={bot}
        submitLabel="Save"
        pending={update.isPending}
        permission={may}
        onSubmit={(changes) => update.mutate({ orgId: bot.orgId, botId: bot.id, changes })}
      />
      {update.isSuccess ? <p role="status">Saved.</p> : null}
      {update.error ? <ErrorNotice error={update.error} /> : null}
    </details>
  );
}

/**
 * Exported for its test. Every control sits in one fieldset that is disabled, with the reason
 * shown once, for a role the api would refuse (an auditor reads the sources, nothing more).
 */
export function KnowledgeSources({ orgId, botId, may }: { orgId: string; botId: string; may: Permission }) {
  const sources = useSources({ orgId, botId });
  const add = useAddSource({ orgId, botId });
  const toggle = useSetSourceCitable({ orgId, botId });
  const remove = useDeleteSource({ orgId, botId });
  const reindex = useReindexSource({ orgId, botId });
  const [confirmDelete, setConfirmDelete] = useState<string>();
  const [citable, setCitable] = useState(true);
  const [uploadProgress, setUploadProgress] = useState<number | undefined>();
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [siteUrl, setSiteUrl] = useState('');
  const addSite = useAddWebsite({ orgId, botId });
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <div className="card">
      <h2>Knowledge</h2>
      {may.allowed ? null : (
        <p className="reason" data-testid="knowledge-disabled-reason">
          {may.reason}
        </p>
      )}
      <fieldset className="plain" disabled={!may.allowed}>
        <div className="field">
          <input
            id="new-source-citable"
            type="checkbox"
            checked={citable}
            onChange={(e) => setCitable(e.target.checked)}
          />{' '}
          <label htmlFor="new-source-citable" style={{ display: 'inline' }}>
            New sources are citable (unchecked: learn-only, used for answers but never quoted)
          </label>
        </div>
        <div className="row">
          <div>
            <label htmlFor="source-file">Upload a file ({ACCEPTED_SOURCE_EXTENSIONS.join(', ')})</label>
            <input
              id="source-file"
              ref={fileInput}
              data-testid="source-file"
              type="file"
              accept={ACCEPTED_SOURCE_EXTENSIONS.join(',')}
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (!file) return;
                setUploadProgress(0);
                add.mutate(
                  { kind: 'file', file, citable, onProgress: setUploadProgress },
                  {
                    onSettled: () => {
                      setUploadProgress(undefined);
                      if (fileInput.current) fileInput.current.value = '';
                    },
                  },
                );
              }}
            />
          </div>
          {uploadProgress !== undefined ? (
            <div>
              <label htmlFor="upload-progress">Uploading</label>
              <progress
                id="upload-progress"
                data-testid="upload-progress"
                max={100}
                value={Math.round(uploadProgress * 100)}
              >
                {Math.round(uploadProgress * 100)} %
              </progress>
            </div>
          ) : null}
        </div>
        <form
          className="field"
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate(
              { kind: 'text', name: text.slice(0, 40), content: text, citable },
              { onSuccess: () => setText('') },
            );
          }}
        >
          <label htmlFor="source-text">Paste text</label>
          <textarea
            id="source-text"
            data-testid="source-text"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" disabled={!text.trim() || add.isPending}>
            Add text
          </button>
        </form>
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            add.mutate({ kind: 'url', name: url, content: url, citable }, { onSuccess: () => setUrl('') });
          }}
        >
          <div>
            <label htmlFor="source-url">Web page URL</label>
            <input
              id="source-url"
              type="url"
              placeholder="https://…"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
          <button type="submit" disabled={!url.trim() || add.isPending}>
            Add URL
          </button>
        </form>
        {add.error ? <ErrorNotice error={add.error} /> : null}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            addSite.mutate({ startUrl: siteUrl, citable }, { onSuccess: () => setSiteUrl('') });
          }}
        >
          <div>
            <label htmlFor="source-website">
              Whole website (start page or sitemap.xml of your docs or help centre)
            </label>
            <input
              id="source-website"
              type="url"
              placeholder="https://docs.example.com/"
              value={siteUrl}
              onChange={(e) => setSiteUrl(e.target.value)}
            />
          </div>
          <button type="submit" disabled={!siteUrl.trim() || addSite.isPending}>
            Crawl website
          </button>
        </form>
        {addSite.error ? <ErrorNotice error={addSite.error} /> : null}
        <h3>Sources</h3>
        <p className="status">
          Unticking “citable” makes a source learn-only from the next answer on: it still informs answers but
          is never quoted or cited.
        </p>
        {toggle.error ? <ErrorNotice error={toggle.error} /> : null}
        <QueryState
          query={sources}
          loading="Loading sources…"
          isEmpty={(list) => list.length === 0}
          empty="No knowledge yet."
        >
          {(list) => (
            // Scrolls sideways on a phone (a website's crawl row is wide): focusable, so a keyboard can scroll it too.
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus
            <div className="table-scroll" tabIndex={0}>
              <table data-testid="source-list">
                <thead>
                  <tr>
                    <th scope="col">Source</th>
                    <th scope="col">Status</th>
                    <th scope="col">Progress</th>
                    <th scope="col">Citable</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((source) => (
                    <tr key={source.id} data-testid={`source-${source.id}`}>
                      <td>
                        {source.name} <span className="status">({source.type})</span>
                      </td>
                      <td
                        className={
                          source.status === 'failed' ? 'fail' : source.status === 'ready' ? 'ok' : ''
                        }
                      >
                        {source.status}
                        {source.error ? `: ${source.error}` : ''}
                        {source.type === 'website' ? (
                          <WebsiteCrawl orgId={orgId} botId={botId} websiteId={source.id} />
                        ) : null}
                      </td>
                      <td>
                        <progress
                          max={100}
                          value={source.progress}
                          aria-label={`${source.name} ingestion progress`}
                        >
                          {source.progress} %
                        </progress>{' '}
                        <span data-testid="source-progress">{source.progress} %</span>
                      </td>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`${source.name} is citable`}
                          checked={source.citable}
                          disabled={toggle.isPending}
                          onChange={(e) => toggle.mutate({ sourceId: source.id, citable: e.target.checked })}
                        />{' '}
                        {source.citable ? 'citable' : 'learn-only'}
                      </td>
                      <td>
                        {confirmDelete === source.id ? (
                          <span className="row">
                            <button
                              type="button"
                              className="danger"
                              data-testid="confirm-delete-source"
                              disabled={remove.isPending}
                              onClick={() =>
                                remove.mutate(
                                  { sourceId: source.id },
                                  { onSettled: () => setConfirmDelete(undefined) },
                                )
                              }
                            >
                              Delete {source.name} and its chunks
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              onClick={() => setConfirmDelete(undefined)}
                            >
                              Keep
                            </button>
                          </span>
                        ) : (
                          <span className="row">
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`Re-index ${source.name}`}
                              disabled={
                                reindex.isPending ||
                                source.status === 'processing' ||
                                source.status === 'pending'
                              }
                              onClick={() => reindex.mutate({ sourceId: source.id })}
                            >
                              Re-index
                            </button>
                            <button
                              type="button"
                              className="secondary"
                              aria-label={`Delete ${source.name}`}
                              onClick={() => setConfirmDelete(source.id)}
                            >
                              Delete
                            </button>
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </QueryState>
      </fieldset>
      {toggle.error ? <ErrorNotice error={toggle.error} /> : null}
      {remove.error ? <ErrorNotice error={remove.error} /> : null}
      {reindex.error ? <ErrorNotice error={reindex.error} /> : null}
    </div>
  );
}

interface ChatTurn {
  id: number;
  question: string;
  answer: string;
  citations: Citation[];
  error?: string;
}

function TestChat({ botId }: { botId: string }) {
  const config = useConfig();
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const [message, setMessage] = useState('');
  const [pending, setPending] = useState(false);
  const conversation = useRef<string | undefined>(undefined);

  async function send() {
    const question = message.trim();
    if (!question) return;
    setMessage('');
    setPending(true);
    setTurns((t) => [...t, { id: (t.at(-1)?.id ?? 0) + 1, question, answer: '', citations: [] }]);
    const patchLast = (patch: (turn: ChatTurn) => ChatTurn) =>
      setTurns((t) => [...t.slice(0, -1), patch(t[t.length - 1]!)]);
    try {
      const result = await streamTestChat(config, {
        botId,
        message: question,
        ...(conversation.current ? { conversationId: conversation.current } : {}),
        onToken: (text) => patchLast((turn) => ({ ...turn, answer: turn.answer + text })),
      });
      conversation.current = result.conversationId;
      patchLast((turn) => ({ ...turn, answer: result.answer, citations: result.citations }));
    } catch (error) {
      patchLast((turn) => ({ ...turn, error: errorMessage(error) }));
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="card">
      <h2>Test chat</h2>
      <div
        className="chat-log"
        role="log"
        aria-busy={pending}
        aria-label="Test chat conversation"
        data-testid="chat-log"
        // A scrolling region (its height is capped) must take focus so a keyboard can scroll it;
        // axe counts it as scrollable once its content passes its box by a single pixel.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus
        tabIndex={0}
      >
        {turns.length === 0 ? <Empty>Ask the bot something to test its answers and citations.</Empty> : null}
        {turns.map((turn) => (
          <div key={turn.id} className="card">
            <p>
              <strong>You:</strong> {turn.question}
            </p>
            <div data-testid="chat-answer" className="chat-answer">
              <strong>Bot:</strong>{' '}
              {turn.answer ? <MarkdownText text={turn.answer} /> : turn.error ? '' : '…'}
            </div>
            {turn.error ? (
              <p className="fail" role="alert">
                {turn.error}
              </p>
            ) : null}
            {turn.citations.length > 0 ? (
              <ol data-testid="chat-citations" aria-label="Citations">
                {turn.citations.map((citation) => (
                  <li key={`${citation.sourceId}-${citation.title}-${citation.snippet ?? ''}`}>
                    {citation.url ? (
                      <a href={citation.url} target="_blank" rel="noreferrer">
                        {citation.title}
                      </a>
                    ) : (
                      citation.title
                    )}
                    {citation.snippet ? <blockquote>{citation.snippet}</blockquote> : null}
                  </li>
                ))}
              </ol>
            ) : null}
          </div>
        ))}
      </div>
      <form
        className="row"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <div style={{ flex: 1 }}>
          <label htmlFor="chat-message">Message</label>
          <input
            id="chat-message"
            data-testid="chat-message"
            style={{ width: '100%' }}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
        </div>
        <button type="submit" data-testid="chat-send" disabled={pending || !message.trim()}>
          {pending ? 'Answering…' : 'Send'}
        </button>
      </form>
      {pending ? <Loading label="The bot is answering…" /> : null}
    </div>
  );
}

function EmbedSnippet({ bot, may }: { bot: Bot; may: Permission }) {
  const config = useConfig();
  const apiOrigin = publicApiOrigin(config.apiUrl, window.location.origin);
  const snippet = embedSnippet(apiOrigin, bot);
  const [preview, setPreview] = useState(false);
  return (
    <div className="card">
      <h2>Embed on your site</h2>
      <p>Paste these two lines before &lt;/body&gt; on a page whose origin is allowed above.</p>
      <pre className="snippet" data-testid="embed-snippet">
        {snippet}
      </pre>
      <CopyButton text={snippet} label="Copy snippet" />
      <PublishControl bot={bot} may={may} />
      {bot.allowedOrigins.length === 0 ? (
        <p className="fail">No origin is allowed yet: the widget will not load anywhere until you add one.</p>
      ) : null}
      <RefusedOrigins bot={bot} />
      <div style={{ marginTop: 12 }}>
        <button
          type="button"
          className="secondary"
          aria-expanded={preview}
          onClick={() => setPreview((p) => !p)}
        >
          {preview ? 'Hide live preview' : 'Show live preview'}
        </button>
        {preview ? (
          <iframe
            title={`Live preview of ${bot.name}`}
            data-testid="embed-preview"
            src={`${apiOrigin}/embed/${encodeURIComponent(bot.id)}?preview=1`}
            style={{
              width: '100%',
              maxWidth: 380,
              height: 560,
              border: '1px solid var(--border)',
              borderRadius: 12,
              display: 'block',
              marginTop: 12,
            }}
          />
        ) : null}
      </div>
    </div>
  );
}

function PublishControl({ bot, may }: { bot: Bot; may: Permission }) {
  const publish = usePublishBot();
  return (
    <div className="row" style={{ marginTop: 12 }}>
      <p data-testid="publish-state" role="status">
        {bot.published
          ? 'Published: visitors can chat with it on the allowed origins.'
          : 'Not published: only members can chat with it (test chat).'}
      </p>
      <GuardedButton
        data-testid="publish-bot"
        className={bot.published ? 'secondary' : undefined}
        permission={may}
        disabled={publish.isPending}
        onClick={() => publish.mutate({ orgId: bot.orgId, botId: bot.id, published: !bot.published })}
      >
        {bot.published ? 'Unpublish' : 'Publish'}
      </GuardedButton>
      {publish.error ? <ErrorNotice error={publish.error} /> : null}
    </div>
  );
}
