import type { Profile } from '#shared/schemas/profile.ts';
import { profilesByIds } from './api/profiles.ts';

/**
 * Author names and avatars for posts and comments: a small cache of `profiles` rows shared by every
 * view (a name read on the feed is known on the post page), filled in batches. Unknown authors show
 * as "Someone" until their profile arrives.
 *
 *   await authors.load(posts.map((p) => p.authorId));   authors.name(id)   authors.get(id)?.avatarId
 */
class Authors {
  // Replaced, never mutated (lighter than SvelteMap's runtime).
  #profiles = $state.raw<ReadonlyMap<string, Profile>>(new Map());
  #asked = new Set<string>();

  get(id: string): Profile | undefined {
    return this.#profiles.get(id);
  }

  name(id: string): string {
    return this.#profiles.get(id)?.name ?? 'Someone';
  }

  /** Fetches the profiles not yet known (or all of `ids` with `force`). Failures leave "Someone". */
  async load(ids: Iterable<string>, force = false): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => force || !this.#asked.has(id));
    if (missing.length === 0) return;
    for (const id of missing) this.#asked.add(id);
    try {
      const next = new Map(this.#profiles);
      for (const profile of await profilesByIds(missing)) next.set(profile.$id, profile);
      this.#profiles = next;
    } catch {
      for (const id of missing) this.#asked.delete(id);
    }
  }

  /** Puts a profile read elsewhere (a Realtime event, the session's own) into the cache. */
  put(profile: Profile): void {
    this.#profiles = new Map(this.#profiles).set(profile.$id, profile);
  }
}

export const authors = new Authors();
