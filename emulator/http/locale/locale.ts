import type { FastifyInstance } from 'fastify';
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
 * The lists come from core/locale (packaged data). No response format changes these models, so they
 * are sent as built.
 */
export function registerLocale(app: FastifyInstance, project: Project): void {
  const { locale } = project;

  app.get('/locale', async (request) => {
    requireScope(request, 'locale.read');
    return locale.requestLocale(request.ip);
  });

  const lists = {
    '/locale/codes': ['localeCodes', () => locale.localeCodes()],
    '/locale/countries': ['countries', () => locale.countries()],
    '/locale/countries/eu': ['countries', () => locale.countriesEU()],
    '/locale/countries/phones': ['phones', () => locale.phones()],
    '/locale/continents': ['continents', () => locale.continents()],
    '/locale/currencies': ['currencies', () => locale.currencies()],
    '/locale/languages': ['languages', () => locale.languages()],
  } as const satisfies Record<string, readonly [string, () => readonly object[]]>;

  for (const [path, [key, list]] of Object.entries(lists)) {
    app.get(path, async (request) => {
      requireScope(request, 'locale.read');
      const items = list();
      return { total: items.length, [key]: items };
    });
  }
}
