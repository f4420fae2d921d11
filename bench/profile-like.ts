/**
 * The CPU profile of the like path (issue 17): the local Appwrite runs under `--cpu-prof`, users
 * like posts one after another through the `posts` function (SDK → execution → the function's API
 * calls back into the server), and the top frames by self time of the server are printed. The likes
 * outnumber everything else the server does in the run (set-up, the posts they like) about 8 to 1.
 *
 *   npx tsx bench/profile-like.ts [frames=10]
 *
 * `KEEP_PROFILE=1` keeps the .cpuprofile (its path is printed). Not part of `npm run bench`: a
 * profile slows what it measures.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Route } from '../shared/functions.ts';
import { execute, preparePosts } from './functions-posts.ts';
import { topFrames } from './lib/cpu-profile.ts';

const POSTS = 100;
const LIKERS = 8;
const top = Number(process.argv[2] ?? 10);
const profileDir = mkdtempSync(join(tmpdir(), 'agora-profile-like-'));
const bench = await preparePosts(LIKERS, profileDir);
const started = performance.now();
try {
  const [author] = bench.sessions;
  if (!author) throw new Error('no session');
  const postIds: string[] = [];
  for (let i = 0; i < POSTS; i++) {
    postIds.push(String((await execute(author, Route.posts.create, {}, 201, bench.post)).$id));
  }
  for (const liker of bench.sessions) {
    for (const postId of postIds) await execute(liker, Route.posts.like, { postId }, 200);
  }
} finally {
  await bench.stop();
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('the server wrote no CPU profile');
const { busyMs, frames } = topFrames(join(profileDir, file), top);
console.log(
  `Server CPU profile: ${POSTS} posts, then ${POSTS * LIKERS} likes in sequence (${seconds} s); busy ${busyMs} ms`,
);
console.log('self ms  share  frame');
for (const { ms, share, frame } of frames) {
  console.log(`${String(ms).padStart(7)}  ${`${share}%`.padStart(5)}  ${frame}`);
}
if (process.env.KEEP_PROFILE) console.log(`kept ${join(profileDir, file)}`);
else rmSync(profileDir, { recursive: true, force: true });
