/** One printed figure: what was measured, its value, the baseline from the same run, and the goal. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  goal?: string;
  met?: boolean;
}

/** Prints the figures as a table, then as one JSON line for tools. */
export function report(title: string, figures: readonly Figure[]): void {
  console.log(`\n${title}`);
  const rows = figures.map((f) => [
    f.name,
    `${f.value} ${f.unit}`,
    f.baseline === undefined ? '' : `${f.baseline} ${f.unit}`,
    f.goal ?? '',
    f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
  ]);
  const header = ['figure', 'value', 'baseline (same run)', 'goal', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
  console.log(`JSON ${JSON.stringify({ title, figures })}`);
}
