// This worker's logging endpoints: for each installed service, a queue per endpoint of its
// active version. A VCL `log` line that starts `syslog <service id> <endpoint> :: ` is queued on
// that endpoint of that service (Fastly's generated VCL writes exactly that prefix,
// src/model/logging/statement.ts); a line naming an endpoint the service does not have is not
// routed (the caller logs it as a plain VCL log line).
//
// Ownership: `install` and `remove` are called by the runtime when a service's active version
// changes. An endpoint whose definition did not change keeps its queue (lines already queued are
// not lost to an activation); a changed or removed one gets `drainMs` to deliver what it holds,
// then its connections close.
import type { Logger } from 'pino';
import type { LoggingEndpoint } from '../../model/logging/endpoint.ts';
import type { LogLines } from '../context.ts';
import { deliveryFor, type Delivery, type LogIntake } from './deliveries.ts';
import type { LogMetrics } from './metrics.ts';
import { LogQueue } from './queue.ts';

export interface LogRouterOptions {
  readonly metrics: LogMetrics;
  readonly logger: Logger;
  readonly intake?: LogIntake;
  /** Per endpoint per worker; the oldest lines are dropped past it. */
  readonly bufferLines?: number;
  readonly bufferBytes?: number;
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  readonly drainMs?: number;
}

interface Endpoint {
  readonly identity: string;
  readonly delivery: Delivery;
  readonly queue: LogQueue;
}

const PREFIX = 'syslog ';
const SEPARATOR = ' :: ';
/** How often an endpoint that keeps dropping lines says so in the log. */
const DROP_LOG_INTERVAL_MS = 10_000;

export class LogRouter implements LogLines {
  readonly #o: LogRouterOptions;
  readonly #services = new Map<string, Map<string, Endpoint>>();

  constructor(options: LogRouterOptions) {
    this.#o = options;
  }

  route(serviceId: string, message: string): boolean {
    if (!message.startsWith(PREFIX)) return false;
    const sidEnd = message.indexOf(' ', PREFIX.length);
    if (sidEnd < 0 || message.slice(PREFIX.length, sidEnd) !== serviceId) return false;
    const nameEnd = message.indexOf(SEPARATOR, sidEnd + 1);
    if (nameEnd < 0) return false;
    const endpoint = this.#services.get(serviceId)?.get(message.slice(sidEnd + 1, nameEnd));
    if (endpoint === undefined) return false;
    endpoint.queue.push(endpoint.delivery.frame(message.slice(nameEnd + SEPARATOR.length)));
    return true;
  }

  install(serviceId: string, endpoints: readonly LoggingEndpoint[]): void {
    const old = this.#services.get(serviceId) ?? new Map<string, Endpoint>();
    const next = new Map<string, Endpoint>();
    for (const e of endpoints) {
      const identity = JSON.stringify(e);
      const kept = old.get(e.record.name);
      if (kept !== undefined && kept.identity === identity) {
        next.set(e.record.name, kept);
        old.delete(e.record.name);
        continue;
      }
      next.set(e.record.name, this.#open(serviceId, e, identity));
    }
    if (next.size === 0) this.#services.delete(serviceId);
    else this.#services.set(serviceId, next);
    for (const gone of old.values()) void this.#retire(gone);
  }

  remove(serviceId: string): void {
    this.install(serviceId, []);
  }

  /** Delivers what every queue holds, within `deadlineMs`, then closes (drain on SIGTERM). */
  async close(deadlineMs = this.#o.drainMs ?? 2000): Promise<void> {
    const all = [...this.#services.values()].flatMap((m) => [...m.values()]);
    this.#services.clear();
    await Promise.all(all.map((e) => this.#retire(e, deadlineMs)));
  }

  async #retire(e: Endpoint, deadlineMs = this.#o.drainMs ?? 2000): Promise<void> {
    await e.queue.drain(deadlineMs);
    e.queue.close();
    e.delivery.close();
  }

  #open(serviceId: string, e: LoggingEndpoint, identity: string): Endpoint {
    const o = this.#o;
    const delivery = deliveryFor(e, o.intake ?? {});
    let dropped = 0;
    let lastReport = 0;
    const onDrop = (lines: number, why: string): void => {
      dropped += lines;
      const now = Date.now();
      if (now - lastReport < DROP_LOG_INTERVAL_MS) return;
      lastReport = now;
      o.logger.warn({ service: serviceId, endpoint: e.record.name, type: e.type, dropped, reason: why }, 'logging endpoint dropped lines');
      dropped = 0;
    };
    const queue = new LogQueue({
      maxEntries: delivery.maxEntries, maxBytes: delivery.maxBytes, periodMs: delivery.periodMs,
      bufferLines: o.bufferLines ?? 100_000, bufferBytes: o.bufferBytes ?? 32 * 1024 * 1024,
      retryMs: o.retryMs, maxRetryMs: o.maxRetryMs,
      send: async (lines) => {
        try {
          await delivery.send(lines);
        } catch (err) {
          o.logger.debug({ service: serviceId, endpoint: e.record.name, err }, 'logging endpoint delivery failed');
          throw err;
        }
      },
      counters: o.metrics.for(serviceId, e.record.name, onDrop),
    });
    return { identity, delivery, queue };
  }
}
