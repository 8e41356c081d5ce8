export { buildHttpApp, type RouteModule, type RouteInfo } from './app';
export { parseInput, installErrorHandling } from './errors';
