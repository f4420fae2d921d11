import { expect, test } from 'vitest';
import { FrameBatch } from '../../emulator/realtime/frame-batch.ts';

test("one event's frames are the shared head plus each socket's own tail, written into one buffer", () => {
  const head = `{"type":"event","data":{"events":["x"],"payload":{"title":"é ${'x'.repeat(5000)}"},"subscriptions":`;
  const batch = new FrameBatch(head);
  batch.add(1, '["a"]}}');
  batch.add(7, '["b","ç"]}}');
  batch.add(3, '["c"]}}');
  const sent: [number, Buffer][] = [];
  batch.send((connectionId, frame) => sent.push([connectionId, frame]));
  expect(sent.map(([id]) => id)).toEqual([1, 7, 3]);
  expect(sent.map(([, frame]) => frame.toString('utf8'))).toEqual([
    `${head}["a"]}}`,
    `${head}["b","ç"]}}`,
    `${head}["c"]}}`,
  ]);
  // One allocation for the event, not one per socket: every frame is a slice of the same memory.
  const [first, ...rest] = sent.map(([, frame]) => frame.buffer);
  for (const buffer of rest) expect(buffer).toBe(first);
  expect(JSON.parse(sent[1]?.[1].toString('utf8') ?? '').data.subscriptions).toEqual(['b', 'ç']);
});
