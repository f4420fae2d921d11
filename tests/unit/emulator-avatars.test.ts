import { describe, expect, it } from 'vitest';
import { initialsOf } from '../../emulator/core/avatars/initials.ts';

/**
 * The initials and colour Appwrite 1.9.5 picks for a name (SRV Avatars/Http/Initials/Get.php): the
 * upper-cased name split on spaces, else on `_`; a word counts when its first character is an ASCII
 * letter or digit; the loop stops after the second word only if that word counted; the colour is the
 * last digit of the initials' character codes, folded onto Appwrite's five themes.
 */
describe('initialsOf', () => {
  it.each([
    ['Ada Lovelace', 'AL', '#FE9567'], // 65 + 76 = 141 → 1
    ['Ada King Lovelace', 'AK', '#FD366E'], // two words counted: stop; 65 + 75 = 140 → 0
    ['john_doe', 'JD', '#7C67FE'], // no space: split on _; 74 + 68 = 142 → 2
    ['john_doe smith', 'JS', '#7C67FE'], // a space: _ stays inside the word; 157 → 7 → 7 % 5 = 2
    ['a -b c d', 'ACD', '#FD366E'], // the second word does not count, so no stop: 200 → 0
    ['élan vital', 'V', '#FE9567'], // é is not ASCII; 86 → 6 → 6 % 5 = 1
    ['', '', '#FD366E'],
    ['42 x', '4X', '#FD366E'], // digits count: 52 + 88 = 140 → 0
  ])('%j → %s %s', (name, initials, theme) => {
    expect(initialsOf(name)).toEqual({ initials, theme });
  });
});
