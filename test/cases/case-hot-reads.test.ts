import { Case } from '../../src/cases/case.entity';
import { createUser } from '../support/auth';
import { createCase, createDistrictTree } from '../support/factories';
import { caseRepositoryOf, startTestApp, type TestApp } from '../support/test-app';

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
