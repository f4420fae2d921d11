import { continents, countries, type ICountry, languages } from 'countries-list';
import { currencies } from 'countries-list/currencies';
import { getEuMembers } from 'is-eu-member';

/**
 * The Locale service's lists (SRV app/controllers/api/locale.php over app/config/locale/*.php), from
 * maintained data packages instead of Appwrite's own tables: `countries-list` (MIT) for countries,
 * their calling codes, continents, currencies and ISO 639-1 languages, `is-eu-member` (MIT) for the
 * European Union, and Node's ICU (CLDR) for the names of locale codes and currencies' plural names.
 * Country and continent names follow the request's locale as Appwrite's do (English unless asked,
 * other languages from CLDR); the other names are English, as in Appwrite. Each list is built once,
 * on first use, in Appwrite's order: countries, EU countries and continents by name, calling codes
 * by number, currencies and languages by code.
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

/** UN M49 region codes, which CLDR names, for Appwrite's continent codes. */
const CONTINENT_REGIONS: Readonly<Record<string, string>> = {
  AF: '002',
  AN: 'AQ',
  AS: '142',
  EU: '150',
  NA: '003',
  OC: '009',
  SA: '005',
};

/** The lists whose names depend on the language. */
interface NamedLists {
  countries: Country[];
  eu: Country[];
  phones: Phone[];
  continents: Continent[];
}

/** The language a request asks its names in: English unless told otherwise. */
export const DEFAULT_LANGUAGE = 'en';

/** The lists of the Locale service, built lazily and kept (per language for the named ones). */
export class Locale {
  readonly #named = new Map<string, NamedLists>();
  #currencies: Currency[] | null = null;
  #languages: Language[] | null = null;
  #codes: LocaleCode[] | null = null;

  /**
   * The language names are given in for a request's `locale` parameter or `X-Appwrite-Locale`
   * header: one of the locale codes (any case), as Appwrite accepts them, else English.
   */
  languageFor(requested: string | undefined): string {
    const code = (requested ?? '').toLowerCase();
    return this.localeCodes().some((locale) => locale.code === code) ? code : DEFAULT_LANGUAGE;
  }

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

  /** Countries by name (PHP's `strcmp`, as Appwrite sorts). */
  countries(language = DEFAULT_LANGUAGE): Country[] {
    return this.#namedLists(language).countries;
  }

  /** The EU's members, by name. */
  countriesEU(language = DEFAULT_LANGUAGE): Country[] {
    return this.#namedLists(language).eu;
  }

  /** Each country's (first) calling code, in numeric order, countries of one code by name. */
  phones(language = DEFAULT_LANGUAGE): Phone[] {
    return this.#namedLists(language).phones;
  }

  /** The seven continents, by name. */
  continents(language = DEFAULT_LANGUAGE): Continent[] {
    return this.#namedLists(language).continents;
  }

  /**
   * Names in English are countries-list's; in another language CLDR's (through ICU), falling back
   * to the English name where ICU has none. Appwrite translates the same names from its own files.
   */
  #namedLists(language: string): NamedLists {
    const cached = this.#named.get(language);
    if (cached) return cached;
    const regions =
      language === DEFAULT_LANGUAGE
        ? null
        : new Intl.DisplayNames(language, { type: 'region', fallback: 'none' });
    const nameOf = (region: string, english: string) => regions?.of(region) ?? english;

    const own = ownCountries();
    const countryList = own
      .map(([code, country]) => ({ name: nameOf(code, country.name), code }))
      .sort(byName);
    // The EU writes Greece `EL`; ISO 3166-1 says `GR`.
    const members = new Set(getEuMembers().map((code) => (code === 'EL' ? 'GR' : code)));
    const names = new Map(countryList.map((country) => [country.code, country.name]));
    const phones = own
      .filter(([, country]) => country.phone.length > 0)
      .map(([code, country]) => ({
        number: country.phone[0] as number,
        phone: {
          code: `+${country.phone[0]}`,
          countryCode: code,
          countryName: names.get(code) ?? '',
        },
      }))
      .sort(
        (a, b) =>
          a.number - b.number ||
          byName({ name: a.phone.countryName }, { name: b.phone.countryName }),
      )
      .map(({ phone }) => phone);
    const lists: NamedLists = {
      countries: countryList,
      eu: countryList.filter((country) => members.has(country.code)),
      phones,
      continents: Object.entries(continents as Record<string, string>)
        .map(([code, name]) => ({ name: nameOf(CONTINENT_REGIONS[code] ?? code, name), code }))
        .sort(byName),
    };
    this.#named.set(language, lists);
    return lists;
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
