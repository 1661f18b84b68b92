-- Whether an escalated request came through POST /v1/actions (SPEC §8): once approved, its action
-- runs through its adapter. Escalations of POST /v1/decisions only decide (act = 0).
ALTER TABLE approvals ADD COLUMN act INTEGER NOT NULL DEFAULT 0 CHECK (act IN (0, 1));
