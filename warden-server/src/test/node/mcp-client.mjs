// An MCP client built on the official TypeScript SDK, for Warden's MCP gateway tests.
//
//   node mcp-client.mjs <url> <bearer-token | -> <steps.json | ->
//
// Connects over Streamable HTTP (initialize), runs the steps in order on that one session,
// ends the session (HTTP DELETE) and closes. One line of JSON per step on stdout; everything
// else goes to stderr. The contract is in README.md ("MCP").

import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

function usage(message) {
    process.stderr.write(`mcp-client: ${message}\n`
        + 'usage: node mcp-client.mjs <url> <bearer-token | -> <steps.json | - for stdin>\n');
    process.exit(1);
}

function out(object) {
    process.stdout.write(JSON.stringify(object) + '\n');
}

/** {code, message, data} for any thrown value; plus status when an HTTP status is known. */
function describe(err) {
    const error = { code: null, message: String(err?.message ?? err), data: null };
    if (err instanceof McpError) {
        error.code = err.code;
        error.data = err.data ?? null;
    } else if (err instanceof StreamableHTTPError) {
        // The SDK puts the HTTP status in .code (-1: a response it could not read, e.g. a wrong content type).
        if (typeof err.code === 'number' && err.code > 0) error.status = err.code;
        // An HTTP error whose body is a JSON-RPC error: its code and data, as the server sent them.
        const body = /^Streamable HTTP error: Error POSTing to endpoint: (.*)$/s.exec(error.message)?.[1];
        try {
            const sent = JSON.parse(body ?? 'null')?.error;
            if (sent && typeof sent.code === 'number') {
                error.code = sent.code;
                error.data = sent.data ?? null;
            }
        } catch { /* not JSON */ }
    } else if (err && typeof err.code === 'number') {
        error.code = err.code;
        error.data = err.data ?? null;
    }
    return error;
}

const [url, token, stepsArg] = process.argv.slice(2);
if (!url || !token || !stepsArg || process.argv.length !== 5) usage('expected exactly three arguments');

let steps;
try {
    const text = stepsArg === '-' ? readFileSync(0, 'utf8') : readFileSync(stepsArg, 'utf8');
    steps = JSON.parse(text);
} catch (err) {
    usage(`cannot read the steps: ${err.message}`);
}
if (!Array.isArray(steps)) usage('the steps must be a JSON array');

const requestInit = token === '-' ? {} : { headers: { Authorization: `Bearer ${token}` } };
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit });
const client = new Client({ name: 'warden-mcp-test-client', version: '0.0.0' });
client.onerror = (err) => process.stderr.write(`mcp-client: transport: ${err?.message ?? err}\n`);

try {
    await client.connect(transport);
} catch (err) {
    out({ connect: false, error: describe(err) });
    await client.close().catch(() => {});
    process.exit(2);
}
out({ connected: true, server: client.getServerVersion() ?? null, protocol: transport.protocolVersion ?? null });

async function run(step) {
    const options = step.timeout_ms !== undefined ? { timeout: step.timeout_ms } : undefined;
    switch (step.op) {
        case 'list_tools': return client.listTools(undefined, options);
        case 'call_tool': return client.callTool({ name: step.name, arguments: step.arguments ?? {} }, undefined, options);
        case 'list_resources': return client.listResources(undefined, options);
        case 'read_resource': return client.readResource({ uri: step.uri }, options);
        case 'list_prompts': return client.listPrompts(undefined, options);
        case 'get_prompt': return client.getPrompt({ name: step.name, arguments: step.arguments ?? {} }, options);
        case 'sleep': await delay(step.ms ?? 0); return {};
        default: throw new Error(`unknown op: ${JSON.stringify(step?.op)}`);
    }
}

for (let i = 0; i < steps.length; i++) {
    try {
        out({ step: i, ok: true, result: await run(steps[i] ?? {}) });
    } catch (err) {
        out({ step: i, ok: false, error: describe(err) });
    }
}

try {
    await transport.terminateSession();
} catch (err) {
    process.stderr.write(`mcp-client: ending the session: ${err?.message ?? err}\n`);
}
await client.close().catch((err) => process.stderr.write(`mcp-client: close: ${err?.message ?? err}\n`));
process.exit(0);
