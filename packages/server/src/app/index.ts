export { createContext, closeContext, startServer, type RunningServer } from './server';
export type { AppContext } from './context';
