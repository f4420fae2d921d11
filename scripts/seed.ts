/**
 * `npm run seed`: fills an Appwrite project with Agora's demo data. Idempotent: run it twice and the
 * second run changes nothing. The demo users (one of them an admin), then a living board: a dozen
 * posts with tags, comments and likes spread over the users — all made THROUGH the `posts` function
 * (`createExecution` with each user's session), so every counter is kept as in real use.
 *
 * Where it writes: `--data DIR` (default `.appwrite-local`) reads the local Appwrite's
 * `credentials.json` and Agora's local secrets; otherwise APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID,
 * APPWRITE_API_KEY and AGORA_ID_SECRET name any Appwrite. Never point it at production: the demo
 * passwords are printed below and in the README.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, type ExecutionMethod, Functions, Query, TablesDB, Users } from 'node-appwrite';
import { registrationStore } from '#lib/registrations.ts';
import { deriveUserId } from '#lib/user-ids.ts';
import { FunctionId, Route, type RouteKey, routeRequest } from '#shared/functions.ts';
import { ADMIN_LABEL, DATABASE_ID, MEMBER_LABEL, TableId } from '#shared/ids.ts';
import { localSecrets } from './local-secrets.ts';

/**
 * A demo login. Found again by email on a second run; made with an id derived from the project's
 * `AGORA_ID_SECRET`, as the `accounts` function makes them, so `on-user-created` accepts them.
 */
export interface DemoUser {
  name: string;
  email: string;
  password: string;
  admin: boolean;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { name: 'Alex Admin', email: 'admin@example.com', password: 'Agora-lead-1', admin: true },
  { name: 'Ada Lovelace', email: 'ada@example.com', password: 'Agora-demo-1', admin: false },
  { name: 'Grace Hopper', email: 'grace@example.com', password: 'Agora-demo-1', admin: false },
  { name: 'Linus Pauling', email: 'linus@example.com', password: 'Agora-demo-1', admin: false },
];

interface Target {
  endpoint: string;
  projectId: string;
  apiKey: string;
  idSecret: string;
}

function readTarget(argv: string[]): Target {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' } } });
  const env = process.env;
  if (!values.data && env.APPWRITE_ENDPOINT && env.APPWRITE_PROJECT_ID && env.APPWRITE_API_KEY) {
    if (!env.AGORA_ID_SECRET) {
      throw new Error(
        "Set AGORA_ID_SECRET too: the functions' variable user ids are derived with.",
      );
    }
    return {
      endpoint: env.APPWRITE_ENDPOINT,
      projectId: env.APPWRITE_PROJECT_ID,
      apiKey: env.APPWRITE_API_KEY,
      idSecret: env.AGORA_ID_SECRET,
    };
  }
  const dataDir = resolve(values.data ?? '.appwrite-local');
  const file = join(dataDir, 'credentials.json');
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: start Agora first (npm start), or set APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID, APPWRITE_API_KEY and AGORA_ID_SECRET.`,
    );
  }
  return { ...JSON.parse(readFileSync(file, 'utf8')), idSecret: localSecrets(dataDir).idSecret };
}

/** How long `seedUsers` waits for `on-user-created` to vet a new demo user. */
const GATE_WAIT_MS = 30_000;

/**
 * Waits until `on-user-created` has vetted the user (the `member` label). The gate runs on the
 * `users.*.create` event, a moment after the create; a gate that blocks the user or never runs is
 * reported with what to check.
 */
async function vetted(users: Users, userId: string, email: string) {
  const deadline = Date.now() + GATE_WAIT_MS;
  for (;;) {
    const user = await users.get({ userId });
    if (user.labels.includes(MEMBER_LABEL)) return user;
    if (!user.status || Date.now() > deadline) {
      throw new Error(
        `${email} was ${user.status ? 'not vetted in time' : 'blocked'} by on-user-created: is it deployed, with the same AGORA_ID_SECRET as this script? Its executions' logs say why.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Makes each demo user unless it exists, as the `admin` function makes users: an id derived from
 * `AGORA_ID_SECRET`, recorded in `registrations` (with the admin role asked for the admin), then
 * `users.create`; `on-user-created` vets it and writes its labels. A demo user from before the gate
 * wrote labels gets them here. Demo users are verified. Returns what it did.
 */
export async function seedUsers(keyClient: Client, idSecret: string): Promise<string[]> {
  const users = new Users(keyClient);
  const registrations = registrationStore(new TablesDB(keyClient));
  // All at once, each waiting for its own gate run; the lines in DEMO_USERS' order.
  const lines = await Promise.all(
    DEMO_USERS.map((demo) => seedUser(users, registrations, idSecret, demo)),
  );
  return lines.flat();
}

/** One demo user (seedUsers); returns what it did. */
async function seedUser(
  users: Users,
  registrations: ReturnType<typeof registrationStore>,
  idSecret: string,
  demo: DemoUser,
): Promise<string[]> {
  const done: string[] = [];
  const found = await users.list({ queries: [Query.equal('email', demo.email), Query.limit(1)] });
  let user = found.users[0];
  if (!user) {
    const userId = deriveUserId(idSecret);
    await registrations.issue(userId, { issuedBy: 'seed', admin: demo.admin });
    await users.create({ userId, email: demo.email, password: demo.password, name: demo.name });
    user = await vetted(users, userId, demo.email);
    done.push(`created ${demo.email}`);
  }
  // Demo addresses receive no mail: they are verified, so the demo board shows no verify banner.
  if (!user.emailVerification) {
    await users.updateEmailVerification({ userId: user.$id, emailVerification: true });
    done.push(`verified ${demo.email}`);
  }
  const wanted = demo.admin ? [MEMBER_LABEL, ADMIN_LABEL] : [MEMBER_LABEL];
  const missing = wanted.filter((label) => !user.labels.includes(label));
  if (missing.length > 0) {
    await users.updateLabels({ userId: user.$id, labels: [...user.labels, ...missing] });
    done.push(`labelled ${demo.email} ${missing.join(', ')}`);
  }
  return done;
}

/** A demo post: who writes it, what it says, who comments what, who likes it, who reports it. */
export interface DemoPost {
  by: string;
  title: string;
  body: string;
  tags: string[];
  comments: { by: string; body: string }[];
  likedBy: string[];
  /** Open reports for the admin's moderation queue (through the `moderation` function). */
  reportedBy?: { by: string; reason: string }[];
}

const ADA = 'ada@example.com';
const GRACE = 'grace@example.com';
const LINUS = 'linus@example.com';
const ADMIN = 'admin@example.com';

/** Twelve posts, three per demo user, oldest first. */
export const DEMO_POSTS: readonly DemoPost[] = [
  {
    by: ADMIN,
    title: 'Welcome to Agora',
    body: 'This is a live board: posts, comments and likes appear for everyone as they happen. Be kind, stay on topic, and have fun.',
    tags: ['announcement', 'welcome'],
    comments: [
      { by: ADA, body: 'Happy to be here!' },
      { by: GRACE, body: 'Looks great. Is there a dark mode?' },
    ],
    likedBy: [ADA, GRACE, LINUS],
  },
  {
    by: ADA,
    title: 'Notes on the Analytical Engine',
    body: 'The engine weaves algebraic patterns just as the Jacquard loom weaves flowers and leaves. Sharing my notes for anyone curious.',
    tags: ['history', 'computing'],
    comments: [{ by: LINUS, body: 'The first program, really. Thanks for sharing.' }],
    likedBy: [GRACE, LINUS, ADMIN],
  },
  {
    by: GRACE,
    title: 'Found a bug (a real one)',
    body: 'A moth was stuck in relay 70 of panel F. Taped it into the logbook: first actual case of bug being found.',
    tags: ['debugging', 'history'],
    comments: [
      { by: ADA, body: 'Frame that logbook page!' },
      { by: ADMIN, body: 'Pinned in our hearts.' },
    ],
    likedBy: [ADA, LINUS, ADMIN],
  },
  {
    by: LINUS,
    title: 'Vitamin C, again',
    body: 'New reading list on vitamin C and the common cold. Skeptics welcome — bring sources.',
    tags: ['science', 'health'],
    comments: [{ by: GRACE, body: 'Bringing sources. And oranges.' }],
    likedBy: [ADA],
  },
  {
    by: ADA,
    title: 'Poetical science',
    body: 'Imagination is the discovering faculty. What is the most beautiful idea you learned this year?',
    tags: ['ideas'],
    comments: [
      { by: GRACE, body: 'Compilers. Teaching machines to read.' },
      { by: LINUS, body: 'The alpha helix.' },
    ],
    likedBy: [GRACE, LINUS],
  },
  {
    by: GRACE,
    title: 'Nanoseconds for everyone',
    body: 'A nanosecond is about 30 cm of wire. I hand them out at talks so people can see what they are wasting.',
    tags: ['computing', 'teaching'],
    comments: [],
    likedBy: [ADA, ADMIN],
  },
  {
    by: LINUS,
    title: 'Chemical bonds, explained simply',
    body: 'A short thread on why electronegativity matters, with drawings. Questions are very welcome.',
    tags: ['science', 'chemistry'],
    comments: [{ by: ADA, body: 'The drawings help a lot.' }],
    likedBy: [GRACE],
  },
  {
    by: ADMIN,
    title: 'Community guidelines',
    body: 'Three rules: be kind, cite your sources, and delete your own mistakes. Admins may remove posts that break them.',
    tags: ['announcement'],
    comments: [],
    likedBy: [ADA, GRACE],
  },
  {
    by: ADA,
    title: 'Looms and loops',
    body: 'Punched cards repeat patterns. So do loops. Post your favourite loop in any language.',
    tags: ['computing', 'fun'],
    comments: [{ by: GRACE, body: 'for (;;) — the honest one.' }],
    likedBy: [LINUS],
  },
  {
    by: GRACE,
    title: 'It is easier to ask forgiveness',
    body: 'than it is to get permission. Discuss (within the community guidelines, of course).',
    tags: ['ideas', 'culture'],
    comments: [
      { by: ADMIN, body: 'Within the guidelines, yes.' },
      { by: LINUS, body: 'Bold. I like it.' },
    ],
    likedBy: [ADA, LINUS, ADMIN],
    reportedBy: [{ by: ADA, reason: 'Reads like an invitation to break the rules.' }],
  },
  {
    by: LINUS,
    title: 'Peace and science',
    body: 'Scientists have a duty to speak about the uses of what they discover. How do you think about that?',
    tags: ['science', 'culture'],
    comments: [],
    likedBy: [ADMIN],
  },
  {
    by: ADMIN,
    title: 'What should we build next?',
    body: 'Polls? Threads? Reactions beyond likes? Reply with ideas — the most liked one wins.',
    tags: ['feedback'],
    comments: [{ by: ADA, body: 'Threads, please!' }],
    likedBy: [ADA, GRACE, LINUS],
  },
];

/** One execution of the `posts` function as `session`; throws unless it answered 2xx. */
function executePosts(
  session: Client,
  route: RouteKey,
  params: Record<string, string>,
  body?: unknown,
): Promise<Record<string, unknown>> {
  return executeAs(session, FunctionId.posts, route, params, body);
}

/** One execution of a function as `session`; throws unless it answered 2xx. */
async function executeAs(
  session: Client,
  functionId: FunctionId,
  route: RouteKey,
  params: Record<string, string>,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const { method, path } = routeRequest(route, params);
  const execution = await new Functions(session).createExecution({
    functionId,
    body: body === undefined ? '' : JSON.stringify(body),
    async: false,
    xpath: path,
    method: method as ExecutionMethod,
    headers: { 'content-type': 'application/json' },
  });
  if (execution.responseStatusCode >= 300) {
    throw new Error(
      `${functionId} ${method} ${path} answered ${execution.responseStatusCode}: ${execution.responseBody}`,
    );
  }
  return execution.responseBody === '' ? {} : JSON.parse(execution.responseBody);
}

/** Waits for every one of `work` to settle, then throws the first failure, if any. */
async function allSettled(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Polls until every user in `userIds` has a profile row (`on-user-created` makes them). */
async function profilesReady(tables: TablesDB, userIds: string[], deadlineMs = 20_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const found = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      queries: [Query.equal('$id', userIds), Query.limit(userIds.length), Query.select(['$id'])],
    });
    if (found.rows.length === userIds.length) return;
    if (Date.now() > until) {
      throw new Error(
        'The demo users have no profiles: is on-user-created deployed with AGORA_ID_SECRET?',
      );
    }
    await new Promise((done) => setTimeout(done, 25));
  }
}

/**
 * The demo board, made through the `posts` function with each demo user's session, so profiles and
 * `stats` count it as they would real use. Idempotent per author: an author who already has posts
 * is skipped, and comments and likes go only on posts made in this run. Sessions are made with the
 * key (`users.createSession`, no password round) and deleted afterwards. Returns what it did.
 */
export async function seedBoard(keyClient: Client): Promise<string[]> {
  const users = new Users(keyClient);
  const tables = new TablesDB(keyClient);
  const { endpoint, project } = keyClient.config;
  const ids = new Map<string, string>();
  for (const demo of DEMO_USERS) {
    const found = await users.list({ queries: [Query.equal('email', demo.email), Query.limit(1)] });
    const user = found.users[0];
    if (!user) throw new Error(`${demo.email} is missing: seed the users first.`);
    ids.set(demo.email, user.$id);
  }
  const idOf = (email: string) => {
    const id = ids.get(email);
    if (!id) throw new Error(`${email} is not a demo user`);
    return id;
  };
  const authors = [];
  for (const email of new Set(DEMO_POSTS.map((post) => post.by))) {
    const theirs = await tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.posts,
      queries: [Query.equal('authorId', idOf(email)), Query.limit(1), Query.select(['$id'])],
    });
    if (theirs.rows.length === 0) authors.push(email);
  }
  if (authors.length === 0) return [];
  await profilesReady(tables, [...ids.values()]);

  // One session per user, made once even when asked for by several executions at once.
  const sessions = new Map<string, Promise<{ client: Client; sessionId: string }>>();
  const sessionOf = async (email: string) => {
    let session = sessions.get(email);
    if (!session) {
      session = users.createSession({ userId: idOf(email) }).then((made) => ({
        client: new Client().setEndpoint(endpoint).setProject(project).setSession(made.secret),
        sessionId: made.$id,
      }));
      sessions.set(email, session);
    }
    return (await session).client;
  };
  const done: string[] = [];
  try {
    const counts = { posts: 0, comments: 0, likes: 0, reports: 0 };
    // The posts one after another, so the feed lists them in the demo's order; then every post's
    // comments (in their order), likes and reports, the posts at once, as a board's readers would.
    const made: { post: DemoPost; postId: string }[] = [];
    for (const post of DEMO_POSTS) {
      if (!authors.includes(post.by)) continue;
      const { title, body, tags } = post;
      const created = await executePosts(
        await sessionOf(post.by),
        Route.posts.create,
        {},
        { title, body, tags },
      );
      made.push({ post, postId: String(created.$id) });
      counts.posts += 1;
    }
    await allSettled(
      made.map(async ({ post, postId }) => {
        const likes = allSettled(
          post.likedBy.map(async (liker) => {
            await executePosts(await sessionOf(liker), Route.posts.like, { postId });
            counts.likes += 1;
          }),
        );
        for (const comment of post.comments) {
          await executePosts(
            await sessionOf(comment.by),
            Route.posts.comment,
            { postId },
            { body: comment.body },
          );
          counts.comments += 1;
        }
        for (const report of post.reportedBy ?? []) {
          await executeAs(
            await sessionOf(report.by),
            FunctionId.moderation,
            Route.moderation.report,
            {},
            { targetType: 'post', targetId: postId, reason: report.reason },
          );
          counts.reports += 1;
        }
        await likes;
      }),
    );
    done.push(
      `${counts.posts} posts, ${counts.comments} comments and ${counts.likes} likes through the posts function`,
    );
    if (counts.reports > 0) {
      done.push(`${counts.reports} open report(s) through the moderation function`);
    }
  } finally {
    for (const [email, session] of sessions) {
      await session
        .then(({ sessionId }) => users.deleteSession({ userId: idOf(email), sessionId }))
        .catch(() => undefined);
    }
  }
  return done;
}

async function main() {
  const target = readTarget(process.argv.slice(2));
  const client = new Client()
    .setEndpoint(target.endpoint)
    .setProject(target.projectId)
    .setKey(target.apiKey);
  const done = await seedUsers(client, target.idSecret);
  done.push(...(await seedBoard(client)));
  console.log(
    done.length ? done.map((line) => `seed: ${line}`).join('\n') : 'seed: demo data already there',
  );
  console.log('\nDemo logins:');
  for (const demo of DEMO_USERS) {
    console.log(`  ${demo.email.padEnd(20)} ${demo.password}${demo.admin ? '   (admin)' : ''}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`seed failed: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  });
}
