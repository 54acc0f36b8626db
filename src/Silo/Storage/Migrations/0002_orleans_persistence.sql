-- Orleans ADO.NET grain persistence on PostgreSQL. One row per grain state; the payload is whatever the provider's
-- serializer wrote (JSON by default) in a bytea column. `version` is the ETag: every write names the version it read
-- and gets the next one; a stale version changes nothing and yields NULL, which the provider turns into an
-- InconsistentStateException. docs/decisions/0001-postgresql-schema.md explains the design.

CREATE TABLE IF NOT EXISTS orleans_grain_state (
    service_id         text NOT NULL,
    grain_type         text NOT NULL,
    grain_id_n0        bigint NOT NULL,     -- Guid/integer keys as two 64-bit halves (0, 0 for string keys)
    grain_id_n1        bigint NOT NULL,
    grain_id_extension text,                -- string key, or the extension of a compound key; NULL when none
    payload            bytea,               -- NULL after a clear: the row stays so the version keeps counting
    version            integer NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_grain_state_identity
        UNIQUE NULLS NOT DISTINCT (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
);

-- The version after `v`; wraps instead of overflowing after 2^31 writes of one grain.
CREATE OR REPLACE FUNCTION orleans_grain_state_next_version(v integer) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v = 2147483647 THEN 1 ELSE v + 1 END;
$$;

-- Writes a state: a first write (no version) inserts version 1, a later one must name the stored version.
-- Returns the new version, or NULL when the caller's version is stale.
CREATE OR REPLACE FUNCTION orleans_grain_state_write(
    p_service_id text, p_grain_type text, p_n0 bigint, p_n1 bigint, p_extension text,
    p_expected_version integer, p_payload bytea)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        INSERT INTO orleans_grain_state (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension,
                                         payload, version)
        VALUES (p_service_id, p_grain_type, p_n0, p_n1, p_extension, p_payload, 1)
        ON CONFLICT ON CONSTRAINT orleans_grain_state_identity DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans_grain_state
           SET payload = p_payload, version = orleans_grain_state_next_version(version), modified_at = now()
         WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
           AND grain_id_n1 = p_n1 AND grain_id_extension IS NOT DISTINCT FROM p_extension
           AND version = p_expected_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END
$$;

-- Clears a state (payload NULL, version moves on), under the same version rule. Returns the new version or NULL.
CREATE OR REPLACE FUNCTION orleans_grain_state_clear(
    p_service_id text, p_grain_type text, p_n0 bigint, p_n1 bigint, p_extension text, p_expected_version integer)
RETURNS integer LANGUAGE sql AS $$
    UPDATE orleans_grain_state
       SET payload = NULL, version = orleans_grain_state_next_version(version), modified_at = now()
     WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
       AND grain_id_n1 = p_n1 AND grain_id_extension IS NOT DISTINCT FROM p_extension
       AND version = p_expected_version
    RETURNING version;
$$;

-- Deletes the row (DeleteStateOnClear = true). Returns the version the row would have had next, or NULL when stale.
CREATE OR REPLACE FUNCTION orleans_grain_state_delete(
    p_service_id text, p_grain_type text, p_n0 bigint, p_n1 bigint, p_extension text, p_expected_version integer)
RETURNS integer LANGUAGE sql AS $$
    DELETE FROM orleans_grain_state
     WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
       AND grain_id_n1 = p_n1 AND grain_id_extension IS NOT DISTINCT FROM p_extension
       AND version = p_expected_version
    RETURNING orleans_grain_state_next_version(version);
$$;

-- The hash parameters (@GrainIdHash, @GrainTypeHash) are bound by the provider but not needed: the identity index
-- finds a row directly. Each text returns exactly one row so that "no row" can never pass for success.
INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $q$
    SELECT payload AS "PayloadBinary", version AS "Version"
      FROM orleans_grain_state
     WHERE service_id = @ServiceId AND grain_type = @GrainTypeString AND grain_id_n0 = @GrainIdN0
       AND grain_id_n1 = @GrainIdN1 AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),
('WriteToStorageKey', $q$
    SELECT orleans_grain_state_write(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                                     @GrainStateVersion, @PayloadBinary) AS "NewGrainStateVersion"
$q$),
('ClearStorageKey', $q$
    SELECT orleans_grain_state_clear(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                                     @GrainStateVersion) AS "NewGrainStateVersion"
$q$),
('DeleteStorageKey', $q$
    SELECT orleans_grain_state_delete(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString,
                                      @GrainStateVersion) AS "NewGrainStateVersion"
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
