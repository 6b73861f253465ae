// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { permission } from '../core/org-permissions.js';
import { renderWithProviders } from '../testing/render-with-providers.js';
import { testConfig } from '../testing/test-setup.js';
import { KnowledgeSources } from './bot-detail-page.js';

const source = {
  id: 's1',
  botId: 'b1',
  type: 'text',
  name: 'Refunds',
  citable: true,
  status: 'ready',
  progress: { chunksDone: 3, chunksTotal: 3 },
  bytes: 120,
  error: null,
};

function renderSources(role: 'auditor' | 'member') {
  const config = testConfig({
    apiUrl: 'http://api.test',
    fetch: async (input) =>
      String(input) === 'http://api.test/v1/orgs/1/bots/b1/sources'
        ? new Response(JSON.stringify({ sources: [source] }), {
            status: 200,
            headers: { 'content-type': 'application/json' },
          })
        : new Response('{}', { status: 404 }),
  });
  config.session.set({ address: 'secret1ajz54hz8azwuy34qwy9fkjnfcrvf0dzswy0lqq', token: 't' });
  renderWithProviders(
    <KnowledgeSources orgId="1" botId="b1" may={permission(role, 'manageKnowledge')} />,
    config,
  );
}

describe('knowledge sources follow roles', () => {
  it('shows an auditor every knowledge control disabled, with the reason once', async () => {
    renderSources('auditor');
    await screen.findByTestId('source-s1');
    expect(screen.getByTestId('knowledge-disabled-reason')).toHaveTextContent(
      'Only the owner, an admin or a member can add, re-index or delete knowledge: you are an auditor.',
    );
    for (const control of [
      screen.getByTestId('source-file'),
      screen.getByTestId('source-text'),
      screen.getByLabelText('Web page URL'),
      screen.getByRole('button', { name: 'Re-index Refunds' }),
      screen.getByRole('button', { name: 'Delete Refunds' }),
      screen.getByRole('checkbox', { name: 'Refunds is citable' }),
    ])
      expect(control).toBeDisabled();
  });

  it('leaves them enabled for a member', async () => {
    renderSources('member');
    await screen.findByTestId('source-s1');
    expect(screen.queryByTestId('knowledge-disabled-reason')).toBeNull();
    expect(screen.getByRole('button', { name: 'Re-index Refunds' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Delete Refunds' })).toBeEnabled();
    expect(screen.getByTestId('source-file')).toBeEnabled();
  });
});
