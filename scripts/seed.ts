/**
 * `npm run seed`: fills an Appwrite project with Agora's demo data. Idempotent: run it twice and the
 * second run changes nothing. Today that is the demo users (one of them an admin); posts, comments and
 * likes join once the business functions that make them are all in place (they must be made through
 * those functions, so the counters stay right).
 *
 * Where it writes: `--data DIR` (default `.appwrite-local`) reads the local Appwrite's
 * `credentials.json` and Agora's local secrets; otherwise APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID,
 * APPWRITE_API_KEY and AGORA_ID_SECRET name any Appwrite. Never point it at production: the demo
 * passwords are printed below and in the README.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Query, Users } from 'node-appwrite';
import { ADMIN_LABEL } from '#shared/ids.ts';
import { deriveUserId } from '../functions/_lib/user-ids.ts';
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
  { name: 'Alex Admin', email: 'admin@example.com', password: 'Agora-admin-1', admin: true },
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

/** Makes each demo user unless it exists, and gives the admin its label. Returns what it did. */
export async function seedUsers(users: Users, idSecret: string): Promise<string[]> {
  const done: string[] = [];
  for (const demo of DEMO_USERS) {
    const found = await users.list({ queries: [Query.equal('email', demo.email), Query.limit(1)] });
    let user = found.users[0];
    if (!user) {
      user = await users.create({
        userId: deriveUserId(idSecret),
        email: demo.email,
        password: demo.password,
        name: demo.name,
      });
      done.push(`created ${demo.email}`);
    }
    if (demo.admin && !user.labels.includes(ADMIN_LABEL)) {
      await users.updateLabels({ userId: user.$id, labels: [...user.labels, ADMIN_LABEL] });
      done.push(`made ${demo.email} an admin`);
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
  const done = await seedUsers(new Users(client), target.idSecret);
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
