import { createRequire } from 'node:module';
import sharp from 'sharp';

/**
 * `/avatars/initials` as Appwrite 1.9.5 draws it (SRV src/Appwrite/Platform/Modules/Avatars/Http/
 * Initials/Get.php): up to two initials cut out of a square of colour — the letters are transparent —
 * in Inter Regular at half the shorter side, centred at x = width / 1.97 with the baseline at
 * height / 2 + size / 3, as a PNG. The colour is the caller's `background`, else one of Appwrite's
 * five picked from the initials' character codes, so a name keeps its colour.
 *
 * The font is Inter from `@expo-google-fonts/inter` (OFL-1.1; a TTF, which libvips' fontconfig
 * loads, unlike the WOFF2 Appwrite ships). sharp registers a `fontfile` with fontconfig for the whole
 * process on its first text operation, after which librsvg finds the family by name for the SVG
 * below; `fontReady` makes that first operation happen once, before any drawing.
 */

const INTER = createRequire(import.meta.url).resolve(
  '@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf',
);

/** Appwrite's themes: pink (its default), orange, purple, blue, mint. */
const THEMES = ['#FD366E', '#FE9567', '#7C67FE', '#68A3FE', '#85DBD8'] as const;

let fontReady: Promise<unknown> | null = null;

/**
 * The initials of a name and the theme they pick, as Appwrite computes them: the name upper-cased
 * (ASCII only, like PHP's `strtoupper`) is split on spaces, or on `_` when it has no space; each word
 * whose first character is an ASCII letter or digit gives that character, stopping after the second
 * word if it gave one; the theme is the last digit of the sum of their codes (modulo the five themes).
 */
export function initialsOf(name: string): { initials: string; theme: string } {
  const upper = name.replace(/[a-z]/g, (c) => c.toUpperCase());
  let words = upper.split(' ');
  if (words.length === 1) words = upper.split('_');
  let initials = '';
  let code = 0;
  for (const [index, word] of words.entries()) {
    const first = word.charAt(0);
    if (!/^[A-Z0-9]$/.test(first)) continue;
    initials += first;
    code += first.charCodeAt(0);
    if (index === 1) break;
  }
  const digit = code % 10;
  return { initials, theme: THEMES[digit % THEMES.length] as string };
}

/** What to draw: the name, the size, and a background colour as hex without `#` (`''` for none). */
export interface InitialsOptions {
  name: string;
  width: number;
  height: number;
  background: string;
}

/** The initials avatar as a PNG (width and height above 0). */
export async function renderInitials(options: InitialsOptions): Promise<Buffer> {
  // Should registering the font fail, the letters are drawn in fontconfig's default sans instead.
  fontReady ??= sharp({ text: { text: '.', font: 'Inter', fontfile: INTER } })
    .png()
    .toBuffer()
    .catch(() => undefined);
  await fontReady;
  const { width, height } = options;
  const { initials, theme } = initialsOf(options.name);
  const fill = options.background ? `#${options.background}` : theme;
  const size = Math.min(width, height) / 2;
  // A mask white where the colour shows and black where the letters punch through it.
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><mask id="letters"><rect width="${width}" height="${height}" fill="#fff"/>` +
    `<text x="${width / 1.97}" y="${height / 2 + size / 3}" font-family="Inter" font-size="${size}" ` +
    `text-anchor="middle" fill="#000">${initials}</text></mask></defs>` +
    `<rect width="${width}" height="${height}" fill="${fill}" mask="url(#letters)"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
