import { ID, Permission, Role } from 'appwrite';
import { FunctionId, Route } from '#shared/functions.ts';
import { BucketId } from '#shared/ids.ts';
import type { Profile } from '#shared/schemas/profile.ts';
import { toApiError } from './api-error.ts';
import { storage } from './appwrite.ts';
import { callFunction } from './call-function.ts';
import {
  AVATAR_SNIFF_BYTES,
  type AvatarProblem,
  checkAvatarBytes,
  checkAvatarFile,
} from './settings-avatar-check.ts';

/**
 * Changing your avatar: pick a file (checked for type and size at once, previewed locally), upload it
 * straight to the `avatars` bucket with upload progress — the one write that bypasses functions, since
 * an execution body cannot carry a file — then ask the `profiles` function to link it (it checks the
 * file is yours and deletes the one it replaces). If linking fails, the fresh upload is deleted again
 * so it does not linger.
 *
 *   const upload = new AvatarUpload(userId);   upload.choose(file)   upload.previewUrl   upload.problem
 *   await upload.upload()   upload.progress (0–100)   await upload.removeAvatar()   upload.dispose()
 */
export type AvatarPhase = 'idle' | 'chosen' | 'uploading' | 'linking' | 'removing';

export class AvatarUpload {
  file = $state.raw<File | null>(null);
  previewUrl = $state<string | null>(null);
  problem = $state.raw<AvatarProblem | null>(null);
  phase = $state<AvatarPhase>('idle');
  progress = $state(0);

  readonly #userId: string;

  constructor(userId: string) {
    this.#userId = userId;
  }

  get busy(): boolean {
    return this.phase === 'uploading' || this.phase === 'linking' || this.phase === 'removing';
  }

  /**
   * Takes the file from the input: checks its name, type and size, then reads its first bytes
   * (is it really that image?), and previews it — or says what is wrong. Nothing is uploaded.
   */
  async choose(file: File | null): Promise<void> {
    this.#dropPreview();
    this.progress = 0;
    this.file = null;
    this.problem = null;
    this.phase = 'idle';
    if (!file) return;
    const problem = checkAvatarFile(file) ?? checkAvatarBytes(await head(file), file);
    if (problem) {
      this.problem = problem;
      return;
    }
    this.file = file;
    this.previewUrl = URL.createObjectURL(file);
    this.phase = 'chosen';
  }

  /** A refusal of the linked file, under the picker in words (not a generic toast); true if shown. */
  showRefusal(error: unknown): boolean {
    const field = toApiError(error).fields.fileId;
    if (!field) return false;
    this.problem = { code: 'avatar_not_image', message: field.message };
    return true;
  }

  /** Uploads the chosen file and links it as the avatar; returns the updated profile. */
  async upload(): Promise<Profile> {
    const file = this.file;
    if (!file) throw new Error('choose a file first');
    const me = Role.user(this.#userId);
    this.phase = 'uploading';
    this.progress = 0;
    try {
      const stored = await storage.createFile({
        bucketId: BucketId.avatars,
        fileId: ID.unique(),
        file,
        permissions: [Permission.read(Role.any()), Permission.update(me), Permission.delete(me)],
        onProgress: (progress) => {
          this.progress = Math.min(100, Math.round(progress.progress));
        },
      });
      this.progress = 100;
      this.phase = 'linking';
      try {
        const profile = await callFunction<Profile>(
          FunctionId.profiles,
          Route.profiles.setAvatar,
          {},
          { fileId: stored.$id },
        );
        await this.choose(null);
        return profile;
      } catch (error) {
        await storage
          .deleteFile({ bucketId: BucketId.avatars, fileId: stored.$id })
          .catch(() => undefined);
        throw error;
      }
    } catch (error) {
      this.phase = 'chosen';
      throw toApiError(error);
    }
  }

  /** Removes the current avatar (back to initials); returns the updated profile. */
  async removeAvatar(): Promise<Profile> {
    this.phase = 'removing';
    try {
      return await callFunction<Profile>(FunctionId.profiles, Route.profiles.removeAvatar);
    } finally {
      this.phase = this.file ? 'chosen' : 'idle';
    }
  }

  /** Frees the local preview (the page is going away). */
  dispose(): void {
    this.#dropPreview();
  }

  #dropPreview() {
    if (this.previewUrl) URL.revokeObjectURL(this.previewUrl);
    this.previewUrl = null;
  }
}

/** The first bytes of a file (a jsdom `File` may lack `arrayBuffer`, hence the FileReader). */
function head(file: Blob): Promise<Uint8Array> {
  const part = file.slice(0, AVATAR_SNIFF_BYTES);
  if (typeof part.arrayBuffer === 'function') {
    return part.arrayBuffer().then((buffer) => new Uint8Array(buffer));
  }
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer));
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(part);
  });
}
