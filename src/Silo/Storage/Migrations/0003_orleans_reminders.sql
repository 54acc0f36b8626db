-- Orleans ADO.NET reminders on PostgreSQL. One row per (service, grain, reminder name); `version` is the ETag the
-- reminder service must name to unregister. `grain_hash` is the grain's uniform hash stored as a signed integer: each
-- silo loads the reminders of its hash range with the two range queries below.
-- docs/decisions/0001-postgresql-schema.md explains the design.

CREATE TABLE IF NOT EXISTS orleans_reminder (
    service_id    text NOT NULL,
    grain_id      text NOT NULL,
    reminder_name text NOT NULL,
    grain_hash    integer NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint NOT NULL,
    version       integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminder_by_hash ON orleans_reminder (service_id, grain_hash);

-- The columns the reminder service reads, under the names it reads them by.
CREATE OR REPLACE VIEW orleans_reminder_entry AS
SELECT service_id, grain_hash,
       grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
       period_ms AS "Period", version AS "Version"
  FROM orleans_reminder;

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $q$
    INSERT INTO orleans_reminder (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
       SET grain_hash = EXCLUDED.grain_hash, start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms,
           version = CASE WHEN orleans_reminder.version = 2147483647 THEN 1 ELSE orleans_reminder.version + 1 END
    RETURNING version AS "Version"
$q$),
('ReadReminderRowKey', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_entry
     WHERE service_id = @ServiceId AND "GrainId" = @GrainId AND "ReminderName" = @ReminderName
$q$),
('ReadReminderRowsKey', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_entry
     WHERE service_id = @ServiceId AND "GrainId" = @GrainId
$q$),
-- The range (@BeginHash, @EndHash] in signed order: the provider picks this text when @BeginHash < @EndHash ...
('ReadRangeRows1Key', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_entry
     WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),
-- ... and this one when the range wraps around (also the whole ring when @BeginHash = @EndHash).
('ReadRangeRows2Key', $q$
    SELECT "GrainId", "ReminderName", "StartTime", "Period", "Version" FROM orleans_reminder_entry
     WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),
('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM orleans_reminder
         WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
           AND version = @Version
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM deleted)
$q$),
('DeleteReminderRowsKey', $q$
    DELETE FROM orleans_reminder WHERE service_id = @ServiceId
$q$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
