import { describe, expect, it, vi } from 'vitest';
import type { Job } from '#shared/schemas/job.ts';
import { ApiError } from '../../../client/src/lib/api-error.ts';

const fake = vi.hoisted(() => ({ refuse: null as Error | null }));

vi.mock('../../../client/src/lib/appwrite.ts', () => ({
  storage: {
    getFileDownload: ({ fileId, token }: { fileId: string; token: string }) =>
      `https://agora.test/v1/storage/buckets/exports/files/${fileId}/download?token=${token}`,
  },
  tables: { getRow: async () => ({}) },
  client: {},
}));
vi.mock('../../../client/src/lib/call-function.ts', () => ({
  callFunction: async () => {
    if (fake.refuse) throw fake.refuse;
    return { jobId: 'job2' };
  },
}));
vi.mock('../../../client/src/lib/realtime.svelte.ts', () => ({ subscribe: () => () => undefined }));

const { ExportTask } = await import('../../../client/src/lib/admin-export.svelte.ts');

const finished: Job = {
  $id: 'job1',
  $sequence: '1',
  $tableId: 'jobs',
  $databaseId: 'agora',
  $createdAt: '2026-12-06T10:00:00.000+00:00',
  $updatedAt: '2026-12-06T10:00:05.000+00:00',
  $permissions: [],
  kind: 'export-users',
  status: 'succeeded',
  requestedBy: 'admin1',
  progress: 100,
  processed: 12,
  total: 12,
  fileId: 'file1',
  error: null,
  search: null,
  downloadToken: 'secret1',
  downloadExpiresAt: '2099-01-01T00:00:00.000+00:00',
  claims: 1,
};

describe('ExportTask: a refused export', () => {
  it('keeps the previous download link and says the hourly limit, when the next may start', async () => {
    const task = new ExportTask();
    task.job = finished;
    expect(task.downloadUrl).toContain('file1');
    fake.refuse = new ApiError(
      'general_rate_limit_exceeded',
      'Too many exports: at most 3 an hour. Try again in 1500 seconds.',
      429,
    );
    await task.start();
    expect(task.downloadUrl).toContain('file1');
    expect(task.refusal).toBe(
      'You can start 3 exports an hour, and you have. The next one can start in 25 minutes. The last finished export’s link still works.',
    );
    task.dispose();
  });

  it('an accepted export follows the new job and clears the refusal', async () => {
    const task = new ExportTask();
    task.job = finished;
    task.refusal = 'earlier';
    fake.refuse = null;
    await task.start();
    expect(task.refusal).toBeNull();
    expect(task.job).toBeNull();
    task.dispose();
  });
});
