export { buildHttpApp, type RouteModule, type RouteInfo, type HttpAppOptions } from './app';
export { errorForLog, redactMessage } from './logging';
export { parseInput, installErrorHandling } from './errors';
