import { describe, expect, it } from 'vitest';
import { type ExportJob, exportView } from '../../../client/src/lib/admin-export-view.ts';

const job = (extra: Partial<ExportJob>): ExportJob => ({
  status: 'running',
  progress: 0,
  processed: 0,
  total: null,
  fileId: null,
  error: null,
  downloadToken: null,
  downloadExpiresAt: null,
  ...extra,
});
const now = new Date('2026-11-29T12:00:00Z');

describe('exportView', () => {
  it('queued: an empty bar and a sentence', () => {
    expect(exportView(job({ status: 'queued' }), now)).toEqual({
      phase: 'running',
      percent: 0,
      text: 'Waiting to start…',
    });
  });

  it('running: percent and counts, capped at 99 until the job says it succeeded', () => {
    expect(exportView(job({ progress: 24, processed: 1200, total: 5000 }), now)).toEqual({
      phase: 'running',
      percent: 24,
      text: '1,200 of 5,000 users exported (24 %).',
    });
    expect(exportView(job({ progress: 100, processed: 5000, total: 5000 }), now)).toMatchObject({
      percent: 99,
    });
    expect(exportView(job({ progress: 3, processed: 1, total: null }), now)).toMatchObject({
      text: '1 user exported (3 %).',
    });
  });

  it('succeeded: a download made of the file id and its token', () => {
    const view = exportView(
      job({
        status: 'succeeded',
        progress: 100,
        processed: 3,
        fileId: 'f1',
        downloadToken: 'secret',
        downloadExpiresAt: '2026-11-30T12:00:00.000+00:00',
      }),
      now,
    );
    expect(view).toEqual({
      phase: 'succeeded',
      text: 'Exported 3 users.',
      download: { fileId: 'f1', token: 'secret' },
    });
  });

  it('succeeded but expired: no dead link, and it says so', () => {
    const view = exportView(
      job({
        status: 'succeeded',
        processed: 3,
        fileId: 'f1',
        downloadToken: 'secret',
        downloadExpiresAt: '2026-11-29T11:59:59.000+00:00',
      }),
      now,
    );
    expect(view).toMatchObject({ phase: 'succeeded', download: null });
    expect(view.phase === 'succeeded' && view.text).toContain('expired');
  });

  it("failed: the job's own reason in words, or a plain fallback", () => {
    expect(
      exportView(job({ status: 'failed', error: 'The exports bucket is full.' }), now),
    ).toEqual({
      phase: 'failed',
      text: 'The export failed: The exports bucket is full.',
    });
    expect(exportView(job({ status: 'failed' }), now)).toEqual({
      phase: 'failed',
      text: 'The export failed. Try again.',
    });
  });
});
