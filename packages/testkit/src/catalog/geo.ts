import { Weighted } from '../prng';

/** A visitor's place: country (ISO 3166-1 alpha-2), region and city names as geolocation reports them. */
export interface Place {
  country: string;
  region: string;
  city: string;
  timezone: string;
  languages: Weighted<string>;
}

type CityRow = [region: string, city: string, timezone: string, weight: number];

const lang = (pairs: Array<[string, number]>) => Weighted.of(pairs);

const COUNTRIES: Array<{ code: string; weight: number; languages: Weighted<string>; cities: CityRow[] }> = [
  {
    code: 'US',
    weight: 30,
    languages: lang([
      ['en-US', 92],
      ['es-US', 6],
      ['zh-CN', 2],
    ]),
    cities: [
      ['California', 'San Francisco', 'America/Los_Angeles', 8],
      ['California', 'Los Angeles', 'America/Los_Angeles', 6],
      ['New York', 'New York', 'America/New_York', 10],
      ['Texas', 'Austin', 'America/Chicago', 4],
      ['Texas', 'Houston', 'America/Chicago', 3],
      ['Washington', 'Seattle', 'America/Los_Angeles', 4],
      ['Illinois', 'Chicago', 'America/Chicago', 4],
      ['Massachusetts', 'Boston', 'America/New_York', 3],
      ['Colorado', 'Denver', 'America/Denver', 2],
      ['Florida', 'Miami', 'America/New_York', 2],
    ],
  },
  {
    code: 'GB',
    weight: 8,
    languages: lang([
      ['en-GB', 95],
      ['en-US', 5],
    ]),
    cities: [
      ['England', 'London', 'Europe/London', 10],
      ['England', 'Manchester', 'Europe/London', 3],
      ['Scotland', 'Edinburgh', 'Europe/London', 2],
      ['England', 'Bristol', 'Europe/London', 2],
    ],
  },
  {
    code: 'DE',
    weight: 9,
    languages: lang([
      ['de-DE', 85],
      ['en-US', 10],
      ['en-GB', 5],
    ]),
    cities: [
      ['Berlin', 'Berlin', 'Europe/Berlin', 8],
      ['Bavaria', 'Munich', 'Europe/Berlin', 5],
      ['Hamburg', 'Hamburg', 'Europe/Berlin', 4],
      ['Hesse', 'Frankfurt am Main', 'Europe/Berlin', 3],
      ['North Rhine-Westphalia', 'Cologne', 'Europe/Berlin', 3],
    ],
  },
  {
    code: 'FR',
    weight: 5,
    languages: lang([
      ['fr-FR', 88],
      ['en-US', 12],
    ]),
    cities: [
      ['Île-de-France', 'Paris', 'Europe/Paris', 10],
      ['Auvergne-Rhône-Alpes', 'Lyon', 'Europe/Paris', 3],
      ['Occitanie', 'Toulouse', 'Europe/Paris', 2],
    ],
  },
  {
    code: 'NL',
    weight: 3.5,
    languages: lang([
      ['nl-NL', 75],
      ['en-US', 25],
    ]),
    cities: [
      ['North Holland', 'Amsterdam', 'Europe/Amsterdam', 6],
      ['South Holland', 'Rotterdam', 'Europe/Amsterdam', 2],
      ['Utrecht', 'Utrecht', 'Europe/Amsterdam', 2],
    ],
  },
  {
    code: 'CA',
    weight: 4,
    languages: lang([
      ['en-CA', 75],
      ['fr-CA', 25],
    ]),
    cities: [
      ['Ontario', 'Toronto', 'America/Toronto', 6],
      ['British Columbia', 'Vancouver', 'America/Vancouver', 3],
      ['Quebec', 'Montreal', 'America/Toronto', 3],
    ],
  },
  {
    code: 'IN',
    weight: 6,
    languages: lang([
      ['en-IN', 70],
      ['en-US', 20],
      ['hi-IN', 10],
    ]),
    cities: [
      ['Karnataka', 'Bengaluru', 'Asia/Kolkata', 8],
      ['Maharashtra', 'Mumbai', 'Asia/Kolkata', 5],
      ['Delhi', 'New Delhi', 'Asia/Kolkata', 5],
      ['Telangana', 'Hyderabad', 'Asia/Kolkata', 3],
    ],
  },
  {
    code: 'BR',
    weight: 3,
    languages: lang([
      ['pt-BR', 90],
      ['en-US', 10],
    ]),
    cities: [
      ['São Paulo', 'São Paulo', 'America/Sao_Paulo', 6],
      ['Rio de Janeiro', 'Rio de Janeiro', 'America/Sao_Paulo', 3],
    ],
  },
  {
    code: 'ES',
    weight: 2.5,
    languages: lang([
      ['es-ES', 90],
      ['en-US', 10],
    ]),
    cities: [
      ['Madrid', 'Madrid', 'Europe/Madrid', 5],
      ['Catalonia', 'Barcelona', 'Europe/Madrid', 4],
    ],
  },
  {
    code: 'IT',
    weight: 2,
    languages: lang([
      ['it-IT', 90],
      ['en-US', 10],
    ]),
    cities: [
      ['Lombardy', 'Milan', 'Europe/Rome', 5],
      ['Lazio', 'Rome', 'Europe/Rome', 4],
    ],
  },
  {
    code: 'SE',
    weight: 1.5,
    languages: lang([
      ['sv-SE', 70],
      ['en-US', 30],
    ]),
    cities: [
      ['Stockholm County', 'Stockholm', 'Europe/Stockholm', 5],
      ['Västra Götaland', 'Gothenburg', 'Europe/Stockholm', 2],
    ],
  },
  {
    code: 'PL',
    weight: 1.8,
    languages: lang([
      ['pl-PL', 85],
      ['en-US', 15],
    ]),
    cities: [
      ['Mazovia', 'Warsaw', 'Europe/Warsaw', 5],
      ['Lesser Poland', 'Kraków', 'Europe/Warsaw', 3],
    ],
  },
  {
    code: 'AU',
    weight: 2.2,
    languages: lang([
      ['en-AU', 95],
      ['en-US', 5],
    ]),
    cities: [
      ['New South Wales', 'Sydney', 'Australia/Sydney', 5],
      ['Victoria', 'Melbourne', 'Australia/Melbourne', 4],
    ],
  },
  {
    code: 'JP',
    weight: 2,
    languages: lang([
      ['ja-JP', 92],
      ['en-US', 8],
    ]),
    cities: [
      ['Tokyo', 'Tokyo', 'Asia/Tokyo', 7],
      ['Osaka', 'Osaka', 'Asia/Tokyo', 3],
    ],
  },
  {
    code: 'SG',
    weight: 1,
    languages: lang([
      ['en-SG', 80],
      ['zh-SG', 20],
    ]),
    cities: [['Central Singapore', 'Singapore', 'Asia/Singapore', 1]],
  },
  {
    code: 'CH',
    weight: 1.2,
    languages: lang([
      ['de-CH', 60],
      ['fr-CH', 25],
      ['en-US', 15],
    ]),
    cities: [
      ['Zurich', 'Zurich', 'Europe/Zurich', 3],
      ['Geneva', 'Geneva', 'Europe/Zurich', 2],
    ],
  },
  {
    code: 'IE',
    weight: 0.8,
    languages: lang([
      ['en-IE', 90],
      ['en-GB', 10],
    ]),
    cities: [['Leinster', 'Dublin', 'Europe/Dublin', 1]],
  },
  {
    code: 'MX',
    weight: 1.2,
    languages: lang([
      ['es-MX', 92],
      ['en-US', 8],
    ]),
    cities: [
      ['Mexico City', 'Mexico City', 'America/Mexico_City', 4],
      ['Jalisco', 'Guadalajara', 'America/Mexico_City', 2],
    ],
  },
  {
    code: 'UA',
    weight: 0.8,
    languages: lang([
      ['uk-UA', 70],
      ['en-US', 30],
    ]),
    cities: [
      ['Kyiv City', 'Kyiv', 'Europe/Kyiv', 3],
      ['Lviv', 'Lviv', 'Europe/Kyiv', 1],
    ],
  },
  {
    code: 'NG',
    weight: 0.7,
    languages: lang([
      ['en-NG', 90],
      ['en-US', 10],
    ]),
    cities: [
      ['Lagos', 'Lagos', 'Africa/Lagos', 3],
      ['FCT', 'Abuja', 'Africa/Lagos', 1],
    ],
  },
  {
    code: 'ZA',
    weight: 0.6,
    languages: lang([
      ['en-ZA', 95],
      ['af-ZA', 5],
    ]),
    cities: [
      ['Gauteng', 'Johannesburg', 'Africa/Johannesburg', 2],
      ['Western Cape', 'Cape Town', 'Africa/Johannesburg', 2],
    ],
  },
  {
    code: 'KR',
    weight: 0.8,
    languages: lang([
      ['ko-KR', 92],
      ['en-US', 8],
    ]),
    cities: [['Seoul', 'Seoul', 'Asia/Seoul', 1]],
  },
  {
    code: 'AR',
    weight: 0.6,
    languages: lang([
      ['es-AR', 95],
      ['en-US', 5],
    ]),
    cities: [['Buenos Aires F.D.', 'Buenos Aires', 'America/Argentina/Buenos_Aires', 1]],
  },
  {
    code: 'ID',
    weight: 0.8,
    languages: lang([
      ['id-ID', 85],
      ['en-US', 15],
    ]),
    cities: [['Jakarta', 'Jakarta', 'Asia/Jakarta', 1]],
  },
];

/** All places, weighted by country share and then city share within the country. */
export const PLACES: Weighted<Place> = (() => {
  const places: Place[] = [];
  const weights: number[] = [];
  for (const c of COUNTRIES) {
    const total = c.cities.reduce((s, r) => s + r[3], 0);
    for (const [region, city, timezone, w] of c.cities) {
      places.push({ country: c.code, region, city, timezone, languages: c.languages });
      weights.push((c.weight * w) / total);
    }
  }
  return new Weighted(places, weights);
})();
