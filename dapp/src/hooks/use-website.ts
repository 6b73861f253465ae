import {
  type UseMutationResult,
  type UseQueryResult,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  addWebsite,
  cancelCrawl,
  getWebsite,
  recrawlWebsite,
  setRecrawlInterval,
  type Website,
} from '../core/api/website-actions.js';
import type { BaseError } from '../core/errors.js';
import { useConfig } from './config-provider.js';

interface WebsiteRef {
  orgId: string;
  botId: string;
  websiteId: string;
}

const crawling = (website: Website | undefined) =>
  website?.crawl?.status === 'queued' || website?.crawl?.status === 'running';

/** A website source and its latest crawl; polled every second while the crawl is queued or running. */
export function useWebsite(ref: WebsiteRef): UseQueryResult<Website, BaseError> {
  const config = useConfig();
  return useQuery({
    queryKey: ['website', ref],
    queryFn: () => getWebsite(config, ref),
    enabled: Boolean(config.session.get()),
    refetchInterval: (query) => (crawling(query.state.data) ? 1000 : false),
  });
}

/** Cancel or re-crawl: the website's view is what the api answers, and the source list follows. */
export function useCrawlControl(
  ref: WebsiteRef,
): UseMutationResult<Website, BaseError, 'cancel' | 'recrawl'> {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: 'cancel' | 'recrawl') =>
      action === 'cancel' ? cancelCrawl(config, ref) : recrawlWebsite(config, ref),
    onSuccess: (website) => {
      queryClient.setQueryData(['website', ref], website);
      return queryClient.invalidateQueries({ queryKey: ['sources'] });
    },
  });
}

/** Sets or clears the re-crawl schedule; the website's view is what the api answers. */
export function useRecrawlSchedule(ref: WebsiteRef): UseMutationResult<Website, BaseError, number | null> {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (minutes: number | null) =>
      setRecrawlInterval(config, { ...ref, recrawlIntervalMinutes: minutes }),
    onSuccess: (website) => queryClient.setQueryData(['website', ref], website),
  });
}

export function useAddWebsite(parameters: {
  orgId: string;
  botId: string;
}): UseMutationResult<Website, BaseError, { startUrl: string; citable: boolean }> {
  const config = useConfig();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: { startUrl: string; citable: boolean }) =>
      addWebsite(config, { ...parameters, ...variables }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sources'] }),
  });
}
