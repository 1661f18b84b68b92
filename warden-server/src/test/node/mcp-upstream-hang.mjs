// A hostile MCP upstream over Streamable HTTP, for Warden's timeout and crash tests.
//
//   PORT=<port> node mcp-upstream-hang.mjs      (PORT=0 or unset: a free port)
//
// Serves http://127.0.0.1:<port>/mcp with stateful sessions (Mcp-Session-Id), one McpServer per
// session, tools sleep {ms}, crash {}, echo {message} (mcp-hostile-tools.mjs). When listening it
// prints one line to stdout, {"listening":<port>}; logs go to stderr.

import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { hostileServer } from './mcp-hostile-tools.mjs';

const transports = new Map();

function reply(res, status, code, message) {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJson(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const http = createServer(async (req, res) => {
    try {
        if (new URL(req.url, 'http://x').pathname !== '/mcp') return reply(res, 404, -32000, 'Not found');
        const sessionId = req.headers['mcp-session-id'];
        if (sessionId !== undefined) {
            const transport = transports.get(sessionId);
            if (!transport) return reply(res, 404, -32001, 'Session not found');
            const body = req.method === 'POST' ? await readJson(req) : undefined;
            return await transport.handleRequest(req, res, body);
        }
        if (req.method !== 'POST') return reply(res, 400, -32000, 'Bad Request: no session');
        const body = await readJson(req);
        if (!isInitializeRequest(body)) return reply(res, 400, -32000, 'Bad Request: no session');
        const transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (id) => transports.set(id, transport),
        });
        transport.onclose = () => {
            if (transport.sessionId) transports.delete(transport.sessionId);
        };
        await hostileServer('mcp-upstream-hang').connect(transport);
        await transport.handleRequest(req, res, body);
    } catch (err) {
        process.stderr.write(`mcp-upstream-hang: ${err?.stack ?? err}\n`);
        if (!res.headersSent) reply(res, err instanceof SyntaxError ? 400 : 500, err instanceof SyntaxError ? -32700 : -32603, String(err?.message ?? err));
    }
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ listening: http.address().port }) + '\n');
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
