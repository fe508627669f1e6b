import './shared/runtime/refuse-unsupported-node';
import 'reflect-metadata';
import { defaults } from '../config/defaults';
import { ConfigError, loadConfig } from '../config/environment';
import { demoAccounts, demoPassword } from './demo/demo-accounts';
import { startServer } from './server';
import { CannotRunEmbeddedDatabase } from './shared/db/embedded-database';
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
  // a signal while starting (migrations may take a while): finish starting, then stop cleanly
  // (the default would kill the process and leave its embedded PostgreSQL running)
  let signalledWhileStarting: NodeJS.Signals | undefined;
  const noteSignal = (signal: NodeJS.Signals) => {
    signalledWhileStarting ??= signal;
  };
  process.on('SIGINT', noteSignal);
  process.on('SIGTERM', noteSignal);
  const server = await startServer(config, logger).catch((error: Error) => {
    if (error instanceof CannotRunEmbeddedDatabase) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    logger.fatal({ err: error }, `could not start: ${error.message}`);
    process.exit(1);
  });
  // its embedded PostgreSQL gone: exit non-zero, so that a supervisor restarts the app and its database
  void server.lost.then((error) => {
    logger.fatal({ err: error }, `${error.message}; exiting`);
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

  /**
   * SIGTERM (a service manager, `docker stop`, Kubernetes): readiness fails at once, requests
   * are still served for SHUTDOWN_DRAIN_MS, then the listener closes and what is in flight
   * finishes. SIGINT (Ctrl-C at a terminal): the same without the drain period.
   */
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    const drainMs = signal === 'SIGINT' ? 0 : config.shutdownDrainMs;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(
      () => {
        logger.error('shutdown took too long; exiting');
        process.exit(1);
      },
      drainMs + defaults.shutdown.graceMs + 10_000,
    );
    deadline.unref();
    server.stop({ drainMs }).then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.off('SIGINT', noteSignal);
  process.off('SIGTERM', noteSignal);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  if (signalledWhileStarting) shutdown(signalledWhileStarting);
}

void main();
