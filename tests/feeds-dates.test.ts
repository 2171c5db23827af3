import { describe, expect, it } from 'vitest';
import { itemDate, parseFeedDate } from '../main/feeds/dates.js';

const utc = (iso: string) => Date.parse(iso);

/** [what the feed wrote, the instant it means (ISO, UTC)]. */
const READABLE: Array<[string, string]> = [
  // RFC 822 / 2822 as specified
  ['Sat, 07 Sep 2002 09:42:31 GMT', '2002-09-07T09:42:31Z'],
  ['Sat, 07 Sep 2002 09:42:31 +0000', '2002-09-07T09:42:31Z'],
  ['Sat, 07 Sep 2002 09:42:31 UT', '2002-09-07T09:42:31Z'],
  ['Sat, 07 Sep 2002 09:42:31 UTC', '2002-09-07T09:42:31Z'],
  ['Sat, 07 Sep 2002 09:42:31 Z', '2002-09-07T09:42:31Z'],
  ['Sat, 07 Sep 2002 09:42 GMT', '2002-09-07T09:42:00Z'],
  ['07 Sep 2002 09:42:31 GMT', '2002-09-07T09:42:31Z'],
  ['Sat, 7 Sep 2002 09:42:31 -0700', '2002-09-07T16:42:31Z'],
  ['Sat, 07 Sep 2002 09:42:31 +0530', '2002-09-07T04:12:31Z'],
  // named zones
  ['Fri, 12 Apr 2024 08:15:00 EDT', '2024-04-12T12:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 EST', '2024-04-12T13:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 CDT', '2024-04-12T13:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 MST', '2024-04-12T15:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 PST', '2024-04-12T16:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 PDT', '2024-04-12T15:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 CEST', '2024-04-12T06:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 ICT', '2024-04-12T01:15:00Z'],
  // military letters (A = +1 … M = +12, N = −1 … Y = −12)
  ['Fri, 12 Apr 2024 08:15:00 A', '2024-04-12T07:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 M', '2024-04-11T20:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 N', '2024-04-12T09:15:00Z'],
  ['Fri, 12 Apr 2024 08:15:00 Y', '2024-04-12T20:15:00Z'],
  // ISO 8601 / RFC 3339
  ['2024-03-01T09:30:00+01:00', '2024-03-01T08:30:00Z'],
  ['2024-03-01T09:30:00.123456Z', '2024-03-01T09:30:00Z'],
  ['2024-03-01T09:30:00-0500', '2024-03-01T14:30:00Z'],
  ['2024-03-01T09:30Z', '2024-03-01T09:30:00Z'],
  ['2024-03-01 09:30:00', '2024-03-01T09:30:00Z'],
  ['2024-03-01T09:30:00', '2024-03-01T09:30:00Z'],
  ['2024-03-20', '2024-03-20T00:00:00Z'],
  ['2024-02-29T12:00:00-05:00', '2024-02-29T17:00:00Z'],
  ['2024-03-01T09:30:00 Z', '2024-03-01T09:30:00Z'],
  ['2024/03/01 09:30 gmt', '2024-03-01T09:30:00Z'],
  ['2024-03-01T09:30:00,5 UTC', '2024-03-01T09:30:00Z'],
  ['2024-09-23T10:00:00+02:00 (CEST)', '2024-09-23T08:00:00Z'],
  ['2024-09-23 10:00:00 CEST', '2024-09-23T08:00:00Z'],
  ['2024-09-23 10:00 (EDT)', '2024-09-23T14:00:00Z'],
  ['2024-09-23 10:00 XYZ', '2024-09-23T10:00:00Z'],
  ['2024-09-23 cest', '2024-09-22T22:00:00Z'],
  ['2024-9-3T7:05', '2024-09-03T07:05:00Z'],
  // broken forms seen in real feeds
  ['Mon, May 25 2020 10:00:00 +0000', '2020-05-25T10:00:00Z'],
  ['Tue, 10 Sept 2024 10:00:00 GMT', '2024-09-10T10:00:00Z'],
  ['Tue, 10 Sept. 2024 10:00:00 GMT', '2024-09-10T10:00:00Z'],
  ['Tuesday, 10 September 2024 10:00:00 GMT', '2024-09-10T10:00:00Z'],
  ['Mon, 23 Sep 2024 10:00:00 +0200 CEST', '2024-09-23T08:00:00Z'],
  ['Mon, 23 Sep 2024 10:00:00 +0200 (CEST)', '2024-09-23T08:00:00Z'],
  ['2024-09-23 10:00:00 +0200 CEST', '2024-09-23T08:00:00Z'],
  ['Sep 23, 2024', '2024-09-23T00:00:00Z'],
  ['September 23, 2024 4:05 PM', '2024-09-23T16:05:00Z'],
  ['23 Sep 2024', '2024-09-23T00:00:00Z'],
  ['Mon, 23 Sep 24 10:00:00 GMT', '2024-09-23T10:00:00Z'],
  ['Thu, 01 Jan 98 00:00:00 GMT', '1998-01-01T00:00:00Z'],
  ['Mon,23 Sep 2024 10:00:00 GMT', '2024-09-23T10:00:00Z'],
  ['Mon, 23 Sep 2024 10:00:00GMT', '2024-09-23T10:00:00Z'],
  ['Mon, 23 Sep 2024 10:00:00 GMT+2', '2024-09-23T08:00:00Z'],
  ['  Mon,  23   Sep 2024   10:00:00   GMT  ', '2024-09-23T10:00:00Z'],
  ['mon, 23 sep 2024 10:00:00 gmt', '2024-09-23T10:00:00Z'],
  ['Mon, 23 Sep 2024 10:00:00 XYZ', '2024-09-23T10:00:00Z'],
  ['Monday, September 23rd, 2024', '2024-09-23T00:00:00Z'],
  ['1st Sep 2024 10:00', '2024-09-01T10:00:00Z'],
];

const UNREADABLE = [
  '',
  '   ',
  'garbage',
  'sometime last week',
  'yesterday',
  'Mon, 32 Sep 2024 10:00:00 GMT',
  'Mon, 31 Apr 2024 10:00:00 GMT',
  '2023-02-29',
  '2024-13-01',
  '2024-01-01T25:00:00Z',
  'Mon, 23 Foo 2024 10:00:00 GMT',
  '12345',
  '<script>alert(1)</script>',
  'Mon, 23 Sep 2024 10:00:00 +9900',
  'x'.repeat(10_000),
  '2024-09-23 10:00:00 +0200 CEST x',
  '2024-09-23 10:00:00 CEST +0200',
  '2024-09-23 abcdef',
  '2024-09-23 10:00:00 +0200cest',
];

describe('feed dates', () => {
  it.each(READABLE)('reads %j', (raw, iso) => {
    expect(parseFeedDate(raw)).toBe(utc(iso));
  });

  it.each(UNREADABLE.map((s) => [s.length > 40 ? `${s.slice(0, 20)}… (${s.length} chars)` : s, s]))('refuses %j', (_label, raw) => {
    expect(parseFeedDate(raw)).toBeNull();
  });

  it('falls back to the fetch time for an unreadable date and clamps a future one', () => {
    const fetchedAt = utc('2024-04-12T10:00:00Z');
    expect(itemDate('garbage', fetchedAt)).toBe(fetchedAt);
    expect(itemDate(null, fetchedAt)).toBe(fetchedAt);
    expect(itemDate('Wed, 01 Jan 2098 00:00:00 GMT', fetchedAt)).toBe(fetchedAt);
    expect(itemDate('2024-04-12T10:00:01Z', fetchedAt)).toBe(fetchedAt);
    expect(itemDate('2024-04-12T09:59:59Z', fetchedAt)).toBe(fetchedAt - 1000);
  });

  it('does not depend on the local time zone of the machine', () => {
    // A date without a zone is UTC, never "local": the same feed gives the same dates everywhere.
    expect(parseFeedDate('2024-03-01 09:30:00')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(parseFeedDate('Sep 23, 2024')).toBe(Date.UTC(2024, 8, 23));
  });
});
