import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { dataDir, OptionError, resolveServeOptions, type ServeFlags } from '../../process/options.ts';

// `lacquer serve`: the edge, the control API and the POP's health checks in one process tree
// (DESIGN.md §4.1). SIGTERM drains: stop accepting, finish in-flight requests, close pools, exit 0.
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the edge, the control API and health checks')
    .option('--edge <host:port>', 'edge listener (env LACQUER_EDGE, default 127.0.0.1:8080)')
    .option('--tls <host:port|off>', 'HTTPS listener, HTTP/2 and HTTP/1.1 by ALPN, for every domain with an active certificate (env LACQUER_TLS, default 127.0.0.1:8443)')
    .option('--api <host:port>', 'control API listener (env LACQUER_API, default 127.0.0.1:8081)')
    .option('--db <url>', 'sqlite:<file>, or postgres://user:password@host:port/database for a fleet (env LACQUER_DB, default sqlite:./data/lacquer.db)')
    .option('--pop <name>', 'name of this POP (env LACQUER_POP, default local)')
    .option('--client-header-timeout <ms>', 'a request head must arrive whole within this, or 408 (env LACQUER_CLIENT_HEADER_TIMEOUT, default 10000)')
    .option('--client-idle-timeout <ms>', 'a keep-alive connection idle this long is closed (env LACQUER_CLIENT_IDLE_TIMEOUT, default 5000)')
    .option('--client-body-timeout <ms>', 'a request body gets this long, plus 1 s per --client-body-min-rate bytes received, or 408 (env LACQUER_CLIENT_BODY_TIMEOUT, default 10000)')
    .option('--client-body-min-rate <bytes/s>', 'the average rate a body must keep up after --client-body-timeout (env LACQUER_CLIENT_BODY_MIN_RATE, default 500)')
    .option('--workers <n>', 'edge worker processes; 0 runs the edge in this process (env LACQUER_WORKERS, default: CPU cores)')
    .option('--role <role>', 'all, edge or control (env LACQUER_ROLE, default all)')
    .option('--node-url <url>', 'where the rest of the fleet reaches this node\'s edge (env LACQUER_NODE_URL, default http://<edge address>)')
    .option('--token <token>', 'seed an admin API token (env LACQUER_TOKEN; default: created on first start)')
    .option('--egress <cidrs>', 'comma-separated CIDRs origins must allow (env LACQUER_EGRESS; default: this host\'s addresses)')
    .option('--cache-size <MB>', 'cache memory per edge worker in MB (env LACQUER_CACHE_SIZE, default 256)')
    .option('--cache-max-object <MB>', 'largest object stored in MB (env LACQUER_CACHE_MAX_OBJECT, default 32)')
    .option('--geoip-db <files>', 'MaxMind database file(s) for client.geo.* in VCL, comma-separated (env LACQUER_GEOIP_DB; default: none)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env LACQUER_LOG_LEVEL, default info); human-readable on a terminal, JSON otherwise')
    .action(async (flags: ServeFlags) => {
      let options;
      try {
        options = resolveServeOptions(flags);
      } catch (err) {
        if (err instanceof OptionError) {
          console.error(`lacquer serve: ${err.message}`);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
      // Loaded here so that every other command starts without the whole server.
      const [{ createLogger, flushLogs }, { startLacquer }, { StoreUnavailableError }] = await Promise.all([
        import('../../process/logger.ts'), import('../../process/primary.ts'), import('../../store/store.ts'),
      ]);
      if (options.geoipDb.length > 0 && options.role !== 'control') {
        // Opened once here, so a wrong file is one line and exit 2, not a worker that dies at start.
        const { openGeoDatabase, GeoDatabaseError } = await import('../../edge/geo/database.ts');
        try {
          openGeoDatabase(options.geoipDb);
        } catch (err) {
          if (!(err instanceof GeoDatabaseError)) throw err;
          console.error(`lacquer serve: --geoip-db: ${err.message}`);
          process.exitCode = 2;
          return;
        }
      }
      const logger = createLogger({ pop: options.pop }, { level: options.logLevel });
      // DESIGN §4.1: with no --token, the first start creates an admin token, prints it once and
      // writes it to <data dir>/admin-token (mode 0600); later starts read that file.
      const tokenFile = path.join(dataDir(options.db), 'admin-token');
      const firstStart = options.token === null && options.role !== 'edge' && !existsSync(tokenFile);
      let running;
      try {
        running = await startLacquer(options, logger);
      } catch (err) {
        // DESIGN.md §4.6: a database that cannot be reached at start is one line and a failed
        // exit, never a stack trace; the cause is in the log at debug level.
        if (!(err instanceof StoreUnavailableError)) throw err;
        logger.debug({ err }, 'could not start');
        flushLogs();
        console.error(`lacquer serve: --db: ${err.message}`);
        process.exit(1);
      }
      if (firstStart && running.adminToken !== null) {
        console.log(`admin token (shown once; also in ${tokenFile}, mode 0600): ${running.adminToken}`);
      }
      if (running.apiUrl !== null) console.log(`control API on ${running.apiUrl}`);
      if (running.edgePort !== null) console.log(`edge on http://${options.edge.host}:${running.edgePort}`);
      if (running.tlsPort !== null && options.tls !== null) console.log(`edge on https://${options.tls.host}:${running.tlsPort}`);
      if (running.apiUrl !== null) console.log(`dashboard on ${running.apiUrl}/dashboard`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'draining');
        running.stop().then(() => {
          flushLogs();
          process.exit(0);
        }, (err: unknown) => {
          logger.error({ err }, 'drain failed');
          flushLogs();
          process.exit(1);
        });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
