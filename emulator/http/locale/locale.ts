import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Project } from '../../core/project.ts';
import { requireScope } from '../platform/context.ts';

/**
 * The Locale service (SRV app/controllers/api/locale.php), scope `locale.read`, every answer 200:
 *
 *   GET /locale                    get                   Locale
 *   GET /locale/codes              listCodes             LocaleCodeList  { total, localeCodes }
 *   GET /locale/countries          listCountries         CountryList     { total, countries }
 *   GET /locale/countries/eu       listCountriesEU       CountryList
 *   GET /locale/countries/phones   listCountriesPhones   PhoneList       { total, phones }
 *   GET /locale/continents         listContinents        ContinentList   { total, continents }
 *   GET /locale/currencies         listCurrencies        CurrencyList    { total, currencies }
 *   GET /locale/languages          listLanguages         LanguageList    { total, languages }
 *
 * The lists come from core/locale (packaged data). Country and continent names are in the language
 * the request's `locale` parameter or `X-Appwrite-Locale` header names, as in Appwrite. No response
 * format changes these models, so they are sent as built.
 */
export function registerLocale(app: FastifyInstance, project: Project): void {
  const { locale } = project;

  app.get('/locale', async (request) => {
    requireScope(request, 'locale.read');
    return locale.requestLocale(request.ip);
  });

  const lists = {
    '/locale/codes': ['localeCodes', () => locale.localeCodes()],
    '/locale/countries': ['countries', (language) => locale.countries(language)],
    '/locale/countries/eu': ['countries', (language) => locale.countriesEU(language)],
    '/locale/countries/phones': ['phones', (language) => locale.phones(language)],
    '/locale/continents': ['continents', (language) => locale.continents(language)],
    '/locale/currencies': ['currencies', () => locale.currencies()],
    '/locale/languages': ['languages', () => locale.languages()],
  } as const satisfies Record<string, readonly [string, (language: string) => readonly object[]]>;

  for (const [path, [key, list]] of Object.entries(lists)) {
    app.get(path, async (request) => {
      requireScope(request, 'locale.read');
      const items = list(languageOf(request));
      return { total: items.length, [key]: items };
    });
  }

  /** The request's `locale` parameter, else its `X-Appwrite-Locale` header (SRV general.php). */
  function languageOf(request: FastifyRequest): string {
    const param = (request.query as Record<string, unknown>).locale;
    const header = request.headers['x-appwrite-locale'];
    return locale.languageFor(
      typeof param === 'string' ? param : typeof header === 'string' ? header : '',
    );
  }
}
