/** Bytes kept of a rejected request's body in the raw layer, and of each quarantined event. */
export const REJECTED_BODY_PREFIX_BYTES = 4096;
export const QUARANTINE_PAYLOAD_PREFIX_BYTES = 4096;

export interface Capped {
  text: string;
  /** UTF-8 size of the text before it was cut; 0 when it is kept whole. */
  originalBytes: number;
}

/**
 * At most `maxBytes` of `text` (UTF-8), cut on a character boundary. Going through UTF-8 also
 * replaces a lone surrogate, so the prefix is always well-formed.
 */
export function capText(text: string, maxBytes: number): Capped {
  if (text.length * 3 <= maxBytes) return { text, originalBytes: 0 };
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, originalBytes: 0 };
  let end = maxBytes;
  // Back off to the start of a character: never leave a partial multi-byte sequence behind.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), originalBytes: bytes.length };
}
