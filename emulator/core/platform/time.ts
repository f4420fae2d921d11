/**
 * Appwrite's timestamp format: ISO-8601 with milliseconds and an explicit `+00:00` offset
 * (`2026-05-24T10:00:00.000+00:00`, SRV `DateTime::formatTz`). SDK users compare these strings, so every
 * date the emulator returns goes through here.
 */
export function isoDate(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** Milliseconds since the epoch for an Appwrite timestamp (or `NaN` when it is not one). */
export function parseIsoDate(value: string): number {
  return Date.parse(value);
}
