// Varnish prints socket errors as `%d (%s)` with errno and glibc's strerror text
// (cache_backend_probe.c: "Open error %d (%s)", VAS_errtxt). Node gives the symbolic code;
// the number comes from os.constants and the text from glibc's table for the codes a probe
// can meet.

import os from 'node:os';

const GLIBC_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  ECONNRESET: 'Connection reset by peer',
  ECONNABORTED: 'Software caused connection abort',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EHOSTDOWN: 'Host is down',
  ENETDOWN: 'Network is down',
  EPIPE: 'Broken pipe',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  EADDRINUSE: 'Address already in use',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  ENOBUFS: 'No buffer space available',
  EAFNOSUPPORT: 'Address family not supported by protocol',
  EINVAL: 'Invalid argument',
};

const ERRNO: Readonly<Record<string, number>> = os.constants.errno;

/** `111 (Connection refused)` for `ECONNREFUSED`; unknown codes print as themselves. */
export function errnoText(code: string): string {
  const n = ERRNO[code];
  if (n === undefined) return `0 (${code})`;
  return `${n} (${GLIBC_TEXT[code] ?? code})`;
}
