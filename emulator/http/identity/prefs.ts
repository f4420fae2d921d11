import { AppwriteError } from '../../core/platform/errors.ts';

/** Appwrite stores prefs in a 65,535-character column; larger objects are refused. */
const PREFS_MAX = 65_535;

/** Checks a prefs object's size and returns it. */
export function checkPrefs(prefs: Record<string, unknown>): Record<string, unknown> {
  if (JSON.stringify(prefs).length > PREFS_MAX) {
    throw new AppwriteError('general_argument_invalid', 'Invalid `prefs` param: too large.');
  }
  return prefs;
}
