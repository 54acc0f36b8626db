using Tracking.Grains.Interfaces.Live;
using Tracking.Grains.Live;

namespace Tracking.UnitTests.Live;

public sealed class OpenAlertsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 5, 14, 9, 0, 0, TimeSpan.Zero);

    private static Alert Silent(string reader, DateTimeOffset at, string message = "silent") =>
        new($"silent-reader:{reader}", "AMS1", AlertKind.SilentReader, AlertSeverity.Warning, message, reader, at);

    [Fact]
    public void Raising_the_same_cause_twice_keeps_one_alert_with_its_first_time()
    {
        var (once, first, _) = OpenAlerts.Empty.Raise(Silent("AMS1-GATE-IN", T0));
        var (twice, second, effective) = once.Raise(Silent("AMS1-GATE-IN", T0.AddMinutes(5)));

        Assert.Equal(AlertChange.Raised, first);
        Assert.Equal(AlertChange.None, second);
        Assert.Single(twice.Alerts);
        Assert.Equal(T0, effective.RaisedAt);
    }

    [Fact]
    public void Raising_an_open_cause_with_a_new_message_updates_it_in_place()
    {
        var (once, _, _) = OpenAlerts.Empty.Raise(Silent("AMS1-GATE-IN", T0, "silent for 1 min"));
        var (next, change, effective) = once.Raise(Silent("AMS1-GATE-IN", T0.AddMinutes(5), "silent for 5 min"));

        Assert.Equal(AlertChange.Updated, change);
        Assert.Equal("silent for 5 min", Assert.Single(next.Alerts).Message);
        Assert.Equal(T0, effective.RaisedAt);
    }

    [Fact]
    public void Clearing_removes_the_alert_and_clearing_again_changes_nothing()
    {
        var (open, _, _) = OpenAlerts.Empty.Raise(Silent("AMS1-GATE-IN", T0));
        var (cleared, change) = open.Clear("silent-reader:AMS1-GATE-IN");
        var (again, secondChange) = cleared.Clear("silent-reader:AMS1-GATE-IN");

        Assert.Equal(AlertChange.Cleared, change);
        Assert.Empty(cleared.Alerts);
        Assert.Equal(AlertChange.None, secondChange);
        Assert.Same(cleared, again);
    }

    [Fact]
    public void A_flood_of_distinct_alerts_keeps_only_the_newest_ones()
    {
        var alerts = OpenAlerts.Empty;
        for (var i = 0; i < OpenAlerts.MaxOpen + 10; i++)
        {
            alerts = alerts.Raise(Silent($"R{i}", T0.AddSeconds(i))).Next;
        }

        Assert.Equal(OpenAlerts.MaxOpen, alerts.Alerts.Count);
        Assert.Equal("silent-reader:R10", alerts.Alerts[0].AlertId);
    }

    [Fact]
    public void A_flood_of_warnings_never_pushes_out_a_critical_alert()
    {
        var critical = Silent("CRIT", T0) with { AlertId = "transfer-discrepancy:TR-1", Severity = AlertSeverity.Critical };
        var alerts = OpenAlerts.Empty.Raise(critical).Next;
        for (var i = 0; i < OpenAlerts.MaxOpen + 10; i++)
        {
            alerts = alerts.Raise(Silent($"R{i}", T0.AddSeconds(i + 1))).Next;
        }

        Assert.Equal(OpenAlerts.MaxOpen, alerts.Alerts.Count);
        Assert.Contains(alerts.Alerts, a => a.AlertId == "transfer-discrepancy:TR-1");
        Assert.DoesNotContain(alerts.Alerts, a => a.AlertId == "silent-reader:R10");
        Assert.Contains(alerts.Alerts, a => a.AlertId == "silent-reader:R11");
    }
}
