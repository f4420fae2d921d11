import type { Component } from 'svelte';

/**
 * The route table. Every page component takes `params` (the `:name` segments) and reads the query
 * from `router.query`. `auth: 'user'` pages send a guest to sign-in and back; `auth: 'admin'` pages
 * also need the `admin` label (the functions check again). The feed and the everyday
 * pages are in the main bundle; the rarely visited ones load on first visit, from one chunk.
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
 * Which pages load lazily. The heavy, rarely visited ones (dashboard with its chart, admin, profile,
 * settings with the avatar upload) share one chunk, fetched on the first visit to any of them; the
 * everyday pages (feed, post, compose, search, accounts) ship in the main bundle: one request, and
 * smaller in total than many small chunks each compressed on its own.
 */
type LazyPage = keyof typeof import('./lazy-pages.ts');
const LAZY: readonly LazyPage[] = ['Profile', 'Settings', 'Dashboard', 'Admin'];

const eagerPages = import.meta.glob<PageModule>(
  [
    '../pages/*.svelte',
    '!../pages/Profile.svelte',
    '!../pages/Settings.svelte',
    '!../pages/Dashboard.svelte',
    '!../pages/Admin.svelte',
    '!../pages/Dev*.svelte',
  ],
  { eager: true },
);
/** Development-only pages (the local outbox); production builds leave them out. */
const devPages = import.meta.env.DEV ? import.meta.glob<PageModule>('../pages/Dev*.svelte') : {};

const isLazy = (name: string): name is LazyPage => (LAZY as readonly string[]).includes(name);

function page(name: string): () => Promise<PageModule> {
  if (isLazy(name)) {
    return async () => ({
      default: (await import('./lazy-pages.ts'))[name] as Component<PageProps>,
    });
  }
  const key = `../pages/${name}.svelte`;
  const eager = eagerPages[key];
  const load = eager ? async () => eager : devPages[key];
  if (!load) throw new Error(`no page client/src/pages/${name}.svelte`);
  return load;
}

export const routes: readonly AppRoute[] = [
  { pattern: '/', title: 'Feed', load: page('Feed') },
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
