/**
 * `npm run seed`: fills an Appwrite project with Agora's demo data. Idempotent: run it twice and the
 * second run changes nothing. Today that is the demo users (one of them an admin); posts, comments and
 * likes join once the business functions exist (they must be made through those functions, so the
 * counters stay right).
 *
 * Where it writes: `--data DIR` (default `.appwrite-local`) reads the local Appwrite's
 * `credentials.json`; otherwise APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID and APPWRITE_API_KEY name any
 * Appwrite. Never point it at production: the demo passwords are printed below and in the README.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppwriteException, Client, Users } from 'node-appwrite';
import { ADMIN_LABEL } from '#shared/ids.ts';

/** A demo login: fixed ids and emails, so a second run finds them instead of making copies. */
export interface DemoUser {
  id: string;
  name: string;
  email: string;
  password: string;
  admin: boolean;
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'demo-admin',
    name: 'Alex Admin',
    email: 'admin@example.com',
    password: 'Agora-admin-1',
    admin: true,
  },
  {
    id: 'demo-ada',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    password: 'Agora-demo-1',
    admin: false,
  },
  {
    id: 'demo-grace',
    name: 'Grace Hopper',
    email: 'grace@example.com',
    password: 'Agora-demo-1',
    admin: false,
  },
  {
    id: 'demo-linus',
    name: 'Linus Pauling',
    email: 'linus@example.com',
    password: 'Agora-demo-1',
    admin: false,
  },
];

interface Target {
  endpoint: string;
  projectId: string;
  apiKey: string;
}

function readTarget(argv: string[]): Target {
  const { values } = parseArgs({ args: argv, options: { data: { type: 'string' } } });
  const env = process.env;
  if (!values.data && env.APPWRITE_ENDPOINT && env.APPWRITE_PROJECT_ID && env.APPWRITE_API_KEY) {
    return {
      endpoint: env.APPWRITE_ENDPOINT,
      projectId: env.APPWRITE_PROJECT_ID,
      apiKey: env.APPWRITE_API_KEY,
    };
  }
  const file = join(resolve(values.data ?? '.appwrite-local'), 'credentials.json');
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: start the local Appwrite first (npm run emulator), or set APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID and APPWRITE_API_KEY.`,
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Target;
}

/** Makes each demo user unless it exists, and gives the admin its label. Returns what it did. */
export async function seedUsers(users: Users): Promise<string[]> {
  const done: string[] = [];
  for (const demo of DEMO_USERS) {
    const existing = await users.get({ userId: demo.id }).catch((error: unknown) => {
      if (error instanceof AppwriteException && error.code === 404) return null;
      throw error;
    });
    if (!existing) {
      await users.create({
        userId: demo.id,
        email: demo.email,
        password: demo.password,
        name: demo.name,
      });
      done.push(`created ${demo.email}`);
    }
    const labels = existing?.labels ?? [];
    if (demo.admin && !labels.includes(ADMIN_LABEL)) {
      await users.updateLabels({ userId: demo.id, labels: [...labels, ADMIN_LABEL] });
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
  const done = await seedUsers(new Users(client));
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
