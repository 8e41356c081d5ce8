export { runPaths, runNeighbours } from './run';
export {
  parsePathsParams,
  parseNeighboursParams,
  pathsParamsSchema,
  neighboursParamsSchema,
  type PathsRequest,
  type NeighboursRequest,
} from './params';
export { compilePaths, type PathsQuery } from './compile';
