-- Messages to external systems (refund-due webhooks), delivered at least once with retries; the idempotency key
-- is unique so a repeated trigger enqueues nothing new, and it is sent along so the receiver applies it once.
CREATE TABLE IF NOT EXISTS outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    idempotency_key text        NOT NULL,
    topic           text        NOT NULL,
    payload         jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz NULL,
    gave_up_at      timestamptz NULL,
    last_error      text        NULL,
    CONSTRAINT outbox_idempotency_key UNIQUE (idempotency_key)
);

CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
