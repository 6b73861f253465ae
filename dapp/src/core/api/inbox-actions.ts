/**
 * The api's inbox of a bot: its conversations (with search and a day range), one transcript
 * with its citations, the leads it collected, and its webhook's delivery log and test event.
 */
import type { DappConfig } from '../config.js';
import { apiRequest } from './api-request.js';

interface BotRef {
  orgId: string;
  botId: string;
}

export interface ConversationSummary {
  id: string;
  visitorId: string;
  origin: string | null;
  messageCount: number;
  createdAt: string;
  lastMessageAt: string;
}

export interface TranscriptCitation {
  sourceId?: string;
  title?: string;
  url?: string | null;
}

export interface Transcript extends ConversationSummary {
  messages: {
    id: string;
    role: 'user' | 'assistant' | 'system';
    content: string;
    citations: TranscriptCitation[];
    createdAt: string;
  }[];
}

export interface Lead {
  id: string;
  email: string;
  name: string | null;
  consent: boolean;
  consentAt: string | null;
  /** The consent sentence the form showed, word for word, and its version (null on leads from before the api recorded them). */
  consentText?: string | null;
  consentVersion?: string | null;
  conversationId: string | null;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  url: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface ConversationFilter {
  /** words one of its messages contains */
  q?: string;
  /** calendar days, YYYY-MM-DD, inclusive */
  from?: string;
  to?: string;
}

const botPath = ({ orgId, botId }: BotRef) =>
  `/v1/orgs/${encodeURIComponent(orgId)}/bots/${encodeURIComponent(botId)}`;

export function listConversations(
  config: DappConfig,
  parameters: BotRef & ConversationFilter,
): Promise<ConversationSummary[]> {
  const search = new URLSearchParams({ limit: '100' });
  if (parameters.q?.trim()) search.set('q', parameters.q.trim());
  if (parameters.from) search.set('from', parameters.from);
  if (parameters.to) search.set('to', parameters.to);
  return apiRequest<{ conversations: ConversationSummary[] }>(config, {
    path: `${botPath(parameters)}/conversations?${search}`,
  }).then((body) => body.conversations);
}

export function getTranscript(
  config: DappConfig,
  parameters: BotRef & { conversationId: string },
): Promise<Transcript> {
  return apiRequest<Transcript>(config, {
    path: `${botPath(parameters)}/conversations/${encodeURIComponent(parameters.conversationId)}`,
  });
}

export function listLeads(config: DappConfig, parameters: BotRef): Promise<Lead[]> {
  return apiRequest<{ leads: Lead[] }>(config, { path: `${botPath(parameters)}/leads?limit=500` }).then(
    (body) => body.leads,
  );
}

/** A website that tried to show the bot's widget but is not among its allowed origins. */
export interface EmbedRefusal {
  origin: string;
  count: number;
  lastSeenAt: string;
}

export function listEmbedRefusals(config: DappConfig, parameters: BotRef): Promise<EmbedRefusal[]> {
  return apiRequest<{ refusals: EmbedRefusal[] }>(config, {
    path: `${botPath(parameters)}/embed-refusals`,
  }).then((body) => body.refusals);
}

export function listWebhookDeliveries(config: DappConfig, parameters: BotRef): Promise<WebhookDelivery[]> {
  return apiRequest<{ deliveries: WebhookDelivery[] }>(config, {
    path: `${botPath(parameters)}/webhook-deliveries?limit=20`,
  }).then((body) => body.deliveries);
}

export function sendTestWebhookEvent(
  config: DappConfig,
  parameters: BotRef,
): Promise<{ deliveryId: string }> {
  return apiRequest(config, { method: 'POST', path: `${botPath(parameters)}/webhook-test`, body: {} });
}

/** RFC 4180: quoted when needed, quotes doubled; a leading =+-@ is defused for spreadsheets. */
function csvCell(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The leads as CSV with the time of consent and the consent text each visitor was shown, as
 * recorded with the lead; `fallbackConsentText` (the bot's current setting) only for leads
 * from before the api recorded it.
 */
export function leadsToCsv(leads: Lead[], fallbackConsentText: string | undefined): string {
  const header = [
    'email',
    'name',
    'consent',
    'consent_at',
    'consent_text',
    'consent_version',
    'conversation_id',
    'created_at',
  ];
  const rows = leads.map((lead) => [
    lead.email,
    lead.name ?? '',
    lead.consent ? 'yes' : 'no',
    lead.consentAt ?? '',
    lead.consentText ?? fallbackConsentText ?? '',
    lead.consentVersion ?? '',
    lead.conversationId ?? '',
    lead.createdAt,
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
