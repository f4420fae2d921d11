import { randomInt } from 'node:crypto';

/**
 * The security phrase of a sign-in token (`phrase: true` on `POST /account/tokens/email` and
 * `/magic-url`): two random words, shown in the response and written into the message, so the user
 * can check that the mail answers the sign-in they started. Appwrite's has the same shape — a
 * capitalised adjective, then a noun (SRV src/Appwrite/Auth/Phrase.php) — from its own word lists.
 */

const ADJECTIVES = [
  'Amber',
  'Brave',
  'Bright',
  'Calm',
  'Clever',
  'Cosy',
  'Crisp',
  'Curious',
  'Daring',
  'Eager',
  'Gentle',
  'Golden',
  'Happy',
  'Honest',
  'Humble',
  'Jolly',
  'Kind',
  'Lively',
  'Lucky',
  'Merry',
  'Mighty',
  'Nimble',
  'Noble',
  'Patient',
  'Playful',
  'Proud',
  'Quiet',
  'Rapid',
  'Silver',
  'Steady',
  'Sunny',
  'Swift',
  'Tidy',
  'Vivid',
  'Warm',
  'Wise',
  'Witty',
  'Young',
  'Zesty',
  'Bold',
];

const NOUNS = [
  'anchor',
  'badger',
  'beacon',
  'bicycle',
  'canyon',
  'cedar',
  'comet',
  'compass',
  'falcon',
  'fern',
  'fox',
  'garden',
  'glacier',
  'harbor',
  'heron',
  'island',
  'kettle',
  'lantern',
  'maple',
  'meadow',
  'otter',
  'owl',
  'pebble',
  'pine',
  'planet',
  'river',
  'robin',
  'saddle',
  'sparrow',
  'summit',
  'teapot',
  'thistle',
  'tiger',
  'tulip',
  'valley',
  'violin',
  'walrus',
  'willow',
  'yak',
  'zebra',
];

/** A new security phrase, e.g. `Golden fox`. */
export function securityPhrase(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]} ${NOUNS[randomInt(NOUNS.length)]}`;
}
