import { todayInShanghai } from '../deadlines/working-calendar';

/** The screening period (`YYYY-MM`) a moment falls in, in Asia/Shanghai. */
export function periodOf(now: Date): string {
  return todayInShanghai(now).slice(0, 7);
}

/** The period `months` before (negative) or after this one. */
export function shiftPeriod(period: string, months: number): string {
  const [year, month] = period.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The moment a period ends: the first instant of the next month, Asia/Shanghai. */
export function periodEndsAt(period: string): Date {
  return new Date(`${shiftPeriod(period, 1)}-01T00:00:00+08:00`);
}

/** The last `count` periods up to and including `period`, newest first. */
export function periodsUpTo(period: string, count: number): string[] {
  return Array.from({ length: count }, (_, back) => shiftPeriod(period, -back));
}
