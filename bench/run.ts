/**
 * `npm run bench`: measures the figures the issues name and prints each beside a baseline measured
 * in the same run. Not part of `npm test`: timing never decides a test. BENCH_SECONDS sets how long
 * each load run lasts (default 5).
 */

import { benchClient } from './client.ts';
import { benchFunctions } from './functions.ts';
import { benchDashboard } from './functions-dashboard.ts';
import { benchExport } from './functions-export.ts';
import { benchPosts } from './functions-posts.ts';
import { report } from './lib/report.ts';
import { benchRealtimeFanout } from './realtime-fanout.ts';
import { benchTablesDB } from './tablesdb.ts';

report('Local Appwrite: data and identity (issue 3)', await benchTablesDB());
report('Local Appwrite: Realtime fan-out (issue 5)', await benchRealtimeFanout());
report('Local Appwrite: functions (issue 4)', await benchFunctions());
report('Agora functions: CSV export (issue 6)', await benchExport());
report('Agora functions: posts end to end (issue 6)', await benchPosts());
report('Svelte client: size, first feed render, live post (issue 7)', await benchClient());
report('Agora functions: dashboard stats (issue 6)', await benchDashboard());
