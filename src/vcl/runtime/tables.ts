// A compiled `table NAME [TYPE] { "key": value, … }`: its entries converted to the table's
// type once, when the service is compiled (compile/program.ts), and read by the table.*
// functions at run time. `entries` is replaced whole when the table is a dictionary whose items
// changed (./live.ts), so readers look it up on every call.
import type { VclType } from '../language/types.ts';

export interface VclTable {
  readonly name: string;
  readonly type: VclType;
  entries: ReadonlyMap<string, unknown>;
}
