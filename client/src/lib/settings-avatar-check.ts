import { AvatarRules } from '#shared/schemas/profile.ts';

/**
 * What an avatar may be — the shared `AvatarRules` the `profiles` function checks, and the `avatars`
 * bucket's own limits (appwrite.json: 2 MB, jpg/jpeg/png/gif/webp) — checked in the browser before
 * any upload, so a wrong file fails at once, in words, instead of after a slow upload.
 */
export const AVATAR_MAX_BYTES = AvatarRules.maxBytes;

/** The extensions the bucket allows for each image type. */
const EXTENSIONS: Record<(typeof AvatarRules.mimeTypes)[number], readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
};
const AVATAR_TYPES: Record<string, readonly string[]> = Object.fromEntries(
  AvatarRules.mimeTypes.map((type) => [type, EXTENSIONS[type]]),
);

/** The `accept` attribute for the avatar file input. */
export const AVATAR_ACCEPT = Object.keys(AVATAR_TYPES).join(',');

/** The parts of a `File` the check reads (a plain object in tests). */
export interface AvatarCandidate {
  name: string;
  size: number;
  type: string;
}

/** Why a file cannot be an avatar; `code` is stable for tests and translations. */
export interface AvatarProblem {
  code: 'avatar_empty' | 'avatar_too_large' | 'avatar_type' | 'avatar_not_image';
  message: string;
}

/** How many first bytes `checkAvatarBytes` needs. */
export const AVATAR_SNIFF_BYTES = 12;

/** The image type the first bytes of a file show (its "magic number"), or null. */
export function imageTypeOf(head: Uint8Array): (typeof AvatarRules.mimeTypes)[number] | null {
  const starts = (...bytes: number[]) => bytes.every((byte, i) => head[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  const riff = starts(0x52, 0x49, 0x46, 0x46);
  const webp = head[8] === 0x57 && head[9] === 0x45 && head[10] === 0x42 && head[11] === 0x50;
  if (riff && webp) return 'image/webp';
  return null;
}

/**
 * `null` when the file's first bytes are an image of the type its name and MIME type claim; else
 * why not, in plain words. A text file renamed `photo.png` passes the name check (the browser
 * guesses the type from the name), so the content is read before any upload.
 */
export function checkAvatarBytes(head: Uint8Array, file: AvatarCandidate): AvatarProblem | null {
  const actual = imageTypeOf(head);
  if (actual === file.type.toLowerCase()) return null;
  return {
    code: 'avatar_not_image',
    message: actual
      ? `That file is really a ${actual.slice(6).toUpperCase()} image: give it a .${EXTENSIONS[actual][0]} name, or choose another.`
      : `“${file.name}” isn’t a picture, whatever its name says. Choose a JPG, PNG, GIF or WebP image.`,
  };
}

/**
 * `null` when the file can be uploaded as an avatar, else the reason. The type is checked by both the
 * browser's MIME type and the extension, since the bucket judges by extension: a PNG named `me` would
 * pass a MIME check here and then fail at Appwrite.
 */
export function checkAvatarFile(file: AvatarCandidate): AvatarProblem | null {
  const extension = file.name.includes('.') ? (file.name.split('.').pop() ?? '').toLowerCase() : '';
  const extensions = AVATAR_TYPES[file.type.toLowerCase()];
  if (!extensions?.includes(extension)) {
    return {
      code: 'avatar_type',
      message: 'Choose a JPG, PNG, GIF or WebP image (with its .jpg, .png, .gif or .webp name).',
    };
  }
  if (file.size === 0) return { code: 'avatar_empty', message: 'That file is empty.' };
  if (file.size > AVATAR_MAX_BYTES) {
    return {
      code: 'avatar_too_large',
      message: `That image is ${formatBytes(file.size)}; the limit is ${formatBytes(AVATAR_MAX_BYTES)}.`,
    };
  }
  return null;
}

/** A byte count in the unit a person reads: "512 B", "340 KB", "2 MB", "3.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const megabytes = bytes / (1024 * 1024);
  return `${Number.isInteger(megabytes) ? megabytes : megabytes.toFixed(1)} MB`;
}
