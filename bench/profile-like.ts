/**
 * The CPU profile of the like path (issue 17): the local Appwrite runs under `--cpu-prof`, users
 * like posts one after another through the `posts` function (SDK → execution → the function's API
 * calls back into the server), and the top frames by self time are printed — of the server, then of
 * the function's own process (the runtime's worker). The likes outnumber everything else the server
 * does in the run (set-up, the posts they like) about 8 to 1.
 *
 *   npx tsx bench/profile-like.ts [frames=10]
 *
 * The worker is profiled from inside: a `NODE_OPTIONS` function variable preloads a module that
 * starts V8's profiler and writes the profile when this script asks (a file appears), since the
 * runner ends its workers with SIGKILL, which leaves no `--cpu-prof` file. Nothing in the emulator
 * changes for it. `KEEP_PROFILE=1` keeps the .cpuprofile files (their paths are printed). Not part
 * of `npm run bench`: a profile slows what it measures.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Functions, ID } from 'node-appwrite';
import { FunctionId, Route } from '../shared/functions.ts';
import { execute, preparePosts } from './functions-posts.ts';
import { printTopFrames, profileIn } from './lib/cpu-profile.ts';

const POSTS = 100;
const LIKERS = 8;
const top = Number(process.argv[2] ?? 10);
const profileDir = mkdtempSync(join(tmpdir(), 'agora-profile-like-'));
const workerDir = mkdtempSync(join(tmpdir(), 'agora-profile-like-worker-'));
const workerProfile = join(workerDir, 'worker.cpuprofile');
const stopFile = join(workerDir, 'stop');

/** Preloaded into the worker: profiles it until `stopFile` appears, then writes `workerProfile`. */
const preload = join(workerDir, 'profile-worker.mjs');
writeFileSync(
  preload,
  `import { Session } from 'node:inspector';
import { existsSync, writeFileSync } from 'node:fs';
const session = new Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start'));
const timer = setInterval(() => {
  if (!existsSync(${JSON.stringify(stopFile)})) return;
  clearInterval(timer);
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(${JSON.stringify(workerProfile)}, JSON.stringify(result.profile));
  });
}, 200);
timer.unref();
`,
);

const bench = await preparePosts(LIKERS, profileDir);
const started = performance.now();
try {
  await new Functions(bench.key).createVariable({
    functionId: FunctionId.posts,
    variableId: ID.unique(),
    key: 'NODE_OPTIONS',
    value: `--import=${preload}`,
    secret: false,
  });
  const [author] = bench.sessions;
  if (!author) throw new Error('no session');
  const postIds: string[] = [];
  for (let i = 0; i < POSTS; i++) {
    postIds.push(String((await execute(author, Route.posts.create, {}, 201, bench.post)).$id));
  }
  for (const liker of bench.sessions) {
    for (const postId of postIds) await execute(liker, Route.posts.like, { postId }, 200);
  }
  writeFileSync(stopFile, '');
  for (let waited = 0; !existsSync(workerProfile) && waited < 50; waited += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
} finally {
  await bench.stop();
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const file = profileIn(profileDir);
const run = `${POSTS} posts, then ${POSTS * LIKERS} likes in sequence (${seconds} s)`;
printTopFrames(`Server CPU profile: ${run}`, file, top);
if (existsSync(workerProfile))
  printTopFrames(`\nFunction worker CPU profile: ${run}`, workerProfile, top);
else console.log('\nThe function worker wrote no CPU profile.');
if (process.env.KEEP_PROFILE) {
  console.log(`kept ${file} and ${workerProfile}`);
} else {
  rmSync(profileDir, { recursive: true, force: true });
  rmSync(workerDir, { recursive: true, force: true });
}
