using Orleans.Hosting;
using Orleans.TestingHost;

namespace Tracking.IntegrationTests.Storage;

/// <summary>
/// An Orleans <see cref="InProcessTestCluster"/> whose silos keep grain state and reminders in PostgreSQL through the
/// ADO.NET providers, as the Tracking host does in PostgreSQL mode. Reminders may tick every second here.
/// </summary>
internal static class PostgresTestCluster
{
    private const string Invariant = "Npgsql";

    public static async Task<InProcessTestCluster> StartAsync(string connectionString, short silos, string serviceId = "tracking-test")
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorageAsDefault(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
