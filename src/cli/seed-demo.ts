import '../shared/runtime/refuse-unsupported-node';
import { databaseSchema } from '../database-schema';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../config/environment';
import { seedDemoHistory } from '../demo/demo-history';
import { seedDemoOrganisation } from '../demo/seed-demo';
import { createDataSource, migrateDatabase } from '../shared/db/data-source';

/** `npm run seed:demo`: the demo organisation on the DATABASE_URL server (migrating first), and its year of history unless DEMO_DATA=none. */
async function main() {
  const config = loadConfig(process.env);
  if (!config.databaseUrl) {
    process.stdout.write('No DATABASE_URL: `npm start` seeds the embedded database by itself.\n');
    return;
  }
  await migrateDatabase(config.databaseUrl, config.database, databaseSchema.migrations);
  const db = createDataSource(config.databaseUrl, { ...databaseSchema, timeouts: config.database });
  await db.initialize();
  try {
    const seeded = await seedDemoOrganisation(db);
    process.stdout.write(
      seeded ? 'Demo organisation seeded.\n' : 'Demo organisation already present; nothing written.\n',
    );
    if (config.demoData === 'history') {
      const told = await seedDemoHistory(db, config, new Date());
      process.stdout.write(
        told.seeded
          ? `Demo history told in ${Math.round(told.elapsedMs / 1000)} s.\n`
          : 'The database already holds cases: no demo history written.\n',
      );
    }
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? 'Configuration error: ' : ''}${error.message}\n`);
  process.exit(1);
});
