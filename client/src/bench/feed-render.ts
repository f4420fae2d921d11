/**
 * The render bench's page (`npm run bench -- client-feed`, bench/client-feed.ts): builds on its
 * own (never part of the app's bundle) and, in Chromium, mounts a feed page — 25 PostCards of long
 * Markdown posts — the way the Feed does, timing mount → DOM → layout. `window.feedRender(plain,
 * round)` renders the same posts formatted or, under the `PLAIN_BODIES` context, as typed (the
 * baseline); `round` varies every body so the renderer's token cache never answers.
 */
import '../app.css';
import { flushSync, mount, unmount } from 'svelte';
import type { Post } from '#shared/schemas/post.ts';
import PostCard from '../components/PostCard.svelte';
import { PLAIN_BODIES } from '../lib/body-context.ts';

const PAGE = 25;

/** About 3,000 characters of everyday Markdown: paragraphs, emphasis, a list, code, a quote, links. */
function longBody(index: number, round: number): string {
  const paragraph = (n: number) =>
    `Paragraph ${n} of post ${index} (round ${round}): we tried **Svelte 5 runes** with the *appwrite* web SDK and \`listRows\` queries, and wrote down what worked — see https://appwrite.io/docs/products/databases/tables and [the Svelte docs](https://svelte.dev/docs/svelte/$state) for the details.`;
  return [
    paragraph(1),
    '- first, the schema\n- then the **functions**\n- last, the client with `zod/mini`',
    paragraph(2),
    '```\nconst rows = await tables.listRows({ databaseId, tableId, queries });\nconsole.log(rows.total);\n```',
    `> A quote from the thread, round ${round}: keep it *small* and fast.`,
    paragraph(3),
    '1. measure\n2. change one thing\n3. measure again',
    paragraph(4),
    paragraph(5),
    paragraph(6),
    paragraph(7),
  ].join('\n\n');
}

function posts(round: number): Post[] {
  return Array.from({ length: PAGE }, (_, index) => ({
    $id: `post${index}`,
    $sequence: String(index + 1),
    $tableId: 'posts',
    $databaseId: 'agora',
    $createdAt: '2026-12-06T10:00:00.000+00:00',
    $updatedAt: '2026-12-06T10:00:00.000+00:00',
    $permissions: [],
    authorId: `author${index % 5}`,
    title: `A long post about formatting, number ${index}`,
    body: longBody(index, round),
    tags: ['svelte', 'appwrite'],
    likesCount: index % 4,
    commentsCount: index % 3,
    hidden: false,
    hiddenReason: null,
  }));
}

/**
 * Mounts one feed page and returns the milliseconds to a laid-out DOM; then removes it, unless
 * `keep` (the bench then checks what was drawn).
 */
function feedRender(plain: boolean, round: number, keep = false): number {
  const page = posts(round);
  const target = document.createElement('main');
  target.className = 'stack';
  document.body.replaceChildren(target);
  const context = new Map<unknown, unknown>(plain ? [[PLAIN_BODIES, true]] : []);
  const start = performance.now();
  const mounted = page.map((post) =>
    mount(PostCard, {
      target,
      context,
      props: {
        post,
        like: { liked: false, likesCount: post.likesCount },
        onLike: () => undefined,
      },
    }),
  );
  flushSync();
  void target.offsetHeight; // style and layout, as a frame would
  const elapsed = performance.now() - start;
  if (!keep) for (const app of mounted) void unmount(app);
  return elapsed;
}

(globalThis as { feedRender?: typeof feedRender }).feedRender = feedRender;
