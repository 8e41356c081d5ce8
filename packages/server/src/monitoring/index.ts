export { Metrics } from './metrics';
export { instrumentWrites } from './instrument';
