import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IconSetName } from '../../core/avatars/icon-sets.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Project } from '../../core/project.ts';
import { abuse } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { optionalInteger, optionalString } from '../platform/params.ts';

/**
 * The Avatars service (SRV src/Appwrite/Platform/Modules/Avatars/Http/), scope `avatars.read`:
 *
 *   GET /avatars/credit-cards/:code   getCreditCard   PNG, 100×100 by default
 *   GET /avatars/browsers/:code       getBrowser      PNG, 100×100 by default
 *   GET /avatars/flags/:code          getFlag         PNG, 100×100 by default
 *   GET /avatars/initials             getInitials     PNG, 500×500 by default
 *   GET /avatars/qr                   getQR           PNG, 400×400 by default
 *   GET /avatars/image                getImage        refused: 404 avatar_remote_url_failed
 *   GET /avatars/favicon              getFavicon      refused: 404 avatar_remote_url_failed
 *   GET /avatars/screenshots          getScreenshot   refused: 404 avatar_remote_url_failed (abuse: 60/h)
 *
 * Every image is a PNG, as Appwrite sends them all. The last three fetch a page or an image from the
 * internet (and screenshots need a headless browser), which a local server does not do: they check
 * their parameters as Appwrite does, then refuse with the error Appwrite gives when the fetch fails.
 */
export function registerAvatars(app: FastifyInstance, project: Project): void {
  const { avatars } = project;

  for (const set of ['credit-cards', 'browsers', 'flags'] as const) {
    app.get(`/avatars/${set}/:code`, (request, reply) => getIcon(set, request, reply));
  }

  async function getIcon(set: IconSetName, request: FastifyRequest, reply: FastifyReply) {
    requireScope(request, 'avatars.read');
    const { code } = request.params as { code: string };
    const query = request.query;
    if (!avatars.icons.has(set, code)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`code\` param: Value must be one of (${avatars.icons.codes(set).join(', ')})`,
      );
    }
    const width = optionalInteger(query, 'width', 100, 0, 2000);
    const height = optionalInteger(query, 'height', 100, 0, 2000);
    optionalInteger(query, 'quality', -1, -1, 100);
    const image = await avatars.icon(set, code, width, height);
    return png(reply, image, 'private, max-age=2592000');
  }

  app.get('/avatars/initials', async (request, reply) => {
    requireScope(request, 'avatars.read');
    const query = request.query;
    let name = optionalString(query, 'name', '', 128);
    // Appwrite's range starts at 0, but Imagick cannot make an empty canvas (its answer is a 500).
    const width = optionalInteger(query, 'width', 500, 0, 2000);
    const height = optionalInteger(query, 'height', 500, 0, 2000);
    if (width === 0 || height === 0) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `width` or `height` param: an initials image needs both sides of at least 1 pixel.',
      );
    }
    const background = optionalString(query, 'background', '');
    if (background && !HEX_COLOR.test(background)) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `background` param: Value must be a valid hex color code',
      );
    }
    // No name: the signed-in user's name, else their email, as Appwrite falls back.
    if (!name && request.principal.kind === 'user') {
      const user = project.identity.users.get(request.principal.userId);
      name = user?.name || user?.email || '';
    }
    const image = await avatars.initials({ name, width, height, background });
    return png(reply, image, 'private, max-age=3888000');
  });

  app.get('/avatars/qr', async (request, reply) => {
    requireScope(request, 'avatars.read');
    const query = request.query;
    const text = requiredText(query, 'text', 512);
    const size = optionalInteger(query, 'size', 400, 1, 1000);
    const margin = optionalInteger(query, 'margin', 1, 0, 10);
    if (looseBoolean(query, 'download')) {
      reply.header('content-disposition', 'attachment; filename="qr.png"');
    }
    const image = await avatars.qrCode(text, size, margin);
    return png(reply, image, 'private, max-age=3888000');
  });

  app.get('/avatars/image', async (request) => {
    requireScope(request, 'avatars.read');
    requiredWebUrl(request.query, 'url');
    optionalInteger(request.query, 'width', 400, 0, 2000);
    optionalInteger(request.query, 'height', 400, 0, 2000);
    throw offline('image');
  });

  app.get('/avatars/favicon', async (request) => {
    requireScope(request, 'avatars.read');
    requiredWebUrl(request.query, 'url');
    throw offline('favicon');
  });

  // The one Avatars route Appwrite labels with an abuse limit: 60 an hour per URL and IP.
  app.get('/avatars/screenshots', abuse({ limit: 60 }), async (request) => {
    requireScope(request, 'avatars.read');
    requiredWebUrl(request.query, 'url');
    throw offline('screenshot');
  });
}

/** Utopia's HexColor validator: three or six hex digits, no `#`. */
const HEX_COLOR = /^([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;

/** An optional flag, read as Appwrite's loose Boolean validator reads it: `true`/`false`, `1`/`0`. */
function looseBoolean(query: unknown, name: string): boolean {
  const value = (query as Record<string, unknown>)[name];
  if (value === undefined || value === null || value === '') return false;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new AppwriteError(
    'general_argument_invalid',
    `Invalid \`${name}\` param: Value must be a valid boolean`,
  );
}

function png(reply: FastifyReply, image: Buffer, cacheControl: string) {
  return reply.type('image/png').header('cache-control', cacheControl).send(image);
}

/** A required Text(max) parameter: Utopia's Text validator wants at least one character. */
function requiredText(query: unknown, name: string, max: number): string {
  const value = optionalString(query, name, '', max);
  if (!value)
    throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
  return value;
}

/** A required http(s) URL (Utopia's URL validator with the schemes Appwrite allows). */
function requiredWebUrl(query: unknown, name: string): string {
  const value = requiredText(query, name, 16_384);
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: Value must be a valid URL with following schemes (http, https)`,
    );
  }
  return value;
}

/** What Appwrite answers when it cannot fetch the remote resource. */
function offline(what: string): AppwriteError {
  return new AppwriteError(
    'avatar_remote_url_failed',
    `The local Appwrite does not fetch from the internet, so it cannot make this ${what}.`,
  );
}
