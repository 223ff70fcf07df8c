export { LogRouter, type LogRouterOptions } from './router.ts';
export { LogMetrics } from './metrics.ts';
export type { LogIntake } from './deliveries.ts';
