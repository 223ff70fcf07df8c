import type { Logger } from 'pino';
import type { Store } from '../../store/index.ts';
import type { VclValidator } from '../validator.ts';

/** What every route module needs; built once by buildControlApi. */
export interface ControlDeps {
  readonly store: Store;
  readonly validator: VclValidator;
  readonly logger: Logger;
}
