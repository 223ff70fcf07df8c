// Where the rest of the fleet reaches a node (DESIGN.md §4.1 `--node-url`, default
// `http://<edge address>`). The default needs the port the edge actually bound (`--edge
// 127.0.0.1:0` in tests), and an edge listening on every address (`:8080`) is reached by the
// host's name, as an operator would write it.
import os from 'node:os';
import net from 'node:net';
import type { Listen } from './options.ts';

export function defaultNodeUrl(listen: Listen, port: number): string {
  const unspecified = listen.host === '0.0.0.0' || listen.host === '::';
  const host = unspecified ? os.hostname() : net.isIPv6(listen.host) ? `[${listen.host}]` : listen.host;
  return `http://${host}:${port}`;
}
