namespace Tracking.Bench.Baseline;

/// <summary>The conventional WMS's tables: one row per item updated in place, plus a history of location changes.</summary>
public static class ConventionalSchema
{
    public const string Create = """
        CREATE TABLE items (
            epc         text PRIMARY KEY,
            warehouse   text NOT NULL,
            location    text,
            status      text NOT NULL,
            read_count  integer NOT NULL DEFAULT 0,
            last_seen   timestamptz,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE item_history (
            id          bigserial PRIMARY KEY,
            epc         text NOT NULL REFERENCES items (epc),
            at          timestamptz NOT NULL,
            reader_id   text NOT NULL,
            location    text NOT NULL,
            status      text NOT NULL
        );
        CREATE INDEX item_history_epc ON item_history (epc);
        """;
}
