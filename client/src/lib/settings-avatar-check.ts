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
  code: 'avatar_empty' | 'avatar_too_large' | 'avatar_type';
  message: string;
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
