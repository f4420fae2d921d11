import { continents, countries, type ICountry, languages } from 'countries-list';
import { currencies } from 'countries-list/currencies';
import { getEuMembers } from 'is-eu-member';

/**
 * The Locale service's lists (SRV app/controllers/api/locale.php over app/config/locale/*.php), from
 * maintained data packages instead of Appwrite's own tables: `countries-list` (MIT) for countries,
 * their calling codes, continents, currencies and ISO 639-1 languages, `is-eu-member` (MIT) for the
 * European Union, and Node's ICU (CLDR) for the names of locale codes and currencies' plural names.
 * Names are English (Appwrite translates them by `X-Appwrite-Locale`). Each list is built once, on
 * first use, in Appwrite's order: countries, EU countries and continents by name, calling codes by
 * number, currencies and languages by code.
 */

/** The models' shapes (node-appwrite 27.1.0 `Country`, `Phone`, `Continent`, `Currency`, …). */
export interface Country {
  name: string;
  code: string;
}
export interface Phone {
  code: string;
  countryCode: string;
  countryName: string;
}
export interface Continent {
  name: string;
  code: string;
}
export interface Currency {
  symbol: string;
  name: string;
  symbolNative: string;
  decimalDigits: number;
  rounding: number;
  code: string;
  namePlural: string;
}
export interface Language {
  name: string;
  code: string;
  nativeName: string;
}
export interface LocaleCode {
  code: string;
  name: string;
}

/** Where a request comes from, as `GET /locale` reports it. */
export interface RequestLocale {
  ip: string;
  countryCode: string;
  country: string;
  continentCode: string;
  continent: string;
  eu: boolean;
  currency: string;
}

/** Compares as PHP's `strcmp` (byte order of UTF-8, which is code-point order), as Appwrite sorts. */
const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/**
 * Sovereign states and territories with their own ISO 3166-1 code: countries-list's entries less the
 * parts of another country (Ascension, Åland…) and user-assigned codes (Kosovo).
 */
function ownCountries(): Array<[string, ICountry]> {
  return Object.entries(countries as Record<string, ICountry>).filter(
    ([, country]) => !country.partOf && !country.userAssigned,
  );
}

/** The plural English name of a currency, from CLDR ("US dollars"), or its name when ICU has none. */
function pluralName(code: string, fallback: string): string {
  try {
    const parts = new Intl.NumberFormat('en', {
      style: 'currency',
      currency: code,
      currencyDisplay: 'name',
    }).formatToParts(2);
    const name = parts.find((part) => part.type === 'currency')?.value;
    return name && name !== code ? name : fallback;
  } catch {
    return fallback;
  }
}

/** The lists of the Locale service, built lazily and kept. */
export class Locale {
  #countries: Country[] | null = null;
  #eu: Country[] | null = null;
  #phones: Phone[] | null = null;
  #continents: Continent[] | null = null;
  #currencies: Currency[] | null = null;
  #languages: Language[] | null = null;
  #codes: LocaleCode[] | null = null;

  /** `GET /locale`: a local request has no GeoIP record, so Appwrite's "unknown" answer. */
  requestLocale(ip: string): RequestLocale {
    return {
      ip,
      countryCode: '--',
      country: 'Unknown',
      continentCode: '--',
      continent: 'Unknown',
      eu: false,
      currency: '',
    };
  }

  countries(): Country[] {
    this.#countries ??= ownCountries()
      .map(([code, country]) => ({ name: country.name, code }))
      .sort(byName);
    return this.#countries;
  }

  /** The EU's members (the EU writes Greece `EL`; ISO 3166-1 says `GR`). */
  countriesEU(): Country[] {
    this.#eu ??= (() => {
      const members = new Set(getEuMembers().map((code) => (code === 'EL' ? 'GR' : code)));
      return this.countries().filter((country) => members.has(country.code));
    })();
    return this.#eu;
  }

  /** Each country's (first) calling code, in numeric order, countries of one code by name. */
  phones(): Phone[] {
    this.#phones ??= ownCountries()
      .filter(([, country]) => country.phone.length > 0)
      .map(([code, country]) => ({
        number: country.phone[0] as number,
        phone: { code: `+${country.phone[0]}`, countryCode: code, countryName: country.name },
      }))
      .sort(
        (a, b) =>
          a.number - b.number ||
          byName({ name: a.phone.countryName }, { name: b.phone.countryName }),
      )
      .map(({ phone }) => phone);
    return this.#phones;
  }

  continents(): Continent[] {
    this.#continents ??= Object.entries(continents as Record<string, string>)
      .map(([code, name]) => ({ name, code }))
      .sort(byName);
    return this.#continents;
  }

  /**
   * The currencies some listed country uses. `rounding` is 0 throughout (the table Appwrite copied
   * gives the Swiss franc 0.05, CLDR's cash rounding; the package has no rounding).
   */
  currencies(): Currency[] {
    this.#currencies ??= (() => {
      const used = new Set(ownCountries().flatMap(([, country]) => country.currency));
      return Object.entries(
        currencies as Record<string, (typeof currencies)[keyof typeof currencies]>,
      )
        .filter(([code, currency]) => used.has(code as never) && !currency.withdrawn)
        .map(([code, currency]) => ({
          symbol: currency.symbol,
          name: currency.name,
          symbolNative: currency.symbolNative,
          decimalDigits: currency.decimals,
          rounding: 0,
          code,
          namePlural: pluralName(code, currency.name),
        }));
    })();
    return this.#currencies;
  }

  /** ISO 639-1 languages, with their names in English and in themselves. */
  languages(): Language[] {
    this.#languages ??= Object.entries(
      languages as Record<string, { name: string; native: string }>,
    ).map(([code, language]) => ({
      name: language.name,
      code,
      nativeName: language.native,
    }));
    return this.#languages;
  }

  /**
   * Locale codes: every ISO 639-1 language (`de`) and each pairing of a listed country with a
   * language it speaks officially (`de-at`), lower-case as Appwrite writes them, named by CLDR
   * (`German (Austria)`); a code ICU cannot name is left out. Appwrite's own table is a hand-picked
   * 131 codes; this is a superset of its standard ones.
   */
  localeCodes(): LocaleCode[] {
    this.#codes ??= (() => {
      const names = new Intl.DisplayNames('en', {
        type: 'language',
        languageDisplay: 'standard',
        fallback: 'none',
      });
      const codes = new Map<string, string>();
      const add = (tag: string) => {
        const name = names.of(tag);
        if (name) codes.set(tag.toLowerCase(), name);
      };
      for (const language of this.languages()) add(language.code);
      for (const [country, info] of ownCountries()) {
        for (const language of info.languages) {
          add(language);
          add(`${language}-${country}`);
        }
      }
      return [...codes]
        .map(([code, name]) => ({ code, name }))
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    })();
    return this.#codes;
  }
}
