// A hostile MCP upstream over stdio, for Warden's supervisor tests.
//
//   node mcp-stdio-crashy.mjs
//
// Tools sleep {ms}, crash {}, echo {message} (mcp-hostile-tools.mjs). crash ends the process at
// once with exit code 1, so whoever runs it has to start it again. stdout carries only MCP
// messages; logs go to stderr. Exits 0 when stdin closes.

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { hostileServer } from './mcp-hostile-tools.mjs';

const transport = new StdioServerTransport();
await hostileServer('mcp-stdio-crashy').connect(transport);
process.stdin.on('end', () => process.exit(0));
process.stderr.write(`mcp-stdio-crashy: ready (pid ${process.pid})\n`);
