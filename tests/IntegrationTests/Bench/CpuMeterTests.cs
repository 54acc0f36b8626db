using System.Net;
using System.Net.Sockets;
using Npgsql;
using Tracking.Bench.Infrastructure;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Bench;

/// <summary>
/// CPU per event and per message: /proc/&lt;pid&gt;/stat and /proc/stat read right, the broker found by its port, and
/// PostgreSQL's work counted.
/// </summary>
public sealed class CpuMeterTests
{
    // Fields 14–17 (utime, stime, cutime, cstime) are 7, 3, 500 and 200; the name holds a space and a ')'.
    private const string StatLine = "4242 (postgres: a) b) S 17 4242 4242 0 -1 4194560 900 0 0 0 7 3 500 200 20 0 1 0 774844 3133440 410 18446744073709551615";

    [Fact]
    public void A_stat_line_gives_its_parent_and_its_own_ticks_counted_after_the_last_parenthesis()
    {
        Assert.Equal((17, 10L), CpuMeter.ParseStat(StatLine, withChildren: false));
    }

    [Fact]
    public void With_children_the_reaped_childrens_ticks_are_added()
    {
        Assert.Equal((17, 710L), CpuMeter.ParseStat(StatLine, withChildren: true));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 postgres S 1 2 3")]
    [InlineData("4242 (postgres) S 17 4242")]
    [InlineData("4242 (postgres) S x 4242 4242 0 -1 4194560 900 0 0 0 7 3 500 200 20 0")]
    public void A_line_without_the_fields_is_not_read(string line)
    {
        Assert.Null(CpuMeter.ParseStat(line, withChildren: true));
    }

    [Fact]
    public void The_machine_line_gives_busy_time_without_idle_and_iowait_and_steal_beside_it()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        Assert.Equal((100L + 2 + 30 + 4 + 5, 7L), CpuMeter.ParseMachineStat("cpu  100 2 30 9000 50 4 5 7 0 0"));
    }

    [Theory]
    [InlineData("cpu0 100 2 30 9000 50 4 5 7 0 0")]
    [InlineData("cpu  100 2 30")]
    [InlineData("cpu  100 x 30 9000 50 4 5 7 0 0")]
    public void Another_line_than_all_cores_is_not_read(string line)
    {
        Assert.Null(CpuMeter.ParseMachineStat(line));
    }

    [Fact]
    public void Only_listening_sockets_on_the_port_are_taken_from_a_tcp_table()
    {
        const string Table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:0753 00000000:0000 0A 00000000:00000000 00:00000000 00000000   100        0 5001 1 0 100 0 0 10 0
               1: 0100007F:0753 0100007F:C350 01 00000000:00000000 00:00000000 00000000   100        0 5002 1 0 20 4 30 10 -1
               2: 0100007F:0754 00000000:0000 0A 00000000:00000000 00:00000000 00000000   100        0 5003 1 0 100 0 0 10 0
            """;

        Assert.Equal(["5001"], CpuMeter.ListeningInodes(Table, 0x0753));
        Assert.Empty(CpuMeter.ListeningInodes(Table, 1883));
    }

    [Fact]
    public void A_process_is_found_by_the_port_it_listens_on()
    {
        // This process's own listener: the broker is found the same way, when the user may look into its descriptors.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;

            Assert.Equal(Environment.ProcessId, CpuMeter.ListeningProcess(port));
        }
        finally
        {
            listener.Stop();
        }

        Assert.Null(CpuMeter.ListeningProcess(((IPEndPoint)listener.LocalEndpoint).Port));
    }
}
