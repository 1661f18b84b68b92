// Verifies a Warden receipt JWS with the npm package `jose` (an independent JOSE implementation)
// against a JWKS, as any third party would.
//
//   node verify-jws.mjs --jwks FILE --jws FILE
//
// Prints one line of JSON: {"ok": true, "payload": {...}, "header": {...}} or
// {"ok": false, "error": "<jose error code>: <message>"}. Exit 0 when verified, 1 when not,
// 2 on usage or I/O errors.
import { readFileSync } from 'node:fs';
import { compactVerify, createLocalJWKSet } from 'jose';

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error(`usage: node verify-jws.mjs --jwks FILE --jws FILE (missing ${name})`);
    process.exit(2);
  }
  return process.argv[i + 1];
}

let jwks;
let jws;
try {
  jwks = JSON.parse(readFileSync(arg('--jwks'), 'utf8'));
  jws = readFileSync(arg('--jws'), 'utf8').trim();
} catch (e) {
  console.error(`cannot read input: ${e.message}`);
  process.exit(2);
}

try {
  const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks), {
    algorithms: ['EdDSA', 'Ed25519'],
  });
  const text = new TextDecoder().decode(payload);
  console.log(JSON.stringify({ ok: true, header: protectedHeader, payload: JSON.parse(text) }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: `${e.code ?? e.name}: ${e.message}` }));
  process.exit(1);
}
