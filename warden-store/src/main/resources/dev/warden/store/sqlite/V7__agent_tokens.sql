-- Agent tokens (SPEC: warden token create --agent ID --mcp): a bearer token that speaks for one
-- agent on the MCP gateway. NULL for operator tokens. An agent is never deleted (revocation is a
-- status), so the reference always resolves.
ALTER TABLE tokens ADD COLUMN agent_id TEXT REFERENCES agents (id);

CREATE INDEX tokens_by_agent ON tokens (agent_id) WHERE agent_id IS NOT NULL;
