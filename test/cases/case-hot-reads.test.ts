import { Case } from '../../src/cases/case.entity';
import { CaseRepository } from '../../src/cases/case.repository';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree, createUnit } from '../support/factories';
import { waitFor } from '../support/mail';
import { caseRepositoryOf, eventLogOf, startTestApp, type TestApp } from '../support/test-app';

/*
 * The hot reads of a case (the page's, the route guard's, an event's locked read) come back
 * from PostgreSQL as one json value and are mapped by hand (`case-row.ts`), not hydrated by
 * TypeORM. A mediator's page, the policy and the event path rely on them reading exactly what
 * TypeORM reads: every timestamp a `Date` to the millisecond, the amount in dispute exact to
 * the fen, the dates as `YYYY-MM-DD`, the snapshot as an object.
 */
describe("a case's hot reads answer what TypeORM would", () => {
  let testApp: TestApp;
  let caseId: string;
  beforeAll(async () => {
    testApp = await startTestApp();
    const units = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: units.community.id });
    caseId = (await createCase(testApp.services, mediator.id)).id;
    // every timestamp set, with microseconds PostgreSQL keeps and JavaScript does not; an amount past a double's precision
    await testApp.db.query(
      `UPDATE cases SET screened_at = '2026-01-02 03:04:05.123456+08', accepted_at = '2026-01-03 00:00:00.999999+00',
              closed_at = '2026-12-31 23:59:59.5+08', amount_in_dispute = 12345678901234.56, occurred_on = '2025-02-28'
       WHERE id = $1`,
      [caseId],
    );
  });
  afterAll(async () => {
    await testApp.close();
  });

  const timestampProperties = () =>
    testApp.db
      .getMetadata(Case)
      .columns.filter((column) => column.type === 'timestamptz')
      .map((column) => column.propertyName as keyof Case);

  it('the page, the guard and the locked read each give the case TypeORM loads, property by property', async () => {
    const cases = caseRepositoryOf(testApp);
    const loaded = await cases.findById(caseId);
    if (!loaded) throw new Error('the case was not registered');
    const reads = {
      page: (await cases.findForView(caseId))?.row,
      guard: (await cases.findWithAccess(caseId))?.row,
      locked: await testApp.db.transaction(async (tx) => (await cases.lockForEvent(caseId, tx))?.row),
    };
    for (const [name, row] of Object.entries(reads)) {
      if (!row) throw new Error(`the ${name} read found no case`);
      for (const property of Object.keys(row) as Array<keyof Case>)
        expect({ read: name, property, value: row[property] }).toEqual({
          read: name,
          property,
          value: loaded[property],
        });
    }
    expect(reads.page?.amountInDispute).toBe('12345678901234.56');
    expect(reads.page?.occurredOn).toBe('2025-02-28');
  });

  it('reads every timestamptz column of the entity as a Date', async () => {
    const row = (await caseRepositoryOf(testApp).findForView(caseId))?.row;
    const properties = timestampProperties();
    expect(properties).toEqual(expect.arrayContaining(['screenedAt', 'acceptedAt', 'closedAt', 'createdAt']));
    for (const property of properties)
      expect({ property, isDate: row?.[property] instanceof Date }).toEqual({ property, isDate: true });
    expect(row?.screenedAt?.toISOString()).toBe('2026-01-01T19:04:05.123Z');
  });
});

/*
 * While the app keeps the district's units in memory (`UnitDirectory`, kept true by the units'
 * change notices), the hot reads leave the units out of their statement and put them in from
 * memory. The policy decides by the unit paths, the page names the units and an event checks
 * the holding unit: each must be what reading them from \`units\` answers, and follow a change
 * made by anyone (here plain SQL on another connection) as soon as its notice arrives.
 */
describe("a case's hot reads with the units kept in memory", () => {
  let testApp: TestApp;
  let caseId: string;
  let units: Awaited<ReturnType<typeof createDistrictTree>>;
  let kept: CaseRepository;
  let read: CaseRepository;
  const sorted = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  const reads = async (cases: CaseRepository) => {
    const page = await cases.findForView(caseId);
    const guard = await cases.findWithAccess(caseId);
    const locked = await testApp.db.transaction((tx) => cases.lockForEvent(caseId, tx));
    if (!page || !guard || !locked) throw new Error('the case was not found');
    const resource = (found: typeof guard) => ({
      ...found.resource,
      heldUnitPaths: [...found.resource.heldUnitPaths].sort(),
    });
    return {
      page: { resource: resource(page), units: sorted(page.view.units) },
      guard: resource(guard),
      locked: { resource: resource(locked), units: sorted(locked.view.units), holding: locked.holdingUnit },
    };
  };
  const keptFor = (ids: string[]) =>
    waitFor('the units to be kept', () => {
      const map = testApp.services.unitDirectory.kept();
      return map && ids.every((id) => map.has(id)) ? map : undefined;
    });

  beforeAll(async () => {
    testApp = await startTestApp();
    units = await createDistrictTree(testApp.db);
    const mediator = await createUser(testApp.db, { role: 'mediator', unitId: units.community.id });
    caseId = (await createCase(testApp.services, mediator.id)).id;
    // handed up once: held by the street now, the community before
    await testApp.db.query('UPDATE cases SET holding_unit_id = $2, held_unit_ids = $3 WHERE id = $1', [
      caseId,
      units.street.id,
      [units.community.id, units.street.id],
    ]);
    kept = new CaseRepository(testApp.db, eventLogOf(testApp), testApp.services.unitDirectory);
    read = caseRepositoryOf(testApp);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('answers the unit paths, the named units and the holding unit that reading them answers', async () => {
    // the units were created after the app read the table (a new unit says nothing): read again
    testApp.services.unitDirectory.readAgain();
    await keptFor([units.community.id, units.street.id]);
    const fromMemory = await reads(kept);
    expect(fromMemory).toEqual(await reads(read));
    expect(fromMemory.locked.holding).toMatchObject({ id: units.street.id, kind: 'street', active: true });
    expect(fromMemory.page.resource.heldUnitPaths).toHaveLength(2);
    expect(fromMemory.page.units.map((unit) => unit.id).sort()).toEqual(
      [units.community.id, units.street.id].sort(),
    );
  });

  it('follows a unit renamed, moved or closed by anyone, once its notice arrives', async () => {
    await keptFor([units.street.id]);
    await testApp.db.query(
      "UPDATE units SET name_zh = '新街道', parent_id = $2, active = false WHERE id = $1",
      [units.street.id, units.department.id],
    );
    const renamed = await waitFor('the renamed unit in the page', async () => {
      const page = await kept.findForView(caseId);
      return page?.view.units.some((unit) => unit.nameZh === '新街道') ? page : undefined;
    });
    const expected = await reads(read);
    expect(renamed.resource.holdingUnitPath).toBe(expected.page.resource.holdingUnitPath);
    expect(expected.page.resource.holdingUnitPath.split('.')).toHaveLength(3);
    await keptFor([units.street.id]);
    expect(await reads(kept)).toEqual(expected);
    expect(expected.locked.holding).toMatchObject({ active: false, parentId: units.department.id });
  });

  it('reads a unit created since the table was read from the database, and has the table read again', async () => {
    await keptFor([units.street.id]);
    const added = await createUnit(testApp.db, { kind: 'street', parentId: units.district.id });
    await testApp.db.query(
      'UPDATE cases SET holding_unit_id = $2::uuid, held_unit_ids = held_unit_ids || $2::uuid WHERE id = $1',
      [caseId, added.id],
    );
    expect(testApp.services.unitDirectory.kept()?.has(added.id)).toBe(false);
    const fromMemory = await reads(kept);
    expect(fromMemory).toEqual(await reads(read));
    expect(fromMemory.locked.holding?.id).toBe(added.id);
    await keptFor([added.id]);
  });
});
