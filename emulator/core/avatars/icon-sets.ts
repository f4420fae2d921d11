import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { renderPreview } from '../storage/image-preview.ts';

/**
 * The icon sets behind `/avatars/flags`, `/avatars/browsers` and `/avatars/credit-cards` (SRV
 * app/config/avatars/*.php), drawn from images that registry packages ship — nothing is downloaded at
 * run time:
 *
 * - flags: `flag-icons` (MIT), the 4:3 SVGs Appwrite's 640×480 PNGs are rendered from, every ISO
 *   3166-1 code it has (Appwrite's list is 195 of them);
 * - browsers: `@browser-logos/*` (MIT, the alrra/browser-logos repository Appwrite's PNGs come from);
 *   Avant has no published logo, so it gets a plain browser glyph of ours, and Android WebView Beta
 *   the Android WebView logo;
 * - credit cards: `payment-icons` (MPL-2.0, unmodified files), whose flat cards cover ten of
 *   Appwrite's seventeen brands; the other seven get the package's generic card.
 *
 * A code's image is decoded once and kept (the sets are bounded), then cropped per request as
 * Appwrite's `avatar()` does: `crop(width, height)` and PNG.
 */

const require = createRequire(import.meta.url);

/** Reads a code's source image (an SVG or a PNG). */
type Icon = () => Buffer;

const packageFile = (specifier: string) => () => readFileSync(require.resolve(specifier));

const flagIcons = dirname(require.resolve('flag-icons/country.json'));

function flagSet(): Map<string, Icon> {
  const countries = JSON.parse(readFileSync(join(flagIcons, 'country.json'), 'utf8')) as Array<{
    code: string;
    iso: boolean;
    flag_4x3: string;
  }>;
  return new Map(
    countries
      .filter((country) => country.iso)
      .map((country) => [country.code, () => readFileSync(join(flagIcons, country.flag_4x3))]),
  );
}

const browserLogo = (name: string) => packageFile(`@browser-logos/${name}/${name}.png`);

/** A neutral browser window, for a browser no package has a logo of. */
const GENERIC_BROWSER = () =>
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">' +
      '<rect x="32" y="64" width="448" height="384" rx="40" fill="#607d8b"/>' +
      '<rect x="56" y="136" width="400" height="288" rx="16" fill="#eceff1"/>' +
      '<circle cx="88" cy="100" r="12" fill="#eceff1"/><circle cx="128" cy="100" r="12" fill="#eceff1"/>' +
      '<circle cx="168" cy="100" r="12" fill="#eceff1"/></svg>',
  );

/**
 * Appwrite's browser codes (matomo device-detector's: Avant Browser, Android WebView Beta, Chrome,
 * Chrome iOS and Mobile, Chromium, Firefox, Safari, Mobile Safari, Edge, Edge iOS, Opera Mini, Opera,
 * Opera Next), each with the logo it shows.
 */
function browserSet(): Map<string, Icon> {
  const chrome = browserLogo('chrome');
  const safari = browserLogo('safari');
  const edge = browserLogo('edge');
  const opera = browserLogo('opera');
  return new Map<string, Icon>([
    ['aa', GENERIC_BROWSER],
    ['an', browserLogo('android-webview')],
    ['ch', chrome],
    ['ci', chrome],
    ['cm', chrome],
    ['cr', browserLogo('chromium')],
    ['ff', browserLogo('firefox')],
    ['sf', safari],
    ['mf', safari],
    ['ps', edge],
    ['oi', edge],
    ['om', browserLogo('opera-mini')],
    ['op', opera],
    ['on', opera],
  ]);
}

/** Appwrite's card codes (`targeta-shopping` as it spells it) with the payment-icons card each shows. */
const CARDS: ReadonlyArray<[code: string, file: string]> = [
  ['amex', 'amex'],
  ['argencard', 'default'],
  ['cabal', 'default'],
  ['cencosud', 'default'],
  ['diners', 'diners'],
  ['discover', 'discover'],
  ['elo', 'elo'],
  ['hipercard', 'hipercard'],
  ['jcb', 'jcb'],
  ['mastercard', 'mastercard'],
  ['naranja', 'default'],
  ['targeta-shopping', 'default'],
  ['unionpay', 'unionpay'],
  ['visa', 'visa'],
  ['mir', 'default'],
  ['maestro', 'maestro'],
  ['rupay', 'default'],
];

function cardSet(): Map<string, Icon> {
  return new Map(
    CARDS.map(([code, file]) => [code, packageFile(`payment-icons/min/flat/${file}.svg`)]),
  );
}

/** The three sets, by the path segment Appwrite serves them under. */
export type IconSetName = 'flags' | 'browsers' | 'credit-cards';

/** The avatar icon sets: which codes each has, and each code's image at a requested size. */
export class IconSets {
  readonly #sets: Record<IconSetName, Map<string, Icon>> = {
    flags: flagSet(),
    browsers: browserSet(),
    'credit-cards': cardSet(),
  };
  /** Decoded sources, as PNG, by `set/code`. */
  readonly #decoded = new Map<string, Promise<Buffer>>();

  /** The codes a set accepts (the route's whitelist), lower-case. */
  codes(set: IconSetName): string[] {
    return [...this.#sets[set].keys()];
  }

  /** Whether `code` (any case) is in the set. */
  has(set: IconSetName, code: string): boolean {
    return this.#sets[set].has(code.toLowerCase());
  }

  /**
   * The code's image as a PNG, cropped to `width`×`height` from the centre (0 keeps that side's
   * ratio, both 0 the source size), as Appwrite's `Image::crop` then `output('png')`. The caller
   * checks the code first (`has`).
   */
  async render(set: IconSetName, code: string, width: number, height: number): Promise<Buffer> {
    const key = `${set}/${code.toLowerCase()}`;
    let decoded = this.#decoded.get(key);
    if (!decoded) {
      const icon = this.#sets[set].get(code.toLowerCase());
      if (!icon) throw new Error(`no ${key} icon`);
      decoded = sharp(icon()).png().toBuffer();
      this.#decoded.set(key, decoded);
    }
    return renderPreview(await decoded, {
      width,
      height,
      gravity: 'center',
      quality: -1,
      borderWidth: 0,
      borderColor: '',
      borderRadius: 0,
      opacity: 1,
      rotation: 0,
      background: '',
      output: 'png',
    });
  }
}
