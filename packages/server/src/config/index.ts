export { loadConfig, type Config } from './config';
export { roleDoes, servesRoute, checkRoleConfig, parseRoleFlag, type Role } from './roles';
