/**
 * The other client of bench/abuse.ts, in a process of its own so that the attacker's work never
 * delays it: asks `<url>/health/version` one request after another and, for each line on stdin
 * (`mark <name>`), starts a new phase; on `stop` prints one JSON line `{phase: [ms, …]}` and exits.
 * Prints `probing` once the first answer came back.
 */
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const url = `${process.argv[2]}/health/version`;
const phases = {};
let phase = 'warm-up';
let stopping = false;

createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, name] = line.trim().split(/\s+/);
  if (command === 'mark') phase = name;
  if (command === 'stop') stopping = true;
});

let announced = false;
while (!stopping) {
  const start = performance.now();
  await (await fetch(url)).arrayBuffer();
  const took = performance.now() - start;
  if (phases[phase]) phases[phase].push(took);
  else phases[phase] = [took];
  if (!announced) {
    announced = true;
    console.log('probing');
  }
}
console.log(JSON.stringify(phases));
