import { describe, expect, test } from 'vitest';
import { applyReport, reportPath } from '../../../client/src/lib/report-queue.ts';
import type { Report } from '../../../shared/schemas/report.ts';

function report(id: string, createdAt: string, extra: Partial<Report> = {}): Report {
  return {
    $id: id,
    $sequence: '1',
    $tableId: 'reports',
    $databaseId: 'agora',
    $createdAt: createdAt,
    $updatedAt: createdAt,
    $permissions: [],
    targetType: 'post',
    targetId: 'p1',
    postId: 'p1',
    authorId: 'ann',
    reporterId: 'bob',
    reason: 'Spam',
    status: 'open',
    ...extra,
  };
}

const a = report('a', '2026-12-06T10:00:00.000+00:00');
const b = report('b', '2026-12-06T11:00:00.000+00:00');
const c = report('c', '2026-12-06T12:00:00.000+00:00');

describe('the moderation queue, live', () => {
  test('a new open report goes in by age, oldest first, once', () => {
    expect(applyReport([a, c], b, 'create').map((r) => r.$id)).toEqual(['a', 'b', 'c']);
    expect(applyReport([a, b], b, 'create').map((r) => r.$id)).toEqual(['a', 'b']);
  });

  test('a report settled elsewhere (another admin) leaves the queue', () => {
    const queue = applyReport([a, b, c], { ...b, status: 'hidden' }, 'update');
    expect(queue.map((r) => r.$id)).toEqual(['a', 'c']);
    expect(applyReport([a, b], { ...a, status: 'dismissed' }, 'update').map((r) => r.$id)).toEqual([
      'b',
    ]);
    expect(applyReport([a, b], a, 'delete').map((r) => r.$id)).toEqual(['b']);
  });

  test('a comment’s report opens its post', () => {
    expect(reportPath({ targetType: 'comment', targetId: 'c9', postId: 'p 1' })).toBe(
      '/post/p%201',
    );
  });
});
