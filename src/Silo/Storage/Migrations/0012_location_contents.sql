-- What each location holds, one row per item (a projection of the items' own state, written by the location grain
-- in batches): a change stores the rows that changed, so a full inspection area is as cheap to keep as an empty one.
-- Statuses are enum names, as in item_journal, so the table reads well in SQL.
CREATE TABLE IF NOT EXISTS location_contents (
    location_id  text        PRIMARY KEY,
    version      bigint      NOT NULL,
    reservations text[]      NOT NULL DEFAULT '{}',
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS location_items (
    location_id text        NOT NULL,
    item_id     text        NOT NULL,
    sku         text        NULL,
    status      text        NOT NULL,
    grade       text        NULL,
    disposition text        NULL,
    priority    integer     NOT NULL,
    received_at timestamptz NULL,
    unexpected  boolean     NOT NULL,
    PRIMARY KEY (location_id, item_id)
);
