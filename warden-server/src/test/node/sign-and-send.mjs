// Signs one request with the independent RFC 9421 library `http-message-signatures` and sends it.
// Warden's interop test runs this to prove that Warden accepts signatures it did not make.
// See README.md beside this file for the command line and its output.
import { createHash, createHmac, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { httpbis } from 'http-message-signatures';

const USAGE = `usage: node sign-and-send.mjs --url URL --keyid KEYID --key-file PATH
         [--alg ed25519|hmac-sha256] [--method POST] [--body-file PATH] [--nonce N]
         [--created EPOCH] [--tamper body|header|none] [--print-only]`;

class UsageError extends Error {}

function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        keyid: { type: 'string' },
        'key-file': { type: 'string' },
        alg: { type: 'string', default: 'ed25519' },
        method: { type: 'string', default: 'POST' },
        'body-file': { type: 'string' },
        nonce: { type: 'string' },
        created: { type: 'string' },
        tamper: { type: 'string', default: 'none' },
        'print-only': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError(e.message);
  }
  if (values.help) throw new UsageError('');
  for (const name of ['url', 'keyid', 'key-file']) {
    if (!values[name]) throw new UsageError(`--${name} is required`);
  }
  if (!['ed25519', 'hmac-sha256'].includes(values.alg)) {
    throw new UsageError(`--alg must be ed25519 or hmac-sha256, not ${values.alg}`);
  }
  if (!['body', 'header', 'none'].includes(values.tamper)) {
    throw new UsageError(`--tamper must be body, header or none, not ${values.tamper}`);
  }
  if (values.created !== undefined && !/^\d+$/.test(values.created)) {
    throw new UsageError(`--created must be seconds since the epoch, not ${values.created}`);
  }
  if (values.tamper !== 'none' && values['body-file'] === undefined) {
    // Without a body only "@method" and "@target-uri" are covered: there is nothing to tamper with.
    throw new UsageError(`--tamper ${values.tamper} needs --body-file`);
  }
  try {
    values.url = new URL(values.url).href;
  } catch {
    throw new UsageError(`--url is not a URL: ${values.url}`);
  }
  return values;
}

function readFile(path) {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${e.message}`);
  }
}

/** A key object as http-message-signatures expects it: { id, alg, sign(data) }. */
function loadSigningKey(path, alg, keyid) {
  const text = readFile(path).toString('utf8');
  if (alg === 'hmac-sha256') {
    const secret = Buffer.from(text.trim(), 'base64');
    if (secret.length === 0) throw new UsageError(`${path}: no base64 secret in it`);
    return { id: keyid, alg, sign: async (data) => createHmac('sha256', secret).update(data).digest() };
  }
  let key;
  try {
    key = createPrivateKey(text);
  } catch (e) {
    throw new UsageError(`${path}: not a PKCS#8 PEM private key (${e.message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(`${path}: an ${key.asymmetricKeyType} key, not ed25519`);
  }
  return { id: keyid, alg, sign: async (data) => sign(null, data, key) };
}

/** RFC 9530 Content-Digest with sha-256, as an RFC 8941 byte sequence. */
function contentDigest(body) {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** Changes one byte, keeping JSON well formed where it can: the first letter or digit moves on by one. */
function tamperBody(body) {
  const tampered = Buffer.from(body);
  const i = tampered.findIndex((b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
  if (i < 0) {
    tampered[0] ^= 0x01;
  } else {
    const b = tampered[i];
    tampered[i] = b === 0x39 ? 0x30 : b === 0x5a ? 0x41 : b === 0x7a ? 0x61 : b + 1;
  }
  return tampered;
}

async function main(argv) {
  const args = parseCommandLine(argv);
  const key = loadSigningKey(args['key-file'], args.alg, args.keyid);
  let body = args['body-file'] === undefined ? undefined : readFile(args['body-file']);

  const request = { method: args.method.toUpperCase(), url: args.url, headers: {} };
  const fields = ['@method', '@target-uri'];
  if (body !== undefined) {
    request.headers['Content-Type'] = 'application/json';
    request.headers['Content-Digest'] = contentDigest(body);
    fields.push('content-digest', 'content-type');
  }

  const signed = await httpbis.signMessage(
    {
      key,
      name: 'sig1',
      fields,
      params: ['created', 'nonce', 'keyid', 'alg'],
      paramValues: {
        created: args.created === undefined ? new Date() : new Date(Number(args.created) * 1000),
        nonce: args.nonce ?? randomBytes(16).toString('base64url'),
      },
    },
    request,
  );

  const headers = { ...signed.headers };
  if (args.tamper === 'body') body = tamperBody(body);
  if (args.tamper === 'header') headers['Content-Type'] = 'application/json; charset=utf-8';

  if (args['print-only']) {
    process.stdout.write(JSON.stringify(headers) + '\n');
    return 0;
  }

  let response;
  let responseBody;
  try {
    response = await fetch(signed.url, {
      method: signed.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    responseBody = await response.text();
  } catch (e) {
    process.stderr.write(`sign-and-send: ${signed.method} ${signed.url} failed: ${e.cause?.message ?? e.message}\n`);
    return 2;
  }
  const out = { status: response.status, headers: Object.fromEntries(response.headers), body: responseBody };
  process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof UsageError) {
      if (e.message) process.stderr.write(`sign-and-send: ${e.message}\n`);
      process.stderr.write(USAGE + '\n');
    } else {
      process.stderr.write(`sign-and-send: ${e.stack ?? e}\n`);
    }
    process.exitCode = 2;
  },
);
