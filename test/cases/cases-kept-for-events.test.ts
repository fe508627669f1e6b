import type { CaseEventColumns } from '../../src/cases/case-event-columns';
import { CasesKeptForEvents } from '../../src/cases/cases-kept-for-events';

/*
 * The cases kept for the next event (`CasesKeptForEvents`): what a process holds in memory of a
 * case between two events on it — at most so many cases, each at most so long, the newest
 * version of each, whatever the case of its id's letters.
 */
describe('the cases kept for the next event on them', () => {
  const id = '0b9a1c2e-3d4f-4a5b-8c6d-7e8f9a0b1c2d';
  const read = { id, version: 3, title: '楼上漏水纠纷' };
  const leftBy = (version: number) => ({
    changes: { version, snapshot: { value: 'mediation' }, deadline: null } as unknown as CaseEventColumns,
    head: { seq: version + 1, hash: 'h'.repeat(64), digest: 'd'.repeat(64) },
    xmin: '1234',
  });

  it('answers a case kept at the version the event expects, and none at another', () => {
    const kept = new CasesKeptForEvents();
    kept.keep(id, { read, digest: 'digest' }, leftBy(4));
    expect(kept.take(id, 3)).toBeUndefined();
    expect(kept.take(id.toUpperCase(), 4)).toMatchObject({
      xmin: '1234',
      digest: 'digest',
      read: { version: 4 },
    });
    expect(kept.take(id, 4)?.read.chain_head).toEqual({
      seq: 5,
      hash: 'h'.repeat(64),
      digest: 'd'.repeat(64),
    });
  });

  it('keeps a case no longer than it is told, nor more cases than it is told', () => {
    let now = 0;
    const kept = new CasesKeptForEvents({ maxEntries: 2, maxAgeMs: 1000 }, () => now);
    const ids = ['a', 'b', 'c'].map((letter) => id.replace(/^0/, letter));
    for (const each of ids) kept.keep(each, { read: { ...read, id: each }, digest: 'x' }, leftBy(4));
    expect(kept.take(ids[0], 4)).toBeUndefined();
    expect(kept.take(ids[1], 4)).toBeDefined();
    now = 1000;
    expect(kept.take(ids[2], 4)).toBeUndefined();
    expect(new CasesKeptForEvents({ maxEntries: 0 }).take(id)).toBeUndefined();
  });

  it('keeps the newest version, and forgets only what it was told is no longer so', () => {
    const kept = new CasesKeptForEvents();
    kept.keep(id, { read, digest: 'x' }, leftBy(5));
    kept.keep(id, { read, digest: 'x' }, leftBy(4));
    const newest = kept.take(id);
    expect(newest?.read.version).toBe(5);
    // a refusal of what was kept before leaves what a later event kept since, and is counted
    const older = { ...newest, until: 0 } as NonNullable<typeof newest>;
    kept.refused(id, older);
    expect(kept.take(id)).toBe(newest);
    expect(kept.counts).toEqual({ sentAlone: 0, readAgain: 1 });
    kept.forget(id.toUpperCase());
    expect(kept.take(id)).toBeUndefined();
  });

  it('hands the kept read out frozen: an event cannot change it for the next one', () => {
    const kept = new CasesKeptForEvents();
    kept.keep(id, { read, digest: 'x' }, leftBy(4));
    const entry = kept.take(id);
    expect(Object.isFrozen(entry?.read)).toBe(true);
    expect(Object.isFrozen(entry?.read.snapshot)).toBe(true);
  });
});
