import type { FieldErrors } from '#shared/errors.ts';
import { AvatarRules, AvatarSet, type Profile, ProfileUpdate } from '#shared/schemas/profile.ts';
import { AppError, describeError } from '../../_lib/app-error.ts';
import { noBody, parseInput } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteContext, RouteHandler } from '../../_lib/create-handler.ts';
import { requireMember } from '../../_lib/member.ts';
import type { AvatarFile, ProfilesRepo } from './profiles-repo.ts';

/** Builds the repository for one execution (its client comes from the execution's key). */
export type RepoFor = (req: RuntimeRequest) => ProfilesRepo;

function noProfile(): AppError {
  return new AppError('row_not_found', 'You have no profile yet.');
}

/** The vetted caller's id (functions/_lib/member.ts), before anything is written on their behalf. */
async function memberId(req: RuntimeRequest, repo: ProfilesRepo): Promise<string> {
  return (await requireMember(req, (userId) => repo.getMember(userId))).userId;
}

async function profileOf(repo: ProfilesRepo, userId: string): Promise<Profile> {
  const profile = await repo.getProfile(userId);
  if (!profile) throw noProfile();
  return profile;
}

const PERMISSION = /^(read|create|update|delete|write)\("([^"]*)"\)$/;

/**
 * A file belongs to the caller when its permissions let `user:<caller>` change or delete it and let
 * nobody else do either. Appwrite refuses a user's upload that grants a role they do not hold (401
 * `user_unauthorized`), so only the caller (or a key) can have written those permissions; a browser
 * upload without `permissions` gets read/update/delete for its uploader, which passes.
 */
export function ownedBy(file: AvatarFile, userId: string): boolean {
  let mine = false;
  for (const permission of file.$permissions) {
    const match = PERMISSION.exec(permission);
    if (!match || match[1] === 'read') continue;
    if (match[2] !== `user:${userId}`) return false;
    mine = true;
  }
  return mine;
}

/** Why a file cannot be an avatar, as `fields` on `fileId`; `undefined` when it can. */
function imageProblem(file: AvatarFile): FieldErrors | undefined {
  if (!(AvatarRules.mimeTypes as readonly string[]).includes(file.mimeType)) {
    return {
      fileId: {
        code: 'avatar_not_image',
        message: `Not a JPEG, PNG, WebP or GIF image (it is ${file.mimeType || 'unknown'}).`,
      },
    };
  }
  if (file.sizeOriginal > AvatarRules.maxBytes) {
    return {
      fileId: {
        code: 'avatar_too_large',
        message: `At most ${AvatarRules.maxBytes / 1024 / 1024} MiB.`,
      },
    };
  }
  return undefined;
}

/**
 * Deletes the avatar a profile no longer points at. A failure does not fail the request: the profile
 * is already right, and `maintenance` removes files no profile links.
 */
async function dropReplaced(
  repo: ProfilesRepo,
  fileId: string,
  context: RouteContext,
): Promise<void> {
  try {
    await repo.deleteAvatarFile(fileId);
  } catch (thrown) {
    context.error(
      `Could not delete the replaced avatar ${fileId}; maintenance will: ${describeError(thrown)}`,
    );
  }
}

/** `PATCH /profile`: the caller changes their name and/or bio; an empty bio clears it. */
export function updateProfile(repoFor: RepoFor): RouteHandler {
  return async ({ req, res }) => {
    const repo = repoFor(req);
    const userId = await memberId(req, repo);
    const input = parseInput(ProfileUpdate, req.bodyText);
    const patch = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.bio === undefined ? {} : { bio: input.bio === '' ? null : input.bio }),
    };
    const updated = await repo.updateProfile(userId, patch);
    if (!updated) throw noProfile();
    return res.json(updated);
  };
}

/**
 * `PUT /profile/avatar`: links a file the caller uploaded to the `avatars` bucket — it must exist
 * there, belong to the caller and be an image within `AvatarRules` — then deletes the one it
 * replaces. Linking the current avatar again changes nothing.
 */
export function setAvatar(repoFor: RepoFor): RouteHandler {
  return async (context) => {
    const { req, res } = context;
    const repo = repoFor(req);
    const userId = await memberId(req, repo);
    const { fileId } = parseInput(AvatarSet, req.bodyText);
    const file = await repo.getAvatarFile(fileId);
    if (!file) throw new AppError('storage_file_not_found', 'No file with this id in avatars.');
    if (!ownedBy(file, userId)) {
      throw new AppError('user_unauthorized', 'Only a file you uploaded can be your avatar.');
    }
    const problem = imageProblem(file);
    if (problem) {
      throw new AppError('general_argument_invalid', 'This file cannot be an avatar.', problem);
    }
    const profile = await profileOf(repo, userId);
    const previous = profile.avatarId;
    if (previous === fileId) return res.json(profile);
    const updated = await repo.updateProfile(userId, { avatarId: fileId });
    if (!updated) throw noProfile();
    if (previous) await dropReplaced(repo, previous, context);
    return res.json(updated);
  };
}

/** `DELETE /profile/avatar`: unlinks the caller's avatar and deletes its file; none is a no-op. */
export function removeAvatar(repoFor: RepoFor): RouteHandler {
  return async (context) => {
    const { req, res } = context;
    const repo = repoFor(req);
    const userId = await memberId(req, repo);
    noBody(req);
    const profile = await profileOf(repo, userId);
    const previous = profile.avatarId;
    if (!previous) return res.json(profile);
    const updated = await repo.updateProfile(userId, { avatarId: null });
    if (!updated) throw noProfile();
    await dropReplaced(repo, previous, context);
    return res.json(updated);
  };
}
