export { isForbiddenAddress, embeddedIPv4 } from './address';
export {
  outboundFetch,
  resolveOutbound,
  OutboundRefused,
  type OutboundOptions,
  type OutboundRequest,
  type OutboundResponse,
} from './fetch';
