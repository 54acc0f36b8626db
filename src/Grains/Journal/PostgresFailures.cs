using Npgsql;

namespace Tracking.Grains.Journal;

/// <summary>
/// What a failed PostgreSQL statement means for a batch of rows: run it again as it is (transient), or find the row at
/// fault (a refusal), so that one bad row does not fail every other grain's write that shared its statement.
/// </summary>
public static class PostgresFailures
{
    /// <summary>
    /// The connection broke, the server was short of resources, or the statement lost a deadlock or serialization race:
    /// it was rolled back whole and may well succeed as it is.
    /// </summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        NpgsqlException npgsql => npgsql.IsTransient,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// The server refused what the statement held (a constraint, a trigger, a value it cannot store). The same statement
    /// fails the same way again; in a batch it may be one row's fault only.
    /// </summary>
    public static bool IsRefusal(Exception ex) => ex is PostgresException pg && !IsTransient(pg);
}
