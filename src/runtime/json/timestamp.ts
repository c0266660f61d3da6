/**
 * Timestamps exactly as Python's `datetime.now(timezone.utc).isoformat()` writes them.
 *
 * The reference compares timestamps as plain strings (wait_until checks, sorting), so the
 * format must match to the character: `YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, with the fraction
 * left out when the microseconds are 0, and `+00:00`, never `Z`. `toISOString()` (`.000Z`,
 * milliseconds) would sort inconsistently against Python-written values.
 *
 * Times are integer epoch microseconds in a plain number: exact until the year 2255 (2^53 µs).
 */

/** A source of "now", injectable so tests and fixtures can be deterministic. */
export interface Clock {
  /** Microseconds since the Unix epoch, an integer. */
  nowMicros(): number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// The date-and-seconds part changes once a second, while timestamps are written many times a
// second on the hot path (two or three per step): keep the last one.
let cachedSecond = Number.NaN;
let cachedBase = '';

/** Python's `isoformat()` of an aware UTC datetime at `epochMicros`. */
export function formatIsoTimestamp(epochMicros: number): string {
  const micros = Math.floor(epochMicros);
  const second = Math.floor(micros / 1_000_000);
  const fraction = micros - second * 1_000_000; // 0..999999, also before 1970
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedBase =
      `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
      `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    cachedSecond = second;
  }
  return fraction === 0 ? `${cachedBase}+00:00` : `${cachedBase}.${pad(fraction, 6)}+00:00`;
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})(?::?(\d{2})(?:\.(\d{1,6}))?)?)$/;

/**
 * Epoch microseconds of an ISO 8601 timestamp that carries an offset (`+00:00`, `-05:30`,
 * `+0100`) or `Z`, or null when it cannot be read. A timestamp without an offset gives null too:
 * it names no instant (Python's naive datetimes cannot be compared with aware ones either).
 * Fractions longer than microseconds are truncated.
 */
export function parseIsoTimestamp(text: string): number | null {
  const m = ISO_RE.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om, os, ofrac] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const micros = frac === undefined ? 0 : Number(frac.slice(0, 6).padEnd(6, '0'));

  let offsetMicros = 0;
  if (zulu === undefined) {
    const offH = Number(oh);
    const offM = Number(om);
    const offS = os === undefined ? 0 : Number(os);
    if (offH > 23 || offM > 59 || offS > 59) return null;
    const offFrac = ofrac === undefined ? 0 : Number(ofrac.padEnd(6, '0'));
    offsetMicros = ((offH * 60 + offM) * 60 + offS) * 1_000_000 + offFrac;
    if (sign === '-') offsetMicros = -offsetMicros;
  }

  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() * 1000 + micros - offsetMicros;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `formatIsoTimestamp(clock.nowMicros())`: the runtime's `utc_now_iso()`. */
export function nowIso(clock: Clock = systemClock): string {
  return formatIsoTimestamp(clock.nowMicros());
}

/**
 * The wall clock with microsecond digits. Date.now() alone has only milliseconds, so we anchor
 * performance.now() (sub-millisecond, monotonic) to it, re-anchor when the two drift apart by
 * more than a millisecond (NTP step, suspend), and never return less than the previous reading,
 * so started_at <= ended_at holds within a process even if the wall clock steps back.
 */
class SystemClock implements Clock {
  private anchorWall = Date.now() * 1000;
  private anchorPerf = performance.now();
  private last = 0;

  nowMicros(): number {
    const wall = Date.now() * 1000; // the true time lies in [wall, wall + 1000)
    let t = this.anchorWall + Math.floor((performance.now() - this.anchorPerf) * 1000);
    if (t < wall - 1000 || t >= wall + 2000) {
      this.anchorWall = wall;
      this.anchorPerf = performance.now();
      t = wall;
    }
    if (t < this.last) t = this.last;
    this.last = t;
    return t;
  }
}

export const systemClock: Clock = new SystemClock();

/**
 * A clock that moves only when told to, for tests and deterministic fixtures. With `stepMicros`
 * each read returns the current time and then advances by that much, like the Python fixture's
 * fake clock (which advances 1 ms per read: `new ManualClock(start, 1000)`).
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(
    startMicros: number,
    readonly stepMicros = 0,
  ) {
    this.current = startMicros;
  }

  nowMicros(): number {
    const t = this.current;
    this.current += this.stepMicros;
    return t;
  }

  /** The time the next read returns, without reading (no auto-advance). */
  peekMicros(): number {
    return this.current;
  }

  advance(micros: number): void {
    this.current += micros;
  }

  set(micros: number): void {
    this.current = micros;
  }
}
