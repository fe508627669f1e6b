import type { Clock } from '../shared/clock';

/**
 * The clock of the demo history: the services built for the seed read it, and the seed moves it
 * through the year, so every event, deadline and audit record carries the day it happened on.
 */
export class SeedingClock implements Clock {
  private at: Date;
  constructor(start: Date) {
    this.at = new Date(start);
  }
  now(): Date {
    return new Date(this.at);
  }
  set(at: Date): void {
    this.at = new Date(at);
  }
  advanceHours(hours: number): Date {
    this.at = new Date(this.at.getTime() + hours * 3_600_000);
    return this.now();
  }
}

const shanghaiOffsetMs = 8 * 3_600_000;

/** The day in Shanghai of an instant, `2026-05-03`. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + shanghaiOffsetMs).toISOString().slice(0, 10);
}

/** An instant as a moment of fact with Shanghai's offset, `2026-05-03T14:30:00+08:00`. */
export function shanghaiMoment(at: Date): string {
  return `${new Date(at.getTime() + shanghaiOffsetMs).toISOString().slice(0, 19)}+08:00`;
}
