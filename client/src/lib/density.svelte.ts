/**
 * The feed's density, remembered per browser (localStorage): `comfortable` cards show the start of
 * each body; `compact` rows show the title, author and counts only, so a screen holds three times
 * as many posts. A storage that refuses (private mode, a full quota) only means it is not
 * remembered.
 */
export type Density = 'comfortable' | 'compact';

export const DENSITY_KEY = 'agora:density';

class DensityPreference {
  #value = $state<Density>(read());

  get current(): Density {
    return this.#value;
  }

  get compact(): boolean {
    return this.#value === 'compact';
  }

  set(value: Density): void {
    this.#value = value;
    try {
      localStorage.setItem(DENSITY_KEY, value);
    } catch {
      // Not remembered, still applied.
    }
  }
}

function read(): Density {
  try {
    return globalThis.localStorage?.getItem(DENSITY_KEY) === 'compact' ? 'compact' : 'comfortable';
  } catch {
    return 'comfortable';
  }
}

/** The one density preference (a per-browser setting, like a theme). */
export const density = new DensityPreference();
