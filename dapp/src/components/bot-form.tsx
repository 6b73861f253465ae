import { useState } from 'react';
import type { Bot, BotInput, BotPosition } from '../core/api/api-types.js';
import type { Permission } from '../core/org-permissions.js';
import { GuardedButton } from './guarded-action.js';

export const DEFAULT_BOT: BotInput = {
  name: '',
  systemPrompt: 'You are a helpful assistant. Answer from the knowledge you were given.',
  model: 'default',
  temperature: 0.3,
  welcomeMessage: 'Hi! How can I help?',
  fallbackMessage: '',
  color: '#3b2fc9',
  position: 'bottom-right',
  allowedOrigins: [],
  leadCapture: false,
};

/** Create and edit share one form; allowed origins are typed one per line. */
export function BotForm({
  initial,
  submitLabel,
  pending,
  permission,
  onSubmit,
}: {
  initial: BotInput | Bot;
  submitLabel: string;
  pending: boolean;
  /** Whether the account's role lets it create or change bots (the reason shows when not). */
  permission: Permission;
  onSubmit: (bot: BotInput) => void;
}) {
  const [bot, setBot] = useState<BotInput>({
    name: initial.name,
    systemPrompt: initial.systemPrompt,
    model: initial.model,
    temperature: initial.temperature,
    welcomeMessage: initial.welcomeMessage,
    fallbackMessage: initial.fallbackMessage,
    color: initial.color,
    position: initial.position,
    allowedOrigins: initial.allowedOrigins,
    leadCapture: initial.leadCapture,
  });
  const [origins, setOrigins] = useState(initial.allowedOrigins.join('\n'));
  const set = <K extends keyof BotInput>(key: K, value: BotInput[K]) =>
    setBot((b) => ({ ...b, [key]: value }));
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({
          ...bot,
          allowedOrigins: origins
            .split('\n')
            .map((o) => o.trim().replace(/\/$/, ''))
            .filter(Boolean),
        });
      }}
    >
      <div className="field">
        <label htmlFor="bot-name">Name</label>
        <input
          id="bot-name"
          data-testid="bot-name"
          required
          maxLength={80}
          value={bot.name}
          onChange={(e) => set('name', e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="bot-prompt">System prompt</label>
        <textarea
          id="bot-prompt"
          value={bot.systemPrompt}
          onChange={(e) => set('systemPrompt', e.target.value)}
        />
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor="bot-model">Model</label>
          <input id="bot-model" value={bot.model} onChange={(e) => set('model', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="bot-temperature">Temperature</label>
          <input
            id="bot-temperature"
            type="number"
            min={0}
            max={2}
            step={0.1}
            value={bot.temperature}
            onChange={(e) => set('temperature', Number(e.target.value))}
          />
        </div>
        <div className="field">
          <label htmlFor="bot-color">Colour</label>
          <input
            id="bot-color"
            type="color"
            value={bot.color}
            onChange={(e) => set('color', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="bot-position">Position</label>
          <select
            id="bot-position"
            value={bot.position}
            onChange={(e) => set('position', e.target.value as BotPosition)}
          >
            <option value="bottom-right">Bottom right</option>
            <option value="bottom-left">Bottom left</option>
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor="bot-welcome">Welcome message</label>
        <input
          id="bot-welcome"
          value={bot.welcomeMessage}
          onChange={(e) => set('welcomeMessage', e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="bot-fallback">When nothing the bot knows answers (empty: a neutral line)</label>
        <input
          id="bot-fallback"
          maxLength={2000}
          value={bot.fallbackMessage}
          onChange={(e) => set('fallbackMessage', e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="bot-origins">Allowed website origins (one per line)</label>
        <textarea
          id="bot-origins"
          data-testid="bot-origins"
          placeholder="https://www.example.com"
          value={origins}
          onChange={(e) => setOrigins(e.target.value)}
        />
      </div>
      <div className="field">
        <input
          id="bot-lead-capture"
          type="checkbox"
          checked={bot.leadCapture}
          onChange={(e) => set('leadCapture', e.target.checked)}
        />{' '}
        <label htmlFor="bot-lead-capture" style={{ display: 'inline' }}>
          Offer visitors a lead form (their email, with consent)
        </label>
      </div>
      <GuardedButton type="submit" data-testid="save-bot" permission={permission} disabled={pending}>
        {pending ? 'Saving…' : submitLabel}
      </GuardedButton>
    </form>
  );
}
