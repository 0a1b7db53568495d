// Minimal JWT helpers for the HTTP tests: decode a token and forge one with node's crypto only.
import { createHmac, randomBytes } from 'node:crypto';

export function b64url(input) {
  const buf = Buffer.isBuffer(input) ? input
    : Buffer.from(typeof input === 'string' ? input : JSON.stringify(input), 'utf8');
  return buf.toString('base64url');
}

export function unb64url(s) { return Buffer.from(s, 'base64url'); }

/** Split a compact JWT into its parts; header and payload parsed as JSON. */
export function decodeJwt(token) {
  const [h, p, s] = token.split('.');
  return { header: JSON.parse(unb64url(h).toString('utf8')), payload: JSON.parse(unb64url(p).toString('utf8')), signature: s, parts: [h, p, s] };
}

const HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * signJwt(payload, key, {alg = 'HS256', header}) -> compact JWT.
 * alg 'none' gives an unsigned token (empty signature).
 */
export function signJwt(payload, key, { alg = 'HS256', header } = {}) {
  const hdr = header ?? { alg, typ: 'JWT' };
  const input = `${b64url(hdr)}.${b64url(payload)}`;
  if (alg === 'none') return `${input}.`;
  const sig = createHmac(HASH[alg], key).update(input).digest();
  return `${input}.${b64url(sig)}`;
}

export const now = () => Math.floor(Date.now() / 1000);
export const randomSid = () => randomBytes(16).toString('hex');
