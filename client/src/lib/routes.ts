import type { Component } from 'svelte';
import Feed from '../pages/Feed.svelte';

/**
 * The route table. Every page component takes `params` (the `:name` segments) and reads the query
 * from `router.query`. `auth: 'user'` pages send a guest to sign-in and back; `auth: 'admin'` pages
 * also need the `admin` label (the functions check again). Only the feed is in the main bundle;
 * the other pages load on first visit, in two chunks (below).
 */
export interface PageProps {
  params: Record<string, string>;
}

export interface AppRoute {
  pattern: string;
  /** The document title (before ` · Agora`). */
  title: string;
  load: () => Promise<{ default: Component<PageProps> }>;
  auth?: 'user' | 'admin';
}

type PageModule = { default: Component<PageProps> };

/**
 * Which pages load lazily. The first screen — the feed, and a tag's feed, which is the same page —
 * is in the main bundle with the Markdown renderer its cards need, and nothing else: a first visit
 * stays within the 100 KB budget (client/README.md). The everyday pages (post, compose, search,
 * the account pages) share one chunk, fetched on the first visit to any of them; the heavy, rarely
 * visited ones (dashboard with its chart, admin, profile, settings with the avatar upload) another.
 * One chunk per group compresses smaller than a chunk per page.
 */
type EverydayPage = keyof typeof import('./everyday-pages.ts');
type RarePage = keyof typeof import('./lazy-pages.ts');
const EVERYDAY: readonly EverydayPage[] = [
  'Post',
  'Compose',
  'Notifications',
  'Search',
  'SignIn',
  'SignUp',
  'Verify',
  'Recover',
];
const RARE: readonly RarePage[] = ['Profile', 'Settings', 'Dashboard', 'Admin', 'Moderation'];

/** Development-only pages (the local outbox); production builds leave them out. */
const devPages = import.meta.env.DEV ? import.meta.glob<PageModule>('../pages/Dev*.svelte') : {};

const isEveryday = (name: string): name is EverydayPage =>
  (EVERYDAY as readonly string[]).includes(name);
const isRare = (name: string): name is RarePage => (RARE as readonly string[]).includes(name);

function page(name: string): () => Promise<PageModule> {
  if (name === 'Feed') return async () => ({ default: Feed });
  if (isEveryday(name)) {
    return async () => ({
      default: (await import('./everyday-pages.ts'))[name] as Component<PageProps>,
    });
  }
  if (isRare(name)) {
    return async () => ({
      default: (await import('./lazy-pages.ts'))[name] as Component<PageProps>,
    });
  }
  const load = devPages[`../pages/${name}.svelte`];
  if (!load) throw new Error(`no page client/src/pages/${name}.svelte`);
  return load;
}

export const routes: readonly AppRoute[] = [
  { pattern: '/', title: 'Feed', load: page('Feed') },
  { pattern: '/tags/:tag', title: 'Tag', load: page('Feed') },
  { pattern: '/post/:id', title: 'Post', load: page('Post') },
  { pattern: '/post/:id/edit', title: 'Edit post', load: page('Compose'), auth: 'user' },
  { pattern: '/new', title: 'New post', load: page('Compose'), auth: 'user' },
  { pattern: '/search', title: 'Search', load: page('Search') },
  {
    pattern: '/notifications',
    title: 'Notifications',
    load: page('Notifications'),
    auth: 'user',
  },
  { pattern: '/signin', title: 'Sign in', load: page('SignIn') },
  { pattern: '/signup', title: 'Sign up', load: page('SignUp') },
  { pattern: '/verify', title: 'Verify email', load: page('Verify') },
  { pattern: '/recover', title: 'Reset password', load: page('Recover') },
  { pattern: '/u/:id', title: 'Profile', load: page('Profile') },
  { pattern: '/settings', title: 'Settings', load: page('Settings'), auth: 'user' },
  { pattern: '/dashboard', title: 'Dashboard', load: page('Dashboard') },
  { pattern: '/admin', title: 'Admin', load: page('Admin'), auth: 'admin' },
  { pattern: '/admin/reports', title: 'Moderation', load: page('Moderation'), auth: 'admin' },
  ...(import.meta.env.DEV
    ? [{ pattern: '/dev/outbox', title: 'Local outbox', load: page('DevOutbox') }]
    : []),
];
