import './shared/runtime/refuse-unsupported-node';
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/environment';
import { demoAccounts, demoPassword } from './demo/demo-accounts';
import { startServer } from './server';
import { createLogger } from './shared/logger';
import { runtimeRequirement } from './shared/runtime/node-runtime';

/** `npm start`: validate the configuration, bring everything up, stop cleanly on a signal. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  logger.info(
    { node: process.version, required: runtimeRequirement().engines },
    `running on Node.js ${process.version}`,
  );
  const server = await startServer(config, logger).catch((error: Error) => {
    logger.fatal({ err: error }, `could not start: ${error.message}`);
    process.exit(1);
  });

  const lines = [`Grand mediation is running at ${server.url} (Node.js ${process.version})`];
  if (config.demoMode) {
    lines.push(
      `Demo mode (embedded PostgreSQL under ${config.dataDir}).`,
      `Sign in as ${demoAccounts.map((account) => account.username).join(', ')} with password ${demoPassword}`,
    );
  }
  process.stdout.write(`\n${lines.join('\n')}\n\n`);

  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10000);
    deadline.unref();
    server.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main();
