// Self-test of the signer library: sign the RFC 9421 Appendix B.2.6 request (ed25519) with
// http-message-signatures and compare with the RFC's own signature base, Signature-Input and
// Signature. Ed25519 is deterministic, so a faithful RFC 9421 implementation reproduces them exactly.
// Exit 0 when all three match, 1 otherwise.
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { httpbis } from 'http-message-signatures';

const vector = JSON.parse(readFileSync(new URL('./b26-ed25519.json', import.meta.url), 'utf8'));
const { Signature: wantSignature, 'Signature-Input': wantInput, ...headers } = vector.request.headers;
const privateKey = createPrivateKey(vector.private_key_pem);

let signedBase;
const key = {
  id: 'test-key-ed25519',
  sign: async (data) => {
    signedBase = data.toString('utf8');
    return sign(null, data, privateKey);
  },
};

const signed = await httpbis.signMessage(
  {
    key,
    name: 'sig-b26',
    fields: ['date', '@method', '@path', '@authority', 'content-type', 'content-length'],
    params: ['created', 'keyid'],
    paramValues: { created: new Date(1618884473 * 1000) },
  },
  { method: vector.request.method, url: vector.request.target_uri, headers },
);

const checks = [
  ['signature base', signedBase, vector.signature_base],
  ['Signature-Input', signed.headers['Signature-Input'], wantInput],
  ['Signature', signed.headers['Signature'], wantSignature],
];
let failed = 0;
for (const [what, got, want] of checks) {
  if (got === want) continue;
  failed++;
  console.error(`b26-check: ${what} differs from RFC 9421 B.2.6\n  want: ${JSON.stringify(want)}\n  got:  ${JSON.stringify(got)}`);
}
if (failed > 0) {
  console.error(`b26-check: FAILED (${failed} of ${checks.length} checks)`);
  process.exit(1);
}
console.log(`b26-check: http-message-signatures reproduces RFC 9421 B.2.6 exactly (${wantSignature})`);
