-- Grain state for Tracking's own batched (group-commit) storage provider, the default in PostgreSQL mode
-- (docs/decisions/0009-batched-grain-storage.md). One row per grain and state name; `version` is the ETag.
-- A cleared state keeps its row with a NULL payload so the version keeps counting and a stale writer is still caught.
CREATE TABLE IF NOT EXISTS grain_state (
    service_id  text        NOT NULL,
    grain_id    text        NOT NULL,
    state_name  text        NOT NULL,
    payload     bytea       NULL,
    version     integer     NOT NULL,
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
);
