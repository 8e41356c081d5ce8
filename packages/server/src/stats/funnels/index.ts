export { runFunnel, runFunnelDropOffSessions, VISITOR_DEFAULT_WINDOW_MS, EXIT_LABEL } from './run';
export { parseFunnelParams, funnelParamsSchema, type FunnelRequest } from './params';
export { checkSteps, stepPredicate } from './steps';
export { compileFunnelSteps, compileFunnelNext, compileFunnelDropOffSessions, type FunnelQuery } from './compile';
