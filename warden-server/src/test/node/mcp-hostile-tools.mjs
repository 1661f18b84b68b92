// The tools of the hostile upstreams (mcp-upstream-hang.mjs over Streamable HTTP,
// mcp-stdio-crashy.mjs over stdio): sleep, crash and echo, on a fresh McpServer.

import { setTimeout as delay } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export function hostileServer(name) {
    const server = new McpServer({ name, version: '0.0.0' });
    server.registerTool('sleep', {
        description: 'Waits {ms} milliseconds, then answers "slept".',
        inputSchema: { ms: z.number().min(0) },
    }, async ({ ms }) => {
        await delay(ms);
        return { content: [{ type: 'text', text: 'slept' }] };
    });
    server.registerTool('crash', {
        description: 'Ends this server process at once with exit code 1; never answers.',
        inputSchema: {},
    }, async () => {
        process.stderr.write(`${name}: crash called, exiting with 1\n`);
        process.exit(1);
    });
    server.registerTool('echo', {
        description: 'Answers {message}, unchanged.',
        inputSchema: { message: z.string() },
    }, async ({ message }) => ({ content: [{ type: 'text', text: message }] }));
    return server;
}
