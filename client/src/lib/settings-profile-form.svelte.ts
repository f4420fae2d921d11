import { type FieldErrors, fieldsFromIssues } from '#shared/errors.ts';
import { FunctionId, Route } from '#shared/functions.ts';
import { type Profile, ProfileUpdate } from '#shared/schemas/profile.ts';
import { toApiError } from './api-error.ts';
import { callFunction } from './call-function.ts';

/**
 * The "edit your profile" form: name and bio, checked with the shared `ProfileUpdate` schema before
 * the request, then `PATCH /profile` on the `profiles` function. Field errors from either side land
 * under their input; `dirty` tells whether there is anything to save.
 *
 *   const form = new ProfileForm(session.profile);   bind:value={form.name}   await form.submit()
 */
export class ProfileForm {
  name = $state('');
  bio = $state('');
  fields = $state.raw<FieldErrors>({});
  busy = $state(false);
  #saved = $state.raw({ name: '', bio: '' });

  readonly #update: (input: ProfileUpdate) => Promise<Profile>;

  constructor(
    profile: Pick<Profile, 'name' | 'bio'> | null,
    update: (input: ProfileUpdate) => Promise<Profile> = (input) =>
      callFunction<Profile>(FunctionId.profiles, Route.profiles.update, {}, input),
  ) {
    this.#update = update;
    this.reset(profile);
  }

  /** Whether the fields differ from what was last saved. */
  get dirty(): boolean {
    return this.name !== this.#saved.name || this.bio !== this.#saved.bio;
  }

  /** Fills the form from a profile (on load, or when it changes elsewhere and nothing is typed). */
  reset(profile: Pick<Profile, 'name' | 'bio'> | null): void {
    const saved = { name: profile?.name ?? '', bio: profile?.bio ?? '' };
    this.#saved = saved;
    this.name = saved.name;
    this.bio = saved.bio;
    this.fields = {};
  }

  /**
   * Saves what changed. Returns the updated profile, or `null` when a field needs fixing; throws an
   * ApiError for anything that is not about a field (the caller toasts it).
   */
  async submit(): Promise<Profile | null> {
    const input: Record<string, string> = {};
    if (this.name !== this.#saved.name) input.name = this.name;
    if (this.bio !== this.#saved.bio) input.bio = this.bio;
    const parsed = ProfileUpdate.safeParse(input);
    if (!parsed.success) {
      this.fields = fieldsFromIssues(parsed.error.issues);
      return null;
    }
    this.fields = {};
    this.busy = true;
    try {
      const profile = await this.#update(parsed.data);
      this.reset(profile);
      return profile;
    } catch (error) {
      const apiError = toApiError(error);
      if (Object.keys(apiError.fields).length === 0) throw apiError;
      this.fields = apiError.fields;
      return null;
    } finally {
      this.busy = false;
    }
  }
}
