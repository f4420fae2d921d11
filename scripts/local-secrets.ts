import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets Agora's functions need on the local Appwrite, kept beside its data so restarts agree. */
export interface LocalSecrets {
  /** `AGORA_ID_SECRET`: the key user ids are derived with (lib/user-ids.ts). */
  idSecret: string;
  /** `AGORA_WEBHOOK_SECRET`: the key a local webhook signs with (functions/webhooks). */
  webhookSecret: string;
}

/**
 * Reads `<dataDir>/agora-secrets.json`, making it with fresh random values the first time (mode 0600;
 * `--reset` wipes it with the rest of the data). Production sets the same variable in the console.
 */
export function localSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'agora-secrets.json');
  const kept: Partial<LocalSecrets> = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : {};
  if (kept.idSecret && kept.webhookSecret) return kept as LocalSecrets;
  // A file from before a secret existed keeps what it has and gains the missing one.
  const secrets: LocalSecrets = {
    idSecret: kept.idSecret ?? randomBytes(32).toString('hex'),
    webhookSecret: kept.webhookSecret ?? randomBytes(32).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}
