// What compiled VCL throws when an invariant the checker guarantees is broken at run time (a
// subroutine ending with an action its phase may not return, a goto leaving its subroutine):
// a bug in lacquer, never a user error, so it fails loudly (Varnish's cache_req_fsm.c does
// the same with WRONG()).
export class VclRuntimeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'VclRuntimeError';
    this.code = code;
  }
}
