/**
 * Realtime frames from the client, checked the way Appwrite 1.9.5 checks them (app/realtime.php,
 * src/Appwrite/Realtime/Message/Validators/*), and the error codes the answers carry. No sockets here:
 * transport.ts reads frames off the wire and hands them over.
 */
import type { RawData } from 'ws';
import { resolveId } from '../core/platform/ids.ts';
import { REALTIME_LIMITS } from './broker.ts';
import { compileRealtimeQueries } from './queries.ts';

/** Appwrite's realtime error codes (app/config/errors.php), also used as WebSocket close codes. */
export const REALTIME_CODES = {
  /** `realtime_message_format_invalid`: a frame we cannot use; the connection stays open. */
  formatInvalid: 1003,
  /** `realtime_policy_violation`: unknown project, bad credentials; the connection is closed. */
  policyViolation: 1008,
  /** `realtime_too_many_messages`: over the per-connection message budget. */
  tooManyMessages: 1013,
} as const;

/** A frame we refuse, with the code and message the client gets. */
export class RealtimeError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A 1003 error: the frame cannot be used; the connection stays open. */
export const formatError = (message: string) =>
  new RealtimeError(REALTIME_CODES.formatInvalid, message);

/** One frame as JSON, checked the way Appwrite's realtime.php checks it first. */
export function parseFrame(raw: RawData, isBinary: boolean): { type: unknown; data?: unknown } {
  if (isBinary) throw formatError('Message format is not valid.');
  let message: unknown;
  try {
    message = JSON.parse(rawText(raw));
  } catch {
    throw formatError('Message format is not valid.');
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw formatError('Message format is not valid.');
  }
  const record = message as Record<string, unknown>;
  if (!('type' in record) && !('data' in record)) throw formatError('Message format is not valid.');
  const type = record.type;
  if (
    type !== undefined &&
    typeof type !== 'string' &&
    typeof type !== 'number' &&
    typeof type !== 'boolean'
  ) {
    throw formatError('Message type is not valid.');
  }
  return record as { type: unknown; data?: unknown };
}

function rawText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

/** A subscribe frame's items, validated as Appwrite's SubscribePayload validator does. */
export function checkSubscribeItems(
  data: unknown,
): { subscriptionId?: string; channels: string[]; queries?: unknown[] }[] {
  if (!Array.isArray(data)) throw formatError('items: Payload is not valid.');
  return data.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw formatError('items: Each subscribe payload must be an object.');
    }
    const record = item as Record<string, unknown>;
    const out: { subscriptionId?: string; channels: string[]; queries?: unknown[] } = {
      channels: [],
    };
    if (record.subscriptionId !== undefined) {
      const ok =
        typeof record.subscriptionId === 'string' &&
        record.subscriptionId !== 'unique()' &&
        resolveId(record.subscriptionId) === record.subscriptionId;
      if (!ok) throw formatError('items: subscriptionId is not a valid id.');
      out.subscriptionId = record.subscriptionId as string;
    }
    if (!('channels' in record)) throw formatError('items: channels is not present in payload.');
    if (!Array.isArray(record.channels)) throw formatError('items: channels is not a valid array.');
    if (!record.channels.every((c) => typeof c === 'string')) {
      throw formatError('items: channels must contain only strings.');
    }
    out.channels = record.channels as string[];
    if (record.queries !== undefined) {
      if (!Array.isArray(record.queries)) throw formatError('items: queries is not a valid array.');
      out.queries = record.queries;
    }
    return out;
  });
}

/** One item of a `subscribe` frame, as a client sends it. */
export interface SubscribeItem {
  subscriptionId?: string;
  channels: readonly string[];
  queries?: readonly string[];
}

/**
 * The client's side, for benchmarks and tests: `subscribe` frames carrying `items`, each frame as
 * full as `REALTIME_LIMITS.maxFrameBytes` allows, so a socket filled to the subscription cap with
 * the widest subscriptions takes a handful of the 32 messages a minute.
 */
export function subscribeFrames(items: readonly SubscribeItem[]): string[] {
  const [head, tail] = ['{"type":"subscribe","data":[', ']}'];
  const max = REALTIME_LIMITS.maxFrameBytes - head.length - tail.length;
  const frames: string[] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const item of items) {
    const text = JSON.stringify(item);
    const size = Buffer.byteLength(text);
    if (size > max) throw new Error(`subscription ${item.subscriptionId} does not fit in a frame`);
    if (batch.length > 0 && bytes + 1 + size > max) {
      frames.push(head + batch.join(',') + tail);
      batch = [];
      bytes = 0;
    }
    bytes += (batch.length > 0 ? 1 : 0) + size;
    batch.push(text);
  }
  if (batch.length > 0) frames.push(head + batch.join(',') + tail);
  return frames;
}

/**
 * Subscriptions from URL mode: channels without queries share the first subscription; a query
 * parameter named after a channel (dots as underscores) gives that channel a subscription per
 * value, so `?channels[]=rows&rows[0]=<q>&rows[1]=<q>` is two subscriptions.
 */
export function urlSubscriptions(
  channels: readonly string[],
  query: Record<string, unknown>,
): { channels: string[]; queries: ReturnType<typeof compileRealtimeQueries> }[] {
  const groups: { channels: string[]; raw: unknown[] | null }[] = [];
  const slot = (index: number) => {
    groups[index] ??= { channels: [], raw: null };
    return groups[index];
  };
  for (const channel of channels) {
    const key = channel.replaceAll('.', '_');
    let param = query[key];
    if (key === 'project' && typeof param === 'string') param = undefined;
    if (param === undefined) {
      slot(0).channels.push(channel);
      continue;
    }
    const values = Array.isArray(param) ? param : [param];
    values.forEach((value, index) => {
      const group = slot(index);
      if (!group.channels.includes(channel)) group.channels.push(channel);
      if (group.raw === null || group.raw.length === 0) {
        group.raw = Array.isArray(value) ? value : [value];
      }
    });
  }
  return groups
    .filter((g) => g !== undefined)
    .map((g) => ({ channels: g.channels, queries: compileRealtimeQueries(g.raw ?? []) }));
}
