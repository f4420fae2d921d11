import { describe, expect, it } from 'vitest';
import type { ActivityDay } from '#shared/schemas/stats.ts';
import {
  activitySummary,
  chartGeometry,
  DEFAULT_FRAME,
  niceStep,
  TIE_SEPARATION,
} from '../../../client/src/lib/dashboard-chart.ts';

const day = (date: string, posts: number, comments = 0, likes = 0): ActivityDay => ({
  day: date,
  users: 0,
  posts,
  comments,
  likes,
});

const fortnight = Array.from({ length: 14 }, (_, index) =>
  day(`2026-11-${String(16 + index).padStart(2, '0')}`, index, index * 2, index === 13 ? 37 : 1),
);

describe('niceStep', () => {
  it.each([
    [0, 4, 1],
    [3, 4, 1],
    [10, 4, 5],
    [37, 4, 10],
    [101, 4, 50],
    [999, 4, 500],
  ])('max %d in %d parts → step %d', (max, count, step) => {
    expect(niceStep(max, count)).toBe(step);
  });
});

describe('chartGeometry', () => {
  const geometry = chartGeometry(fortnight, DEFAULT_FRAME, { locale: 'en-US' });
  const { top, bottom, left, right, width, height } = DEFAULT_FRAME;

  it('puts the axis top on a round number at or above the largest value', () => {
    expect(geometry.max).toBe(40);
    expect(geometry.ticks.map((tick) => tick.value)).toEqual([0, 10, 20, 30, 40]);
    expect(geometry.ticks[0]?.y).toBe(height - bottom);
    expect(geometry.ticks.at(-1)?.y).toBe(top);
  });

  it('spans the plot from the oldest day to the newest', () => {
    expect(geometry.days[0]?.x).toBe(left);
    expect(geometry.days.at(-1)?.x).toBe(width - right);
  });

  it('maps values to heights: 0 on the baseline, the maximum at the top', () => {
    const likes = geometry.series.find((s) => s.key === 'likes');
    expect(likes?.points.at(-1)).toMatchObject({ value: 37, day: '2026-11-29' });
    const posts = geometry.series.find((s) => s.key === 'posts');
    // Day one: posts and comments are both 0, drawn half a separation either side of the baseline.
    expect(posts?.points[0]?.y).toBe(height - bottom - TIE_SEPARATION / 2);
    expect(posts?.path.startsWith(`M${left},${height - bottom - TIE_SEPARATION / 2}`)).toBe(true);
    expect(posts?.path.split(' ')).toHaveLength(14);
  });

  it('labels at most 7 days, always the newest', () => {
    const labelled = geometry.days.filter((d) => d.label);
    expect(labelled.length).toBeLessThanOrEqual(7);
    expect(geometry.days.at(-1)?.label).toBe('Nov 29');
  });

  it('draws an all-zero fortnight around the baseline with a 0–1 axis', () => {
    const quiet = chartGeometry(fortnight.map((d) => ({ ...d, posts: 0, comments: 0, likes: 0 })));
    expect(quiet.max).toBe(1);
    const ys = quiet.series.map((s) => s.points[0]?.y);
    expect(ys).toEqual([-1, 0, 1].map((k) => height - bottom + k * TIE_SEPARATION));
  });

  it('equal lines stay apart: same Posts and Likes every day → two paths, one separation apart', () => {
    const even = fortnight.map((d) => ({ ...d, posts: 5, comments: 2, likes: 5 }));
    const tied = chartGeometry(even);
    const [posts, comments, likes] = tied.series;
    expect(posts?.path).not.toBe(likes?.path);
    for (const [index, point] of (posts?.points ?? []).entries()) {
      expect((likes?.points[index]?.y ?? 0) - point.y).toBe(TIE_SEPARATION);
    }
    // A value no other series has is drawn where it is: 2 of an axis to 5.
    const plot = height - top - bottom;
    expect(comments?.points[0]?.y).toBeCloseTo(top + plot * (1 - 2 / tied.max));
  });
});

describe('activitySummary', () => {
  it('sums each series over the period and names the busiest day', () => {
    expect(activitySummary(fortnight, 'en-US')).toBe(
      'From Nov 16 to Nov 29: 91 posts, 182 comments, 50 likes. The busiest day was Nov 29.',
    );
  });

  it('says so when there is nothing', () => {
    expect(activitySummary([])).toBe('No activity recorded yet.');
  });
});
