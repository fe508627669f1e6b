/**
 * The architecture as rules (issue 18), checked in `npm run lint`:
 * - `shared/` is the technical ground every domain stands on: it imports no domain module;
 * - only data access (repositories, query files, entities, `shared/db`) imports the ORM or the data source;
 *   services open transactions through `shared/db/transactions.ts` and pass the handle on;
 * - the domain folders (top folders of src/) depend on each other one way: no cycles between them.
 * A type-only import counts: a service that names `EntityManager` is reaching for the database.
 */
const dataAccess = '(\\.repository|\\.queries|\\.entity)\\.ts$|^src/shared/(db|jobs)/|^migrations/';
/** Where the app is put together or run from the command line: they build the data source and hand it out. */
const wiring = '^src/(app|composition-root|database-schema|kept-in-memory|main|routes|server|worker)\\.ts$|^src/cli/|^src/demo/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-imports-no-domain',
      comment: 'src/shared is below every domain folder: it may not import one (pass what it needs in instead).',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'only-data-access-imports-the-orm',
      comment:
        'Only repositories, query files and entities touch the database (TypeORM). A service takes a ' +
        '`Transactions` and passes `Tx` on (src/shared/db/transactions.ts).',
      severity: 'error',
      from: { path: '^(src|migrations)/', pathNot: `${dataAccess}|${wiring}` },
      to: { path: '^node_modules/typeorm/' },
    },
    {
      name: 'only-data-access-imports-the-data-source',
      comment: 'The data source is built by the composition root and handed to repositories, nowhere else.',
      severity: 'error',
      from: { path: '^src/', pathNot: `${dataAccess}|${wiring}` },
      to: { path: '^src/shared/db/data-source\\.ts$' },
    },
    {
      name: 'no-cycles-between-domain-folders',
      comment:
        'The domain folders depend on each other one way; a cycle means a concept sits in the wrong folder ' +
        '(or needs a small interface declared on the side that uses it).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|var)/' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
