/**
 * Routes. Every page but sign-in is its own chunk: the charts (recharts) and the chain code
 * (secretjs, cosmjs) load with the pages that use them, which keeps the first load small.
 */
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Loading } from '../components/query-state.js';
import { SignInPage } from '../pages/sign-in-page.js';
import { AppLayout } from './app-layout.js';

const OrgsPage = lazy(() => import('../pages/orgs-page.js'));
const BillingPage = lazy(() => import('../pages/billing-page.js'));
const BotsPage = lazy(() => import('../pages/bots-page.js'));
const BotDetailPage = lazy(() => import('../pages/bot-detail-page.js'));
const BotInboxPage = lazy(() => import('../pages/bot-inbox-page.js'));
const UsagePage = lazy(() => import('../pages/usage-page.js'));
const AuditorPage = lazy(() => import('../pages/auditor-page.js'));
const SettingsPage = lazy(() => import('../pages/settings-page.js'));

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<Navigate to="/orgs" replace />} />
        <Route path="sign-in" element={<SignInPage />} />
        <Route path="orgs" element={<Lazy page={<OrgsPage />} />} />
        <Route path="billing" element={<Lazy page={<BillingPage />} />} />
        <Route path="bots" element={<Lazy page={<BotsPage />} />} />
        <Route path="bots/:botId" element={<Lazy page={<BotDetailPage />} />} />
        <Route path="bots/:botId/inbox" element={<Lazy page={<BotInboxPage />} />} />
        <Route path="usage" element={<Lazy page={<UsagePage />} />} />
        <Route path="auditor" element={<Lazy page={<AuditorPage />} />} />
        <Route path="settings" element={<Lazy page={<SettingsPage />} />} />
        <Route path="*" element={<p>No such page.</p>} />
      </Route>
    </Routes>
  );
}

function Lazy({ page }: { page: React.ReactNode }) {
  return <Suspense fallback={<Loading label="Loading page…" />}>{page}</Suspense>;
}
