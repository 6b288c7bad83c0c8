// URL-safe alphabet of exactly 64 characters, so `byte & 63` is uniform.
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * C3: a random, URL-safe id from the platform's cryptographic source (Web Crypto, in browsers and
 * Node alike). 21 characters carry 126 bits, so two clients practically never propose the same id.
 */
export function newId(size = 21): string {
  const bytes = crypto.getRandomValues(new Uint8Array(size));
  let id = "";
  for (let i = 0; i < size; i++) id += ALPHABET[(bytes[i] as number) & 63];
  return id;
}
