/**
 * Dates as feeds write them.
 *
 * RSS asks for RFC 822 ("Sat, 07 Sep 2002 09:42:31 GMT"), Atom and JSON Feed for RFC 3339
 * ("2002-09-07T09:42:31Z"); real feeds write whatever their software produced: month before
 * day, "Sept", full month and weekday names, no weekday, no seconds, two-digit years, a zone
 * name after the offset (Go's "+0200 CEST"), named zones, military letters, "Sep 23, 2024".
 *
 * Everything here is deterministic: a date without a zone is read as UTC, never as the local
 * time of whoever runs the refresh (what Date.parse does). A string that is not a date gives
 * null; {@link itemDate} then falls back to the fetch time.
 */

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6, june: 6,
  jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10,
  nov: 11, november: 11, dec: 12, december: 12,
};

const WEEKDAYS = new Set([
  'mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday', 'thu', 'thur', 'thurs', 'thursday',
  'fri', 'friday', 'sat', 'saturday', 'sun', 'sunday',
]);

/** Offsets in minutes east of UTC. RFC 822's names first, then names feeds use in practice. */
const ZONES: Readonly<Record<string, number>> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  akst: -540, akdt: -480, hst: -600, ast: -240, adt: -180, nst: -210, ndt: -150,
  wet: 0, west: 60, bst: 60, cet: 60, cest: 120, met: 60, mest: 120, eet: 120, eest: 180, msk: 180,
  ist: 330, ict: 420, wib: 420, hkt: 480, sgt: 480, awst: 480, pht: 480, jst: 540, kst: 540,
  acst: 570, acdt: 630, aest: 600, aedt: 660, nzst: 720, nzdt: 780,
};

/**
 * Single-letter military zones as the military uses them: A..I = +1..+9, K..M = +10..+12,
 * N..Y = -1..-12, Z = UTC (J is "local time" and is not a zone). RFC 822's own table had the
 * signs the other way round, an error RFC 1123 (5.2.14) points out.
 */
function militaryZone(letter: string): number | undefined {
  const c = letter.toLowerCase();
  if (c === 'z') return 0;
  if (c >= 'a' && c <= 'i') return (c.charCodeAt(0) - 96) * 60;
  if (c >= 'k' && c <= 'm') return (c.charCodeAt(0) - 97) * 60;
  if (c >= 'n' && c <= 'y') return -(c.charCodeAt(0) - 109) * 60;
  return undefined;
}

// After the time: [white space and] a zone, then white space and a name; or only trailing white
// space. Each run of white space belongs to one group (a bare \s* before the optional zone and the
// name's \s+ split a run every way: quadratic). Same strings and captures as the plain form
// /…)?\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?(?:\s+\(?([a-z]{1,5})\)?)?$/i.
const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?(?:\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)|\s*$)?(?:\s+\(?([a-z]{1,5})\)?)?$/i;
const NUMERIC_OFFSET = /^(?:(?:gmt|utc|ut)?([+-])(\d{1,2})(?::?(\d{2}))?)$/i;
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?$/;

/** Milliseconds since the epoch, or null when the text is not a date we can read. */
export function parseFeedDate(raw: string | null | undefined): number | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim().replace(/\s+/g, ' ');
  // Dates are short; a long string is not one (and is not worth scanning).
  if (!text || text.length > 80) return null;
  return parseIso(text) ?? parseRfc822Like(text);
}

/**
 * The date to store for an item: what it says, or the fetch time when it says nothing readable,
 * and never later than the fetch time (a date in the future would pin it to the top of the list).
 */
export function itemDate(raw: string | null | undefined, fetchedAt: number): number {
  const parsed = parseFeedDate(raw);
  if (parsed === null) return fetchedAt;
  return Math.min(parsed, fetchedAt);
}

function parseIso(text: string): number | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zone, name] = m;
  // Go's time.String(): "2024-09-23 10:00:00 +0200 CEST"; the offset wins over the name.
  const offset = zone ? zoneOffset(zone) : name ? (zoneOffset(name) ?? 0) : 0;
  if (offset === undefined) return null;
  return build(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), offset);
}

/**
 * Everything else: a token walk that takes day, month (a name), year, time and zone in any
 * usual order. Two numbers around a month name are day and year; "May 25 2020" and "25 May 2020"
 * both work, as does "2020 May 25".
 */
function parseRfc822Like(text: string): number | null {
  const tokens = text
    .replace(/,/g, ' ')
    // "10:00:00+0200" and "10:00:00GMT": split a zone glued to the time.
    .replace(/(\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(?=[+-]\d|[a-z])/gi, '$1 ')
    .split(' ')
    .filter(Boolean);
  let month: number | undefined;
  let time: { h: number; mi: number; s: number } | undefined;
  let offset: number | undefined;
  let meridiem: 'am' | 'pm' | undefined;
  const numbers: string[] = [];

  for (const raw of tokens) {
    const token = raw.replace(/\.$/, '').toLowerCase();
    if (WEEKDAYS.has(token)) continue;
    const monthNumber = MONTHS[token];
    if (monthNumber !== undefined && month === undefined) {
      month = monthNumber;
      continue;
    }
    const t = TIME.exec(token);
    if (t && !time) {
      time = { h: Number(t[1]), mi: Number(t[2]), s: Number(t[3] ?? 0) };
      continue;
    }
    if ((token === 'am' || token === 'pm') && time) {
      meridiem = token;
      continue;
    }
    if (/^\d{1,4}$/.test(token)) {
      // After the time, a bare number is an offset written without its sign ("0000"): ignore.
      if (time && numbers.length >= 2) continue;
      numbers.push(token);
      continue;
    }
    // "(UTC)", "(CEST)": comments.
    const bare = token.replace(/^\((.*)\)$/, '$1');
    const zone = zoneOffset(bare);
    if (zone !== undefined) {
      // Go writes "+0200 CEST": the numeric offset came first and is the one to trust.
      if (offset === undefined) offset = zone;
      continue;
    }
    if (/^[a-z]{2,5}$/.test(bare) && time) continue; // an unknown zone name: read as UTC
    if (/^\d{1,2}(?:st|nd|rd|th)$/.test(token)) {
      numbers.push(token.replace(/(?<!\D)\D+$/, '')); // same match as /\D+$/: it starts where the run does, tried once
      continue;
    }
    return null;
  }
  if (month === undefined || numbers.length !== 2) return null;

  // Which number is the year: the 4-digit one, else the second ("25 May 20" / "May 25 20").
  let day: number;
  let year: number;
  const [a, b] = numbers as [string, string];
  if (a.length >= 3 && b.length <= 2) [year, day] = [Number(a), Number(b)];
  else if (b.length >= 3 && a.length <= 2) [day, year] = [Number(a), Number(b)];
  else if (a.length <= 2 && b.length <= 2) [day, year] = [Number(a), twoDigitYear(Number(b))];
  else return null;
  if (year < 100 && numbers.some((n) => n.length === 3)) return null;

  let h = time?.h ?? 0;
  if (meridiem) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  return build(year, month, day, h, time?.mi ?? 0, time?.s ?? 0, offset ?? 0);
}

/** RFC 2822 4.3: 00-49 are 2000-2049, 50-99 are 1950-1999. */
function twoDigitYear(y: number): number {
  return y < 50 ? 2000 + y : 1900 + y;
}

function zoneOffset(raw: string): number | undefined {
  const token = raw.toLowerCase();
  const named = Object.hasOwn(ZONES, token) ? ZONES[token] : undefined;
  if (named !== undefined) return named;
  if (token.length === 1) return militaryZone(token);
  const m = NUMERIC_OFFSET.exec(token);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMinutes: number): number | null {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (h > 24 || mi > 59 || s > 60 || (h === 24 && (mi > 0 || s > 0))) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59));
  // 31 April and 30 February roll over in Date.UTC: refuse them instead.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return null;
  return ms - offsetMinutes * 60_000;
}
