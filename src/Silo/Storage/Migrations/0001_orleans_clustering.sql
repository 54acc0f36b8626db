-- Orleans ADO.NET clustering (membership) on PostgreSQL, and the OrleansQuery table that every Orleans ADO.NET
-- provider reads at start-up. The providers only ever run `SELECT QueryKey, QueryText FROM OrleansQuery` (unquoted,
-- so PostgreSQL folds it to orleansquery) and then the query texts stored there, binding parameters named @Xxx and
-- reading result columns by name. Everything behind those texts is this project's own design:
-- docs/decisions/0001-postgresql-schema.md.

CREATE TABLE IF NOT EXISTS orleansquery (
    querykey  text PRIMARY KEY,
    querytext text NOT NULL
);

-- One row per cluster: the membership table version. Every membership change names the version its writer read and
-- moves it one up, so of two silos acting on the same view of the cluster only one wins (the other re-reads).
CREATE TABLE IF NOT EXISTS orleans_membership_version (
    cluster_id text PRIMARY KEY,
    version    integer NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address, port and generation = start time), deleted with its cluster.
CREATE TABLE IF NOT EXISTS orleans_membership (
    cluster_id      text NOT NULL REFERENCES orleans_membership_version (cluster_id) ON DELETE CASCADE,
    address         text NOT NULL,
    port            integer NOT NULL,
    generation      integer NOT NULL,
    silo_name       text NOT NULL,
    host_name       text NOT NULL,
    status          integer NOT NULL,          -- Orleans SiloStatus: 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead
    proxy_port      integer NOT NULL,          -- gateway port, 0 when the silo is no gateway
    suspect_times   text,                      -- Orleans' own "silo,time|silo,time" list of suspicion votes
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

-- Creates the version row of a cluster once; true only for the caller that created it.
CREATE OR REPLACE FUNCTION orleans_membership_init(p_cluster_id text) RETURNS boolean
LANGUAGE sql AS $$
    WITH created AS (
        INSERT INTO orleans_membership_version (cluster_id) VALUES (p_cluster_id)
        ON CONFLICT (cluster_id) DO NOTHING
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM created);
$$;

-- The version row joined with the members (all, or the one silo given): the provider reads the table version from
-- the first row, so a cluster without members still yields one row, with NULL member columns.
CREATE OR REPLACE FUNCTION orleans_membership_read(
    p_cluster_id text, p_address text DEFAULT NULL, p_port integer DEFAULT NULL, p_generation integer DEFAULT NULL)
RETURNS TABLE ("Version" integer, "Address" text, "Port" integer, "Generation" integer, "SiloName" text,
               "HostName" text, "Status" integer, "ProxyPort" integer, "SuspectTimes" text,
               "StartTime" timestamptz, "IAmAliveTime" timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT v.version, m.address, m.port, m.generation, m.silo_name, m.host_name, m.status, m.proxy_port,
           m.suspect_times, m.start_time, m.i_am_alive_time
    FROM orleans_membership_version v
    LEFT JOIN orleans_membership m
           ON m.cluster_id = v.cluster_id
          AND (p_address IS NULL OR (m.address = p_address AND m.port = p_port AND m.generation = p_generation))
    WHERE v.cluster_id = p_cluster_id;
$$;

-- Adds a silo if the table is still at the version the caller read; the version row lock serialises writers.
CREATE OR REPLACE FUNCTION orleans_membership_insert(
    p_cluster_id text, p_expected_version integer, p_address text, p_port integer, p_generation integer,
    p_silo_name text, p_host_name text, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_i_am_alive_time timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM orleans_membership_version
     WHERE cluster_id = p_cluster_id AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    INSERT INTO orleans_membership (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port,
                                    start_time, i_am_alive_time)
    VALUES (p_cluster_id, p_address, p_port, p_generation, coalesce(p_silo_name, ''), coalesce(p_host_name, ''),
            p_status, coalesce(p_proxy_port, 0), p_start_time, p_i_am_alive_time)
    ON CONFLICT DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version SET version = version + 1, changed_at = now() WHERE cluster_id = p_cluster_id;
    RETURN true;
END
$$;

-- Changes a silo's status and suspicion votes under the same version rule as orleans_membership_insert.
CREATE OR REPLACE FUNCTION orleans_membership_update(
    p_cluster_id text, p_expected_version integer, p_address text, p_port integer, p_generation integer,
    p_status integer, p_suspect_times text, p_i_am_alive_time timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM orleans_membership_version
     WHERE cluster_id = p_cluster_id AND version = p_expected_version
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
     WHERE cluster_id = p_cluster_id AND address = p_address AND port = p_port AND generation = p_generation;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version SET version = version + 1, changed_at = now() WHERE cluster_id = p_cluster_id;
    RETURN true;
END
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $q$
    SELECT orleans_membership_init(@DeploymentId)
$q$),
('MembershipReadAllKey', $q$
    SELECT * FROM orleans_membership_read(@DeploymentId)
$q$),
('MembershipReadRowKey', $q$
    SELECT * FROM orleans_membership_read(@DeploymentId, @Address, @Port, @Generation)
$q$),
('InsertMembershipKey', $q$
    SELECT orleans_membership_insert(@DeploymentId, @Version, @Address, @Port, @Generation, @SiloName, @HostName,
                                     @Status, @ProxyPort, @StartTime, @IAmAliveTime)
$q$),
('UpdateMembershipKey', $q$
    SELECT orleans_membership_update(@DeploymentId, @Version, @Address, @Port, @Generation, @Status, @SuspectTimes,
                                     @IAmAliveTime)
$q$),
-- Heartbeats do not move the table version: they are not membership changes.
('UpdateIAmAlivetimeKey', $q$
    UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
     WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$q$),
('GatewaysQueryKey', $q$
    SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
      FROM orleans_membership
     WHERE cluster_id = @DeploymentId AND status = @Status AND proxy_port > 0
$q$),
('DeleteMembershipTableEntriesKey', $q$
    DELETE FROM orleans_membership_version WHERE cluster_id = @DeploymentId
$q$),
-- Dead silos (status 6) silent since the cut-off. Removing dead rows needs no version change: no live decision
-- depends on them.
('CleanupDefunctSiloEntriesKey', $q$
    DELETE FROM orleans_membership
     WHERE cluster_id = @DeploymentId AND status = 6 AND i_am_alive_time < @IAmAliveTime
$q$),
-- Per-row cleanup (used instead of the above when present): the provider picked the row by its cut-off rules and
-- deletes it only if nothing about it changed since it read it.
('CleanupDefunctSiloEntryKey', $q$
    DELETE FROM orleans_membership
     WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
       AND status = 6 AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
       AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
