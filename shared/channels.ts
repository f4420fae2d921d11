import { type BucketId, DATABASE_ID, type TableId } from './ids.ts';

/** The actions Appwrite 1.9.5 appends to a channel to narrow it to one kind of change. */
export type ChannelAction = 'create' | 'update' | 'upsert' | 'delete';

const withAction = (channel: string, action?: ChannelAction) =>
  action ? `${channel}.${action}` : channel;

/**
 * Realtime channel names for Agora's tables and buckets, in the TablesDB form Appwrite publishes
 * (`tablesdb.<db>.tables.<table>.rows[.<row>][.<action>]`). Ids are checked before they are joined, so
 * a stray `.` or `*` cannot widen a subscription.
 */
export const Channel = {
  /** Every change to rows of a table. */
  rows: (tableId: TableId, action?: ChannelAction) =>
    withAction(`tablesdb.${DATABASE_ID}.tables.${tableId}.rows`, action),
  /** Changes to one row. */
  row: (tableId: TableId, rowId: string, action?: ChannelAction) =>
    withAction(`tablesdb.${DATABASE_ID}.tables.${tableId}.rows.${segment(rowId)}`, action),
  /** Every change to files of a bucket. */
  files: (bucketId: BucketId, action?: ChannelAction) =>
    withAction(`buckets.${bucketId}.files`, action),
  /** Changes to one file. */
  file: (bucketId: BucketId, fileId: string, action?: ChannelAction) =>
    withAction(`buckets.${bucketId}.files.${segment(fileId)}`, action),
  /** The signed-in user's own account events. */
  account: () => 'account',
} as const;

function segment(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,35}$/.test(id)) throw new Error(`not a channel-safe id: ${id}`);
  return id;
}
