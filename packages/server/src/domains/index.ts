export { verifyHost, txtName, txtValue, wellKnownPath, type VerifyOptions } from './verify';
