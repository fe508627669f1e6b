import type { CalendarEntry } from './appointment';

/**
 * An iCalendar feed (RFC 5545) of a person's appointments, written here rather than with a
 * library: a feed is one VCALENDAR of VEVENTs with a handful of properties, and the rules that
 * matter — CRLF lines, TEXT escaping (§3.3.11), folding at 75 octets without splitting a
 * UTF-8 character (§3.1), UTC date-times (§3.3.5) — take fewer lines than wiring a dependency
 * would. Only what the calendar page shows goes in: the kind, the case or petition number and
 * title, place, status and a link; never a party's name, ID or phone number.
 */
export interface FeedEvent {
  entry: CalendarEntry;
  summary: string;
  description: string;
  url: string;
}

/** How long an appointment is shown in a calendar app (the schedule keeps no end time). */
const durationMinutes = 60;

export function icalendarOf(events: FeedEvent[], options: { name: string; host: string; now: Date }): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//grand-mediation//schedule//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
    'X-WR-TIMEZONE:Asia/Shanghai',
  ];
  for (const { entry, summary, description, url } of events) {
    const end = new Date(entry.startsAt.getTime() + durationMinutes * 60_000);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${entry.id}@${options.host}`,
      `DTSTAMP:${utc(options.now)}`,
      `DTSTART:${utc(entry.startsAt)}`,
      `DTEND:${utc(end)}`,
      `LAST-MODIFIED:${utc(entry.updatedAt)}`,
      `SUMMARY:${escapeText(summary)}`,
      `DESCRIPTION:${escapeText(description)}`,
      ...(entry.place ? [`LOCATION:${escapeText(entry.place)}`] : []),
      `URL:${url}`,
      `STATUS:${entry.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** 20261203T020000Z */
function utc(moment: Date): string {
  return moment
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** A content line folded at 75 octets, continuation lines starting with a space, never inside a character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74; // a continuation's leading space counts
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
