// Everything the bench starts (servers, wrk, temp dirs) is registered here and torn down in
// reverse order: at the end of the run, on an error, and on Ctrl-C / SIGTERM. Children run in
// their own process groups (so a Ctrl-C in the terminal reaches only the bench), which is why
// the bench must stop them itself; a last synchronous sweep on 'exit' kills any group that is
// still there if the async teardown could not finish.

export type Disposer = () => Promise<void> | void;

export class Cleanup {
  readonly #disposers: { name: string; dispose: Disposer }[] = [];
  /** Process groups still alive, for the synchronous last resort on 'exit'. */
  readonly #groups = new Set<number>();
  #running: Promise<void> | null = null;
  #interrupted = false;

  /** True once Ctrl-C / SIGTERM started the teardown: errors after that are its echo. */
  get interrupted(): boolean {
    return this.#interrupted;
  }

  add(name: string, dispose: Disposer): void {
    this.#disposers.push({ name, dispose });
  }

  trackGroup(pgid: number): void {
    this.#groups.add(pgid);
  }

  untrackGroup(pgid: number): void {
    this.#groups.delete(pgid);
  }

  /** Runs every disposer once, newest first; a failing disposer does not stop the others. */
  run(): Promise<void> {
    this.#running ??= (async () => {
      while (this.#disposers.length > 0) {
        const { name, dispose } = this.#disposers.pop() as { name: string; dispose: Disposer };
        try {
          await dispose();
        } catch (err) {
          console.error(`cleanup of ${name} failed: ${(err as Error).message}`);
        }
      }
    })();
    return this.#running;
  }

  /** Stops everything on Ctrl-C / SIGTERM, and kills leftover groups if the process exits anyway. */
  installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      this.#interrupted = true;
      console.error(`\n${signal}: stopping servers…`);
      this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', () => {
      for (const pgid of this.#groups) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}
