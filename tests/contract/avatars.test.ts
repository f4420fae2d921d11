import decodeQR from '@paulmillr/qr/decode.js';
import {
  Avatars as WebAvatars,
  Client as WebClient,
  CreditCard as WebCreditCard,
  Flag as WebFlag,
} from 'appwrite';
import {
  AppwriteException,
  Avatars,
  Browser,
  CreditCard,
  Flag,
  Client as ServerClient,
  Users,
} from 'node-appwrite';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * The Avatars service through node-appwrite 27.1.0 (which downloads the image with a key) and the web
 * SDK 28.0.0 (which only builds the URL an `<img src>` loads, with `project=` in it; fetched here
 * as a guest and with a session cookie). Every image is decoded with sharp and checked for its type
 * and size; initials for Appwrite's colours and their letters cut out; a QR code is read back.
 * Bad input gets Appwrite's 400s, and the routes that need the internet its 404.
 */

let server: LocalServer;
let avatars: Avatars;
let webAvatars: WebAvatars;
let sessionCookie: string;

beforeAll(async () => {
  server = await startLocalServer();
  const keyClient = new ServerClient()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  avatars = new Avatars(keyClient);
  webAvatars = new WebAvatars(
    new WebClient().setEndpoint(server.endpoint).setProject(server.projectId),
  );
  const users = new Users(keyClient);
  await users.create({ userId: 'ada', email: 'ada@example.com', password: 'password-123' });
  await users.updateName({ userId: 'ada', name: 'Ada Lovelace' });
  const session = await users.createSession({ userId: 'ada' });
  sessionCookie = `a_session_${server.projectId}=${session.secret}`;
});
afterAll(() => server.close());

/** The decoded image: format, size, and its raw RGBA pixels. */
async function decode(bytes: ArrayBuffer | Buffer) {
  const image = sharp(Buffer.from(bytes as ArrayBuffer)).ensureAlpha();
  const { format } = await sharp(Buffer.from(bytes as ArrayBuffer)).metadata();
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => {
    const at = (y * info.width + x) * 4;
    return [...data.subarray(at, at + 4)] as [number, number, number, number];
  };
  return { format, width: info.width, height: info.height, data, pixel };
}

/** What the browser would get for a web SDK URL. */
async function load(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    bytes: await response.arrayBuffer(),
  };
}

describe('node-appwrite Avatars', () => {
  it('flags, browsers and credit cards are PNGs of the asked size (100×100 by default)', async () => {
    const flag = await decode(await avatars.getFlag({ code: Flag.Germany }));
    expect([flag.format, flag.width, flag.height]).toEqual(['png', 100, 100]);
    // Germany's flag: black, red, gold bands from the top.
    const [top, middle, bottom] = [flag.pixel(50, 10), flag.pixel(50, 50), flag.pixel(50, 90)];
    expect(top.slice(0, 3).every((c) => c < 40)).toBe(true);
    expect(middle[0]).toBeGreaterThan(180);
    expect(middle[1]).toBeLessThan(60);
    expect(bottom[0]).toBeGreaterThan(200);
    expect(bottom[1]).toBeGreaterThan(180);

    const browser = await decode(
      await avatars.getBrowser({ code: Browser.GoogleChrome, width: 64, height: 32 }),
    );
    expect([browser.format, browser.width, browser.height]).toEqual(['png', 64, 32]);
    const card = await decode(await avatars.getCreditCard({ code: CreditCard.Visa, width: 120 }));
    expect([card.format, card.width, card.height]).toEqual(['png', 120, 100]);
  });

  it('a side of 0 keeps the source ratio; both 0 give the source size', async () => {
    const wide = await decode(await avatars.getFlag({ code: Flag.France, width: 200, height: 0 }));
    expect([wide.width, wide.height]).toEqual([200, 150]); // flags are 4:3
    const source = await decode(await avatars.getFlag({ code: Flag.France, width: 0, height: 0 }));
    expect([source.width, source.height]).toEqual([640, 480]);
  });

  it("initials: Appwrite's colour for the name, the letters cut out, 500×500 by default", async () => {
    const image = await decode(await avatars.getInitials({ name: 'Ada Lovelace' }));
    expect([image.format, image.width, image.height]).toEqual(['png', 500, 500]);
    // A + L = 65 + 76 = 141 → theme 1 of Appwrite's five: #FE9567 (orange), opaque in the corner.
    expect(image.pixel(5, 5)).toEqual([0xfe, 0x95, 0x67, 255]);
    let transparent = 0;
    for (let i = 3; i < image.data.length; i += 4) if (image.data[i] === 0) transparent++;
    expect(transparent).toBeGreaterThan(500 * 500 * 0.02);
    expect(transparent).toBeLessThan(500 * 500 * 0.5);

    const blue = await decode(
      await avatars.getInitials({ name: 'x', width: 80, height: 40, background: '0000ff' }),
    );
    expect([blue.width, blue.height]).toEqual([80, 40]);
    expect(blue.pixel(1, 1)).toEqual([0, 0, 255, 255]);
  });

  it('a QR code of the text, size×size, reads back', async () => {
    const image = await decode(
      await avatars.getQR({ text: 'https://agora.example/p/42', size: 300 }),
    );
    expect([image.format, image.width, image.height]).toEqual(['png', 300, 300]);
    expect(decodeQR({ width: image.width, height: image.height, data: image.data })).toBe(
      'https://agora.example/p/42',
    );
  });

  it.each([
    ['a size out of range', () => avatars.getFlag({ code: Flag.Germany, width: 2001 })],
    ['a quality out of range', () => avatars.getBrowser({ code: Browser.Safari, quality: 101 })],
    ['an unknown code', () => avatars.getFlag({ code: 'zz' as Flag })],
    ['an unknown card', () => avatars.getCreditCard({ code: 'paypal' as CreditCard })],
    ['a QR code without text', () => avatars.getQR({ text: '' })],
    ['a QR size of 0', () => avatars.getQR({ text: 'x', size: 0 })],
    ['a QR margin of 11', () => avatars.getQR({ text: 'x', margin: 11 })],
    ['a background that is no colour', () => avatars.getInitials({ background: 'blue' })],
    ['initials 0 wide', () => avatars.getInitials({ name: 'A', width: 0 })],
    ['a name over 128 characters', () => avatars.getInitials({ name: 'a'.repeat(129) })],
    [
      'an image URL that is not http(s)',
      () => avatars.getImage({ url: 'ftp://example.com/a.png' }),
    ],
  ])('%s → 400 general_argument_invalid', async (_, ask) => {
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppwriteException);
    expect([(error as AppwriteException).code, (error as AppwriteException).type]).toEqual([
      400,
      'general_argument_invalid',
    ]);
  });

  it.each([
    ['getImage', () => avatars.getImage({ url: 'https://appwrite.io/logo.png' })],
    ['getFavicon', () => avatars.getFavicon({ url: 'https://appwrite.io' })],
    ['getScreenshot', () => avatars.getScreenshot({ url: 'https://appwrite.io' })],
  ])('%s needs the internet → 404 avatar_remote_url_failed', async (_, ask) => {
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppwriteException);
    expect([(error as AppwriteException).code, (error as AppwriteException).type]).toEqual([
      404,
      'avatar_remote_url_failed',
    ]);
  });
});

describe('web SDK 28 Avatars (URLs for <img src>)', () => {
  it('a guest loads a flag, a credit card and a QR code', async () => {
    const flag = await load(webAvatars.getFlag({ code: WebFlag.Japan, width: 40, height: 30 }));
    expect([flag.status, flag.type]).toEqual([200, 'image/png']);
    const decoded = await decode(flag.bytes);
    expect([decoded.format, decoded.width, decoded.height]).toEqual(['png', 40, 30]);
    const [red, green, blue] = decoded.pixel(20, 15); // the red disc
    expect([red > 150, green < 40, blue < 80]).toEqual([true, true, true]);
    const card = await load(webAvatars.getCreditCard({ code: WebCreditCard.Mastercard }));
    expect([card.status, (await decode(card.bytes)).width]).toEqual([200, 100]);
    const qr = await load(webAvatars.getQR({ text: 'hello', size: 200, download: true }));
    expect(qr.status).toBe(200);
    expect(decodeQR(await decode(qr.bytes))).toBe('hello');
  });

  it("initials without a name draw the signed-in user's", async () => {
    const url = webAvatars.getInitials({ width: 100, height: 100 });
    const signedIn = await decode((await load(url, { cookie: sessionCookie })).bytes);
    const named = await decode(
      await avatars.getInitials({ name: 'Ada Lovelace', width: 100, height: 100 }),
    );
    expect(Buffer.compare(signedIn.data, named.data)).toBe(0);
    // A guest has no name: a plain square in Appwrite's first colour, nothing cut out.
    const guest = await decode((await load(url)).bytes);
    expect(guest.pixel(50, 50)).toEqual([0xfd, 0x36, 0x6e, 255]);
  });

  it('the QR download flag asks the browser to save qr.png', async () => {
    const response = await fetch(webAvatars.getQR({ text: 'x', download: true }));
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="qr.png"');
  });
});

describe('abuse limits', () => {
  it("screenshots carry Appwrite's label (60 an hour per URL and IP); the images carry none", async () => {
    const limited = await startLocalServer('abuse', { abuse: true });
    try {
      const screenshot = await call(limited, 'GET', '/avatars/screenshots?url=https://appwrite.io');
      expect(screenshot.status).toBe(404);
      expect([
        screenshot.headers.get('x-ratelimit-limit'),
        screenshot.headers.get('x-ratelimit-remaining'),
      ]).toEqual(['60', '59']);
      const flag = await call(limited, 'GET', '/avatars/flags/de');
      expect([flag.status, flag.headers.get('x-ratelimit-limit')]).toEqual([200, null]);
    } finally {
      await limited.close();
    }
  });
});

describe('who may ask', () => {
  it('a key without avatars.read is refused; a disabled service refuses guests, not keys', async () => {
    const key = server.keyWith(['locale.read']);
    const refused = await call(server, 'GET', '/avatars/flags/de', {
      headers: { 'x-appwrite-key': key },
    });
    expect([refused.status, refused.json?.type]).toEqual([401, 'general_unauthorized_scope']);

    const admin = { 'x-appwrite-key': server.apiKey };
    await call(server, 'PATCH', '/project/services/avatars', {
      headers: admin,
      body: { enabled: false },
    });
    try {
      const guest = await call(server, 'GET', '/avatars/initials?name=A');
      expect([guest.status, guest.json?.type]).toEqual([403, 'general_service_disabled']);
      const byKey = await call(server, 'GET', '/avatars/initials?name=A', { headers: admin });
      expect([byKey.status, byKey.headers.get('content-type')]).toEqual([200, 'image/png']);
    } finally {
      await call(server, 'PATCH', '/project/services/avatars', {
        headers: admin,
        body: { enabled: true },
      });
    }
  });
});
