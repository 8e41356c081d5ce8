export { startServer, createContext, closeContext, type AppContext, type RunningServer } from './app';
export { loadConfig, type Config } from './config';
