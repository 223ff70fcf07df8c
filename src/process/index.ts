// Public surface of the process layer: `lacquer serve` as a function (tests and embedders
// start a whole lacquer in-process with it) and its options.
export { startLacquer, type Running } from './primary.ts';
export { resolveServeOptions, parseListen, dataDir, OptionError, type ServeOptions, type ServeFlags, type Role, type Listen } from './options.ts';
export { createLogger, flushLogs } from './logger.ts';
