import { createHash, createHmac } from 'node:crypto';

/**
 * Cookieless visitor id (DESIGN §4): a keyed hash of site, IP and user agent under the day's secret
 * salt. Without the salt (deleted after 48 h) the id cannot be linked back to an IP.
 */
export function visitorHash(salt: string, siteId: string, ip: string, userAgent: string): string {
  return createHmac('sha256', salt).update(`${siteId}\n${ip}\n${userAgent}`).digest().subarray(0, 16).toString('hex');
}

/** A server-side client named its session but not its visitor: a stable id derived from the session. */
export function visitorIdFromSession(siteId: string, sessionId: string): string {
  return createHash('sha256').update(`${siteId}\nsession\n${sessionId}`).digest().subarray(0, 16).toString('hex');
}
