import { Client as WebClient, Locale as WebLocale } from 'appwrite';
import { Locale, Client as ServerClient } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { misfits, type Sdk, sdkModel } from '../support/sdk-model-types.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * The Locale service through node-appwrite 27.1.0 (format 1.9.5, with a key) and the web SDK 28.0.0
 * (format 2.3.0, as a guest): every list's items fit the model each SDK declares (read from its own
 * `.d.ts`), with the entries an app relies on; `get` answers a local request as Appwrite answers an
 * address its GeoIP database does not know; a key without `locale.read` is refused; and a project
 * that turned the service off refuses guests but not keys.
 */

let server: LocalServer;
let serverLocale: Locale;
let webLocale: WebLocale;

beforeAll(async () => {
  server = await startLocalServer();
  serverLocale = new Locale(
    new ServerClient()
      .setEndpoint(server.endpoint)
      .setProject(server.projectId)
      .setKey(server.apiKey),
  );
  webLocale = new WebLocale(
    new WebClient().setEndpoint(server.endpoint).setProject(server.projectId),
  );
});
afterAll(() => server.close());

/** Every item fits the SDK's model `name`. */
function expectModels(sdk: Sdk, name: string, items: readonly object[]) {
  const type = sdkModel(sdk, name);
  const wrong = items.flatMap((item) => misfits(item as Record<string, unknown>, type));
  expect(wrong).toEqual([]);
}

describe.each([
  ['node-appwrite', () => serverLocale],
  ['appwrite28', () => webLocale],
] as const)('%s', (sdk, locale) => {
  it('get: a local request has no GeoIP record, so the country is unknown', async () => {
    const here = await locale().get();
    expect(here).toEqual({
      ip: '127.0.0.1',
      countryCode: '--',
      country: 'Unknown',
      continentCode: '--',
      continent: 'Unknown',
      eu: false,
      currency: '',
    });
    expectModels(sdk, 'Locale', [here]);
  });

  it('countries: ISO 3166-1 codes sorted by name, and the EU members', async () => {
    const { total, countries } = await locale().listCountries();
    expect(total).toBe(countries.length);
    expect(total).toBeGreaterThanOrEqual(195);
    expectModels(sdk, 'Country', countries);
    expect(countries).toContainEqual({ name: 'Germany', code: 'DE' });
    const names = countries.map((country) => country.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const eu = await locale().listCountriesEU();
    expectModels(sdk, 'Country', eu.countries);
    expect(eu.total).toBe(27);
    expect(eu.countries.map((country) => country.code)).toEqual(
      expect.arrayContaining(['DE', 'FR', 'GR', 'HR', 'IE']),
    );
    expect(eu.countries.map((country) => country.code)).not.toContain('GB');
  });

  it('phones: each country with its calling code, in numeric order', async () => {
    const { total, phones } = await locale().listCountriesPhones();
    expect(total).toBe(phones.length);
    expectModels(sdk, 'Phone', phones);
    expect(phones).toContainEqual({ code: '+49', countryCode: 'DE', countryName: 'Germany' });
    expect(phones).toContainEqual({ code: '+1', countryCode: 'US', countryName: 'United States' });
    const numbers = phones.map((phone) => Number(phone.code.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });

  it('continents, currencies, languages and locale codes', async () => {
    const continents = await locale().listContinents();
    expectModels(sdk, 'Continent', continents.continents);
    expect(continents.continents.map((continent) => continent.code).sort()).toEqual([
      'AF',
      'AN',
      'AS',
      'EU',
      'NA',
      'OC',
      'SA',
    ]);
    const currencies = await locale().listCurrencies();
    expectModels(sdk, 'Currency', currencies.currencies);
    expect(currencies.total).toBe(currencies.currencies.length);
    expect(currencies.currencies.find((currency) => currency.code === 'EUR')).toMatchObject({
      symbol: '€',
      name: 'Euro',
      decimalDigits: 2,
      namePlural: 'euros',
    });
    expect(currencies.currencies.find((currency) => currency.code === 'JPY')).toMatchObject({
      decimalDigits: 0,
    });
    const languages = await locale().listLanguages();
    expectModels(sdk, 'Language', languages.languages);
    expect(languages.languages).toContainEqual({
      name: 'German',
      code: 'de',
      nativeName: 'Deutsch',
    });
    const codes = await locale().listCodes();
    expectModels(sdk, 'LocaleCode', codes.localeCodes);
    expect(codes.total).toBe(codes.localeCodes.length);
    expect(codes.localeCodes).toEqual(
      expect.arrayContaining([
        { code: 'en', name: 'English' },
        { code: 'de-at', name: 'German (Austria)' },
      ]),
    );
  });
});

describe('names in the language of X-Appwrite-Locale', () => {
  const german = () => [
    new Locale(
      new ServerClient()
        .setEndpoint(server.endpoint)
        .setProject(server.projectId)
        .setKey(server.apiKey)
        .setLocale('de'),
    ),
    new WebLocale(
      new WebClient().setEndpoint(server.endpoint).setProject(server.projectId).setLocale('de'),
    ),
  ];

  it('countries, EU, phones and continents are named in German and sorted by those names', async () => {
    for (const locale of german()) {
      const { countries } = await locale.listCountries();
      expect(countries).toContainEqual({ name: 'Deutschland', code: 'DE' });
      expect(countries).toContainEqual({ name: 'Vereinigte Staaten', code: 'US' });
      const names = countries.map((country) => country.name);
      expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect((await locale.listCountriesEU()).countries).toContainEqual({
        name: 'Österreich',
        code: 'AT',
      });
      expect((await locale.listCountriesPhones()).phones).toContainEqual({
        code: '+49',
        countryCode: 'DE',
        countryName: 'Deutschland',
      });
      expect((await locale.listContinents()).continents).toContainEqual({
        name: 'Südamerika',
        code: 'SA',
      });
    }
  });

  it('an unknown locale, or none, is English', async () => {
    const unknown = await call(server, 'GET', '/locale/continents', {
      headers: { 'x-appwrite-locale': 'xx-yy' },
    });
    expect(unknown.json.continents).toContainEqual({ name: 'South America', code: 'SA' });
    const byParam = await call(server, 'GET', '/locale/countries?locale=fr', {
      headers: { 'x-appwrite-locale': 'de' },
    });
    expect(byParam.json.countries).toContainEqual({ name: 'Allemagne', code: 'DE' });
  });
});

describe('hostile locales', () => {
  // The locale picks an ICU language only from the listed codes: an object's own key, a malformed or
  // 4 KB tag never reaches Intl (which throws a RangeError on a bad tag) and is English.
  it.each([
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '*',
    'de-DE-u-co-phonebk-x-private',
    `de-${'a'.repeat(4_000)}`,
  ])('%s, as header or parameter, is English', async (tag) => {
    for (const answer of [
      await call(server, 'GET', '/locale/countries', { headers: { 'x-appwrite-locale': tag } }),
      await call(server, 'GET', `/locale/continents?locale=${encodeURIComponent(tag)}`),
    ]) {
      expect(answer.status).toBe(200);
      const items = answer.json.countries ?? answer.json.continents;
      expect(items).toContainEqual(
        answer.json.countries ? { name: 'Germany', code: 'DE' } : { name: 'Europe', code: 'EU' },
      );
    }
  });
});

describe('who may ask', () => {
  it('a key without locale.read is refused', async () => {
    const key = server.keyWith(['users.read']);
    const refused = await call(server, 'GET', '/locale/countries', {
      headers: { 'x-appwrite-key': key },
    });
    expect([refused.status, refused.json?.type]).toEqual([401, 'general_unauthorized_scope']);
  });

  it('a project that turned locale off refuses guests (403), not keys', async () => {
    const off = await call(server, 'PATCH', '/project/services/locale', {
      headers: { 'x-appwrite-key': server.apiKey },
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    try {
      const guest = await call(server, 'GET', '/locale/languages');
      expect([guest.status, guest.json?.type]).toEqual([403, 'general_service_disabled']);
      const byKey = await serverLocale.listLanguages();
      expect(byKey.total).toBeGreaterThan(100);
    } finally {
      await call(server, 'PATCH', '/project/services/locale', {
        headers: { 'x-appwrite-key': server.apiKey },
        body: { enabled: true },
      });
    }
  });
});
