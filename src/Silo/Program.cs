using Tracking.Silo.Hosting;
using Tracking.Silo.Storage;

// `dotnet run --project src/Silo -- migrate` applies the PostgreSQL schema and exits.
if (args.Length > 0 && args[0] == "migrate")
{
    var app = TrackingApp.Build(args[1..]);
    var migrator = app.Services.GetService<PostgresMigrator>()
        ?? throw new InvalidOperationException("migrate needs PostgreSQL: set Tracking:Storage:Mode=PostgreSql and Tracking:PostgreSql:ConnectionString.");
    var applied = await migrator.MigrateAsync();
    Console.WriteLine(applied.Count == 0 ? "Schema is current." : $"Applied: {string.Join(", ", applied)}");
    return;
}

await TrackingApp.Build(args).RunAsync();
