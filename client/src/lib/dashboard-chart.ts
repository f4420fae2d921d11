import type { ActivityDay } from '#shared/schemas/stats.ts';

/**
 * The geometry of the dashboard's activity chart, kept out of the component so it can be tested: a
 * "nice" value axis, one x per day, and a polyline per series, all in the SVG's own coordinate space
 * (the `viewBox` scales it to any width).
 */

/** The series the chart draws, in legend order, with the words a person reads. */
export const ACTIVITY_SERIES = [
  { key: 'posts', label: 'Posts' },
  { key: 'comments', label: 'Comments' },
  { key: 'likes', label: 'Likes' },
] as const;
export type ActivitySeriesKey = (typeof ACTIVITY_SERIES)[number]['key'];

/** The drawing area: the whole SVG and the room left around the plot for the axes' labels. */
export interface ChartFrame {
  width: number;
  height: number;
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const DEFAULT_FRAME: ChartFrame = {
  width: 640,
  height: 240,
  top: 12,
  // Half of the last day's centred label ("Nov 29", about 40 px) and some air to the edge.
  right: 28,
  bottom: 28,
  left: 36,
};

export interface ChartPoint {
  x: number;
  y: number;
  value: number;
  day: string;
}

export interface ChartGeometry {
  /** The value at the top of the axis: a round number at or above the largest value. */
  max: number;
  /** Gridlines from 0 to `max`, each with its y. */
  ticks: { value: number; y: number }[];
  /** One per day, oldest first; `label` is empty where a label would crowd its neighbours. */
  days: { day: string; x: number; label: string }[];
  series: { key: ActivitySeriesKey; label: string; points: ChartPoint[]; path: string }[];
}

/**
 * The smallest "nice" step (1, 2 or 5 times a power of ten) that splits `max` into at most `count`
 * parts, so the axis reads 0, 5, 10, 15 rather than 0, 3.75, 7.5.
 */
export function niceStep(max: number, count: number): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) {
    const step = factor * power;
    if (step >= raw) return Math.max(1, step);
  }
  return Math.max(1, 10 * power);
}

/** `YYYY-MM-DD` (UTC) as a short day label: "Nov 29". */
export function dayLabel(day: string, locale?: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString(locale, {
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * Lays out `activity` (oldest first) in `frame`. At most `maxLabels` day labels are shown, always
 * including the most recent day, spaced evenly back from it.
 */
export function chartGeometry(
  activity: readonly ActivityDay[],
  frame: ChartFrame = DEFAULT_FRAME,
  options: { ticks?: number; maxLabels?: number; locale?: string } = {},
): ChartGeometry {
  const tickCount = options.ticks ?? 4;
  const maxLabels = Math.max(1, options.maxLabels ?? 7);
  const plotWidth = frame.width - frame.left - frame.right;
  const plotHeight = frame.height - frame.top - frame.bottom;
  const largest = Math.max(0, ...activity.flatMap((day) => ACTIVITY_SERIES.map((s) => day[s.key])));
  const step = niceStep(largest, tickCount);
  const max = Math.max(step, Math.ceil(largest / step) * step);

  const xOf = (index: number) =>
    activity.length === 1
      ? frame.left + plotWidth / 2
      : frame.left + (index * plotWidth) / (activity.length - 1);
  const yOf = (value: number) => frame.top + plotHeight * (1 - value / max);
  const labelEvery = Math.ceil(activity.length / maxLabels);

  const ticks = [];
  for (let value = 0; value <= max; value += step) ticks.push({ value, y: yOf(value) });

  const days = activity.map((day, index) => ({
    day: day.day,
    x: xOf(index),
    label:
      (activity.length - 1 - index) % labelEvery === 0 ? dayLabel(day.day, options.locale) : '',
  }));

  const series = ACTIVITY_SERIES.map(({ key, label }) => {
    const points = activity.map((day, index) => ({
      x: xOf(index),
      y: yOf(day[key]) + tieOffset(day, key),
      value: day[key],
      day: day.day,
    }));
    const path = points
      .map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)},${round(point.y)}`)
      .join(' ');
    return { key, label, points, path };
  });

  return { max, ticks, days, series };
}

/** How far apart, in px, lines with the same value on a day are drawn. */
export const TIE_SEPARATION = 4;

/**
 * Where a series is drawn relative to its value's y on a day: 0 unless other series have the same
 * value there, in which case the tied ones are spread evenly around it (legend order, top down), so
 * equal Posts and Likes lines show as two lines side by side rather than one hiding the other.
 */
function tieOffset(day: ActivityDay, key: ActivitySeriesKey): number {
  const tied = ACTIVITY_SERIES.filter((series) => day[series.key] === day[key]);
  if (tied.length < 2) return 0;
  const rank = tied.findIndex((series) => series.key === key);
  return (rank - (tied.length - 1) / 2) * TIE_SEPARATION;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A one-sentence summary of the chart for its `<desc>`: totals over the period and the busiest day. */
export function activitySummary(activity: readonly ActivityDay[], locale?: string): string {
  if (activity.length === 0) return 'No activity recorded yet.';
  const totals = ACTIVITY_SERIES.map(
    (s) => `${activity.reduce((sum, day) => sum + day[s.key], 0)} ${s.label.toLowerCase()}`,
  );
  const busiest = activity.reduce((best, day) => (total(day) > total(best) ? day : best));
  const first = dayLabel(activity[0]?.day ?? busiest.day, locale);
  const last = dayLabel(activity[activity.length - 1]?.day ?? busiest.day, locale);
  const peak = total(busiest) > 0 ? ` The busiest day was ${dayLabel(busiest.day, locale)}.` : '';
  return `From ${first} to ${last}: ${totals.join(', ')}.${peak}`;
}

function total(day: ActivityDay): number {
  return day.posts + day.comments + day.likes;
}
