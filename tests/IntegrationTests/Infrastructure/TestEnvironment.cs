using Tracking.Bench.Infrastructure;

namespace Tracking.IntegrationTests.Infrastructure;

/// <summary>
/// Where the real servers are. ./test.sh starts them and exports these variables; for a single run from an IDE:
/// <c>eval "$(tests/infra/services.sh up /tmp/tracking-infra)"</c>. Missing variables fail the test loudly.
/// </summary>
public static class TestEnvironment
{
    public static string PostgresAdminConnectionString => Require("TRACKING_TEST_PG");

    public static int MqttPort => int.Parse(Require("TRACKING_TEST_MQTT_PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static string MosquittoExecutable => Environment.GetEnvironmentVariable("TRACKING_TEST_MOSQUITTO") ?? "/usr/sbin/mosquitto";

    public static string ChromiumExecutable => Environment.GetEnvironmentVariable("TRACKING_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    public static string ArtifactsDirectory
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("TRACKING_TEST_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "tracking-artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>The repository's shared/ folder (device schemas and samples), beside the repository root.</summary>
    public static string SharedDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Tracking.sln")))
                {
                    return Path.Combine(dir.Parent!.FullName, "shared");
                }
            }

            throw new InvalidOperationException("Tracking.sln not found above the test folder.");
        }
    }

    /// <summary>A port outside the kernel's ephemeral range, handed out once per test run (see <see cref="FreePort"/>).</summary>
    public static int FreeTcpPort() => FreePort.Next();

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name)
        ?? throw new InvalidOperationException($"{name} is not set. Run ./test.sh, or eval \"$(tests/infra/services.sh up /tmp/tracking-infra)\" first.");
}
