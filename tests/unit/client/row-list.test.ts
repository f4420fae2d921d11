import { describe, expect, it } from 'vitest';
import { applyRowEvent, mergeFirstPage } from '../../../client/src/lib/row-list.ts';

interface TestRow {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  postId?: string;
}

const row = (
  id: string,
  created: number,
  updated = created,
  extra: { postId?: string; title?: string } = {},
): TestRow => ({
  $id: id,
  $createdAt: new Date(created * 1000).toISOString(),
  $updatedAt: new Date(updated * 1000).toISOString(),
  ...extra,
});

const ids = (list: { $id: string }[]) => list.map((item) => item.$id);

describe('applyRowEvent (newest first, the feed)', () => {
  const list = [row('c', 30), row('b', 20), row('a', 10)];

  it('a new row goes to its place by creation time', () => {
    expect(ids(applyRowEvent(list, 'create', row('d', 40)))).toEqual(['d', 'c', 'b', 'a']);
    expect(ids(applyRowEvent(list, 'create', row('x', 15)))).toEqual(['c', 'b', 'x', 'a']);
  });

  it('a create for a row already shown (our own, echoed) does not duplicate it', () => {
    expect(ids(applyRowEvent(list, 'create', row('b', 20)))).toEqual(['c', 'b', 'a']);
  });

  it('an update replaces the row; an older update is ignored', () => {
    const newer = row('b', 20, 50, { title: 'edited' });
    expect(applyRowEvent(list, 'update', newer)[1]).toBe(newer);
    const stale = row('b', 20, 5, { title: 'stale' });
    const current = applyRowEvent(list, 'update', newer);
    expect(applyRowEvent(current, 'update', stale)[1]).toBe(newer);
  });

  it('an update for a row not shown does not add it', () => {
    expect(ids(applyRowEvent(list, 'update', row('z', 99)))).toEqual(['c', 'b', 'a']);
  });

  it('a delete removes the row', () => {
    expect(ids(applyRowEvent(list, 'delete', row('b', 20)))).toEqual(['c', 'a']);
  });
});

describe('applyRowEvent (oldest first, a thread)', () => {
  const thread = [row('1', 10, 10, { postId: 'p' }), row('2', 20, 20, { postId: 'p' })];

  it('appends new comments at the end and ignores other posts’ comments', () => {
    const mine = row('3', 30, 30, { postId: 'p' });
    const other = row('4', 40, 40, { postId: 'q' });
    const keep = (r: TestRow) => r.postId === 'p';
    const afterMine = applyRowEvent(thread, 'create', mine, { order: 'oldest-first', keep });
    expect(ids(afterMine)).toEqual(['1', '2', '3']);
    expect(ids(applyRowEvent(afterMine, 'create', other, { order: 'oldest-first', keep }))).toEqual(
      ['1', '2', '3'],
    );
  });
});

describe('mergeFirstPage (refetch after a reconnect)', () => {
  it('replaces what the page covers and keeps older loaded rows', () => {
    const shown = [row('c', 30), row('b', 20), row('a', 10), row('z', 5)];
    const page = [row('e', 50), row('c', 30, 35), row('a', 10)];
    // b was deleted while offline (inside the page's range): it goes; z is older: kept.
    const merged = mergeFirstPage(shown, page, true);
    expect(ids(merged)).toEqual(['e', 'c', 'a', 'z']);
    expect(merged[1]).toBe(page[1]);
  });

  it('a page that is not full is the whole list', () => {
    expect(ids(mergeFirstPage([row('a', 10)], [row('b', 20)], false))).toEqual(['b']);
  });
});
