/**
 * `npm run bench`: measures the figures the issues name and prints each beside a baseline measured
 * in the same run. Not part of `npm test`: timing never decides a test. BENCH_SECONDS sets how long
 * each load run lasts (default 5). Name groups to run only those: `npm run bench -- posts client`.
 */

import { benchAbuse } from './abuse.ts';
import { benchClient } from './client.ts';
import { benchClientFeed } from './client-feed.ts';
import { benchConsole } from './console.ts';
import { benchFunctions } from './functions.ts';
import { benchDashboard } from './functions-dashboard.ts';
import { benchExport } from './functions-export.ts';
import { benchPosts } from './functions-posts.ts';
import { type Figure, report } from './lib/report.ts';
import { benchLocalState } from './local-state.ts';
import { benchNotifications } from './notifications.ts';
import { benchRealtimeFanout } from './realtime-fanout.ts';
import { benchSites } from './sites.ts';
import { benchStart } from './start.ts';
import { benchTablesDB } from './tablesdb.ts';
import { benchTransactions } from './transactions.ts';

const GROUPS: Record<string, [title: string, run: () => Promise<Figure[]>]> = {
  tablesdb: ['Local Appwrite: data and identity (issue 3)', benchTablesDB],
  transactions: [
    'Local Appwrite: a 100-operation transaction beside createRows (issue 14)',
    benchTransactions,
  ],
  realtime: ['Local Appwrite: Realtime fan-out (issue 5)', benchRealtimeFanout],
  functions: ['Local Appwrite: functions (issue 4)', benchFunctions],
  export: ['Agora functions: CSV export (issue 6)', benchExport],
  posts: ['Agora functions: posts end to end (issue 6)', benchPosts],
  client: [
    'Svelte client: size, first feed render (SDK 28 vs 26.2.0), live post (issues 7, 13)',
    benchClient,
  ],
  'client-feed': [
    'Svelte client: formatting render time, feed sorts at 100k posts, first visit (issue 16)',
    benchClientFeed,
  ],
  notifications: [
    'Svelte client: a comment → the author’s bell, beside the live post (issue 16)',
    benchNotifications,
  ],
  dashboard: ['Agora functions: dashboard stats (issue 6)', benchDashboard],
  abuse: ['Local Appwrite: a guest cannot stall the server (security issue)', benchAbuse],
  state: ['Local Appwrite: state export and import (issue 18)', benchLocalState],
  console: ['Local console: first render, a page of 100k rows (issue 18)', benchConsole],
  sites: ['The client as an Appwrite Site: push → ready (issue 15)', benchSites],
  start: ['npm start: ready with demo data, and its memory (issue 17)', benchStart],
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in GROUPS));
if (unknown.length > 0) {
  console.error(
    `Unknown bench group ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}.`,
  );
  process.exit(2);
}
for (const [name, [title, run]] of Object.entries(GROUPS)) {
  if (asked.length === 0 || asked.includes(name)) report(title, await run());
}
