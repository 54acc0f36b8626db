-- Grain state lookups that use the whole identity index. `grain_id_extension IS NOT DISTINCT FROM x` cannot be an index
-- condition, and string-keyed grains all have grain_id_n0 = grain_id_n1 = 0, so every read and every update of an item
-- walked the index entries of all items of its type (110,000 items: ~50,000 tuples per read, a few hundred reads/s).
-- Found by the memory benchmark (docs/benchmarks.md). Each function now takes the NULL and the non-NULL extension
-- through its own static statement, both of which are index lookups; results are unchanged.

CREATE OR REPLACE FUNCTION orleans_grain_state_read(
    p_service_id text, p_grain_type text, p_n0 bigint, p_n1 bigint, p_extension text)
RETURNS TABLE (payload bytea, version integer) LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_extension IS NULL THEN
        RETURN QUERY SELECT s.payload, s.version FROM orleans_grain_state s
         WHERE s.service_id = p_service_id AND s.grain_type = p_grain_type AND s.grain_id_n0 = p_n0
           AND s.grain_id_n1 = p_n1 AND s.grain_id_extension IS NULL;
    ELSE
        RETURN QUERY SELECT s.payload, s.version FROM orleans_grain_state s
         WHERE s.service_id = p_service_id AND s.grain_type = p_grain_type AND s.grain_id_n0 = p_n0
           AND s.grain_id_n1 = p_n1 AND s.grain_id_extension = p_extension;
    END IF;
END
$$;

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
    ELSIF p_extension IS NULL THEN
        UPDATE orleans_grain_state
           SET payload = p_payload, version = orleans_grain_state_next_version(version), modified_at = now()
         WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
           AND grain_id_n1 = p_n1 AND grain_id_extension IS NULL AND version = p_expected_version
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans_grain_state
           SET payload = p_payload, version = orleans_grain_state_next_version(version), modified_at = now()
         WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
           AND grain_id_n1 = p_n1 AND grain_id_extension = p_extension AND version = p_expected_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END
$$;

CREATE OR REPLACE FUNCTION orleans_grain_state_clear(
    p_service_id text, p_grain_type text, p_n0 bigint, p_n1 bigint, p_extension text, p_expected_version integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    new_version integer;
BEGIN
    IF p_extension IS NULL THEN
        UPDATE orleans_grain_state
           SET payload = NULL, version = orleans_grain_state_next_version(version), modified_at = now()
         WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
           AND grain_id_n1 = p_n1 AND grain_id_extension IS NULL AND version = p_expected_version
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans_grain_state
           SET payload = NULL, version = orleans_grain_state_next_version(version), modified_at = now()
         WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
           AND grain_id_n1 = p_n1 AND grain_id_extension = p_extension AND version = p_expected_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END
$$;

CREATE OR REPLACE FUNCTION orleans_grain_state_delete(
    p_service_id text, p_grain_type text, p_n0 bigint, p_n1 bigint, p_extension text, p_expected_version integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    next_version integer;
BEGIN
    IF p_extension IS NULL THEN
        DELETE FROM orleans_grain_state
         WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
           AND grain_id_n1 = p_n1 AND grain_id_extension IS NULL AND version = p_expected_version
        RETURNING orleans_grain_state_next_version(version) INTO next_version;
    ELSE
        DELETE FROM orleans_grain_state
         WHERE service_id = p_service_id AND grain_type = p_grain_type AND grain_id_n0 = p_n0
           AND grain_id_n1 = p_n1 AND grain_id_extension = p_extension AND version = p_expected_version
        RETURNING orleans_grain_state_next_version(version) INTO next_version;
    END IF;
    RETURN next_version;
END
$$;

UPDATE orleansquery SET querytext = $q$
    SELECT payload AS "PayloadBinary", version AS "Version"
      FROM orleans_grain_state_read(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString)
$q$ WHERE querykey = 'ReadFromStorageKey';
