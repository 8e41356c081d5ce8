/**
 * A zone's wall clock read with Intl directly ("YYYY-MM-DD HH:MM", 24 h): the tests' own reading of local
 * time, independent of the zone arithmetic the code under test does.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

export function wallClock(ms: number, tz: string): string {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(tz, f);
  }
  return f.format(new Date(ms));
}
