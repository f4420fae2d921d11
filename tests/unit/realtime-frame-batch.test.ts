import { expect, test } from 'vitest';
import { FrameBatch } from '../../emulator/realtime/frame-batch.ts';

/**
 * A server's text message as RFC 6455 §5.2 frames it (and `ws.send(text)` puts it on the wire): FIN
 * and opcode 1, no mask, the length in 7 bits, or 126 and 16 bits, or 127 and 64 bits.
 */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x81, length]);
  } else if (length < 65536) {
    header = Buffer.from([0x81, 126, 0, 0]);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.from([0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

test("one event's frames are the shared head plus each socket's own tail, written into one buffer", () => {
  const head = `{"type":"event","data":{"events":["x"],"payload":{"title":"é ${'x'.repeat(5000)}"},"subscriptions":`;
  const batch = new FrameBatch(head);
  batch.add(1, Buffer.from('["a"]}}'));
  batch.add(7, Buffer.from('["b","ç"]}}'));
  batch.add(3, Buffer.from('["c"]}}'));
  const sent: [number, Buffer][] = [];
  batch.send((connectionId, frame) => sent.push([connectionId, frame]));
  expect(sent.map(([id]) => id)).toEqual([1, 7, 3]);
  expect(sent.map(([, frame]) => frame)).toEqual([
    textFrame(`${head}["a"]}}`),
    textFrame(`${head}["b","ç"]}}`),
    textFrame(`${head}["c"]}}`),
  ]);
  // One allocation for the event, not one per socket: every frame is a slice of the same memory.
  const [first, ...rest] = sent.map(([, frame]) => frame.buffer);
  for (const buffer of rest) expect(buffer).toBe(first);
});

test('each frame is a whole WebSocket text frame, header and all, at every length', () => {
  // Payloads of 125 and 126 bytes, 65,535 and 65,536 bytes: either side of the 7-, 16- and 64-bit
  // length fields (RFC 6455 §5.2).
  for (const size of [20, 125, 126, 5000, 65_535, 65_536, 200_000]) {
    const tail = '["s"]}}';
    const head = `{"p":"${'é'.repeat(Math.floor((size - tail.length - 8) / 2))}`;
    const pad = 'x'.repeat(size - Buffer.byteLength(head) - tail.length);
    const batch = new FrameBatch(head + pad);
    batch.add(1, Buffer.from(tail));
    batch.add(2, Buffer.from(tail));
    const frames: Buffer[] = [];
    batch.send((_, frame) => frames.push(frame));
    expect(Buffer.byteLength(head + pad + tail)).toBe(size);
    expect(frames).toEqual([textFrame(head + pad + tail), textFrame(head + pad + tail)]);
  }
});

test('the frames are written into a spare buffer when it is large enough, else into a new one', () => {
  const batch = () => {
    const frames = new FrameBatch('{"head":');
    frames.add(1, Buffer.from('1}'));
    frames.add(2, Buffer.from('2}'));
    return frames;
  };
  const spare = Buffer.alloc(64);
  const sent: Buffer[] = [];
  expect(batch().send((_, frame) => sent.push(frame), spare)).toBe(spare);
  expect(sent.map((frame) => frame.buffer)).toEqual([spare.buffer, spare.buffer]);
  expect(sent.map((frame) => frame.subarray(2).toString())).toEqual(['{"head":1}', '{"head":2}']);
  const small = Buffer.alloc(10);
  const used = batch().send(() => {}, small);
  expect(used).not.toBe(small);
  expect(used.length).toBe(24);
});
