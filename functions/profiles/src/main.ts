import { Route } from '#shared/functions.ts';
import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { type RepoFor, removeAvatar, setAvatar, updateProfile } from './profiles-handlers.ts';
import { createProfilesRepo } from './profiles-repo.ts';

const repoFor: RepoFor = (req) => createProfilesRepo(appwriteClient(req));

/** The `profiles` function: the caller edits their profile and links or removes their avatar. */
export default createHandler({
  [Route.profiles.update]: updateProfile(repoFor),
  [Route.profiles.setAvatar]: setAvatar(repoFor),
  [Route.profiles.removeAvatar]: removeAvatar(repoFor),
});
