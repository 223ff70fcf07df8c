// The edge bench's helpers: servers on loopback in temp dirs, wrk, and the report.
export { Cleanup } from './cleanup.ts';
export { freePort, logTail, startProcess, waitReady, type Server } from './proc.ts';
export { startOrigin, type Origin } from './origin.ts';
export { startLacquer, LACQUER_CACHE_HOST, LACQUER_PASS_HOST, type Lacquer } from './lacquer.ts';
export { startVarnish, type Varnish, type VarnishMode } from './varnish.ts';
export { startNginx, type Nginx } from './nginx.ts';
export { runWrk, writeWrkScripts, type WrkResult, type WrkRun, type WrkScripts } from './wrk.ts';
export { SCENARIOS, SERVERS, type Mode, type Scenario, type ServerName, type Target } from './scenarios.ts';
export { formatResults, medianOf, type Measurement, type Results } from './report.ts';
export { measure, type MeasureOptions } from './measure.ts';
export { describeMachine, loadAverage, missingTools } from './machine.ts';
export { groupCpuSeconds, machineSeconds } from './cpu.ts';
