/**
 * Bearer tokens: operator tokens (scopes, constant-time checks) and agent tokens for the MCP
 * gateway, and the events that cut credentials off.
 */
@NullMarked
package dev.warden.server.operator;

import org.jspecify.annotations.NullMarked;
