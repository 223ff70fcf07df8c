// Public surface of health checking: the pure state, one probe, the POP's registry (which
// owns the scheduler), the probe thread that runs it, who probes what in a POP, the rows a POP
// writes, operators' overrides, the log line, metrics, and the IPC messages workers receive.

export {
  ADMIN_STATES, BIT_LETTERS, PROBE_OUTCOMES, bitStrings, createHealthState, latestBits,
  probeBits, recordProbe, registerString, setAdmin,
} from './state.ts';
export type {
  AdminState, BitLetter, HealthState, ProbeBits, ProbeOutcome, ProbeResult, Registers, Transition,
} from './state.ts';
export { KEPT_RESPONSE_BYTES, scanStatus, statusLine, statusMatches } from './statusline.ts';
export { probeRequestBytes, runProbe, systemLookup, wallClock } from './probe.ts';
export type { LookupAddress, LookupFn, ProbeOptions } from './probe.ts';
export { ProbeScheduler } from './scheduler.ts';
export type { SchedulerOptions } from './scheduler.ts';
export { HealthRegistry } from './registry.ts';
export type {
  HealthEntry, HealthEvent, HealthRegistryOptions, HealthSnapshot, HealthTarget, NodeSummary, ProbeFn, SyncResult,
} from './registry-types.ts';
export { ProbeThread } from './thread-client.ts';
export type { ProbeThreadOptions } from './thread-client.ts';
export type { ProbeStats } from './thread-protocol.ts';
export { PopOwnership, hash32 } from './ownership.ts';
export { decodeRegisters, identityKey, summarize } from './summary.ts';
export type { IdentitySummary } from './summary.ts';
export { AdminOverrides, effectiveHealth } from './admin.ts';
export type { BackendKey } from './admin.ts';
export { backendHealthLine, logProbe } from './log.ts';
export type { HealthLogContext } from './log.ts';
export { HealthMetrics } from './metrics.ts';
export type { BackendLabels } from './metrics.ts';
export { HealthView, adminMessage, healthMessage, isHealthMessage } from './ipc.ts';
export type { HealthMessage } from './ipc.ts';
