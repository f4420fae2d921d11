import type { Component } from 'svelte';

/**
 * The route table. Every page component takes `params` (the `:name` segments) and reads the query
 * from `router.query`. `auth: 'user'` pages send a guest to sign-in and back; `auth: 'admin'` pages
 * also need the `admin` label (the functions check again). The feed is in the main bundle (first
 * paint); every other page is its own chunk, loaded on first visit — the dashboard and admin pages
 * the heaviest of them.
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
 * Every page but the feed, as lazy chunks. `import.meta.glob` (not `import()` per page) keeps the
 * loaders typed for svelte-check, and adds a page file without touching this list.
 */
const pages = import.meta.glob<PageModule>([
  '../pages/*.svelte',
  '!../pages/Feed.svelte',
  '!../pages/Dev*.svelte',
]);
/** Development-only pages (the local outbox); production builds leave them out. */
const devPages = import.meta.env.DEV ? import.meta.glob<PageModule>('../pages/Dev*.svelte') : {};
const feed = import.meta.glob<PageModule>('../pages/Feed.svelte', { eager: true })[
  '../pages/Feed.svelte'
] as PageModule;

function page(name: string): () => Promise<PageModule> {
  const load = pages[`../pages/${name}.svelte`] ?? devPages[`../pages/${name}.svelte`];
  if (!load) throw new Error(`no page client/src/pages/${name}.svelte`);
  return load;
}

export const routes: readonly AppRoute[] = [
  { pattern: '/', title: 'Feed', load: async () => feed },
  { pattern: '/post/:id', title: 'Post', load: page('Post') },
  { pattern: '/post/:id/edit', title: 'Edit post', load: page('Compose'), auth: 'user' },
  { pattern: '/new', title: 'New post', load: page('Compose'), auth: 'user' },
  { pattern: '/search', title: 'Search', load: page('Search') },
  { pattern: '/signin', title: 'Sign in', load: page('SignIn') },
  { pattern: '/signup', title: 'Sign up', load: page('SignUp') },
  { pattern: '/verify', title: 'Verify email', load: page('Verify') },
  { pattern: '/recover', title: 'Reset password', load: page('Recover') },
  { pattern: '/u/:id', title: 'Profile', load: page('Profile') },
  { pattern: '/settings', title: 'Settings', load: page('Settings'), auth: 'user' },
  { pattern: '/dashboard', title: 'Dashboard', load: page('Dashboard') },
  { pattern: '/admin', title: 'Admin', load: page('Admin'), auth: 'admin' },
  ...(import.meta.env.DEV
    ? [{ pattern: '/dev/outbox', title: 'Local outbox', load: page('DevOutbox') }]
    : []),
];
