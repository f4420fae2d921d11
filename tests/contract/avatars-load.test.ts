import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialsOf } from '../../emulator/core/avatars/initials.ts';
import { imageWork } from '../../emulator/core/platform/work-gate.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * What bounds the work a guest's images cost. Each request is bounded by its parameters (sides up to
 * 2,000, QR text up to 512 characters); many at once by the process's image gate
 * (core/platform/work-gate.ts): two drawn at a time, 128 waiting, and one more is refused with 429
 * `general_rate_limit_exceeded` before anything is drawn. Here the gate is filled by hand (this file's
 * server runs in this process), so the refusal does not depend on how fast images draw.
 */

let server: LocalServer;

beforeAll(async () => {
  server = await startLocalServer();
});
afterAll(() => server.close());

const IMAGE_PATHS = [
  '/avatars/initials?name=Ada+Lovelace&width=2000&height=2000',
  '/avatars/qr?text=hello&size=1000',
  '/avatars/flags/de?width=2000&height=2000',
];

describe('a full image queue', () => {
  it('refuses initials, QR codes and icons with 429, then draws them once it drains', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { running, waiting } = imageWork.limits;
    const holders = Array.from({ length: running + waiting }, () => imageWork.run(() => held));
    for (const path of IMAGE_PATHS) {
      const answer = await call(server, 'GET', path);
      expect(answer.status, path).toBe(429);
      expect(answer.json).toMatchObject({ code: 429, type: 'general_rate_limit_exceeded' });
    }
    release();
    await Promise.all(holders);
    for (const path of IMAGE_PATHS) {
      const answer = await call(server, 'GET', path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('content-type')).toBe('image/png');
    }
  });
});

describe('a name is text, not markup', () => {
  /** The initials PNG for `name`, as a guest's `<img>` would load it. */
  const initials = async (name: string) => {
    const response = await fetch(
      `${server.endpoint}/avatars/initials?project=${server.projectId}&name=${encodeURIComponent(name)}`,
    );
    expect(response.status, name).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    return Buffer.from(await response.arrayBuffer());
  };

  it('markup, entities and file references draw only their initials, as the bare letters do', async () => {
    for (const name of [
      '<image href="file:///etc/passwd"/>',
      '"><script>alert(1)</script>',
      '&amp; &#x41;',
      ']]> <!ENTITY x SYSTEM "file:///etc/hosts">',
    ]) {
      const letters = initialsOf(name).initials.split('').join(' ');
      expect((await initials(name)).equals(await initials(letters)), name).toBe(true);
    }
    // Different letters draw differently, so the comparison above can tell.
    expect((await initials('Ada Lovelace')).equals(await initials('B'))).toBe(false);
  });
});
