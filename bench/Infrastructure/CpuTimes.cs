using System.Globalization;

namespace Tracking.Bench.Infrastructure;

/// <summary>CPU time over a measured span (<see cref="CpuMeter"/>); null for a part that could not be read.</summary>
public sealed record CpuTimes(TimeSpan Process, TimeSpan? Postgres, TimeSpan? Broker, TimeSpan? Publishers, TimeSpan? Machine, TimeSpan? Steal)
{
    /// <summary>
    /// Microseconds per message, e.g. "machine 85: this process 40, publishers 12, Mosquitto 28, PostgreSQL 3, other 2"
    /// (other = the machine's busy time that none of the four was charged with: mostly the kernel's loopback work; time
    /// stolen by the hypervisor is not busy time here, it is reported beside it).
    /// </summary>
    public string PerMessage(long messages)
    {
        if (messages <= 0)
        {
            return "no messages";
        }

        string Us(TimeSpan? time) => time is { } t ? (t.TotalMicroseconds / messages).ToString("0", CultureInfo.InvariantCulture) : "–";
        var parts = $"this process {Us(Process)}, publishers {(Publishers is null ? "(in this process)" : Us(Publishers))}, Mosquitto {Us(Broker)}, PostgreSQL {Us(Postgres)}";
        if (Machine is not { } machine)
        {
            return parts;
        }

        var other = machine - Process - (Publishers ?? TimeSpan.Zero) - (Broker ?? TimeSpan.Zero) - (Postgres ?? TimeSpan.Zero);
        return $"machine {Us(machine)}: {parts}, other {Us(other)}; stolen by the hypervisor {Us(Steal)}";
    }

    /// <summary>The machine's busy time per message in microseconds, NaN when it could not be read.</summary>
    public double MachinePerMessage(long messages) => Machine is { } m && messages > 0 ? m.TotalMicroseconds / messages : double.NaN;
}
