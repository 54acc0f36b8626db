-- The chain of custody: every item event, appended once, never changed.
-- position orders the whole journal (exports, analytics); (item_id, sequence) orders one item's history and
-- stops two writers from both claiming the same place in it.
CREATE TABLE IF NOT EXISTS item_journal (
    position      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      uuid        NOT NULL,
    item_id       text        NOT NULL,
    sequence      bigint      NOT NULL,
    at            timestamptz NOT NULL,
    type          text        NOT NULL,
    actor_kind    text        NOT NULL,
    actor_id      text        NOT NULL,
    warehouse     text        NULL,
    location      text        NULL,
    status_before text        NULL,
    status_after  text        NOT NULL,
    details       jsonb       NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT item_journal_event_id UNIQUE (event_id),
    CONSTRAINT item_journal_item_sequence UNIQUE (item_id, sequence)
);

CREATE INDEX IF NOT EXISTS item_journal_warehouse_at ON item_journal (warehouse, at);

-- Append-only is a property of the table, not just of the code that writes it.
CREATE OR REPLACE FUNCTION item_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'item_journal is append-only: % is not allowed', TG_OP;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS item_journal_no_change ON item_journal;
CREATE TRIGGER item_journal_no_change BEFORE UPDATE OR DELETE ON item_journal
    FOR EACH ROW EXECUTE FUNCTION item_journal_append_only();
