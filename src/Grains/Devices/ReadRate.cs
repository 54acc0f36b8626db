namespace Tracking.Grains.Devices;

/// <summary>Reads per second over a sliding window of one-second buckets (per-gate statistics).</summary>
public sealed class ReadRate(int windowSeconds = 10)
{
    private readonly long[] _buckets = new long[windowSeconds];
    private long _currentSecond = long.MinValue;

    public void Add(long reads, DateTimeOffset now)
    {
        Advance(now);
        _buckets[Index(_currentSecond)] += reads;
    }

    public double PerSecond(DateTimeOffset now)
    {
        Advance(now);
        return _buckets.Sum() / (double)_buckets.Length;
    }

    private int Index(long second) => (int)(((second % _buckets.Length) + _buckets.Length) % _buckets.Length);

    private void Advance(DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (_currentSecond == long.MinValue || second - _currentSecond >= _buckets.Length)
        {
            Array.Clear(_buckets);
        }
        else
        {
            for (var s = _currentSecond + 1; s <= second; s++)
            {
                _buckets[Index(s)] = 0;
            }
        }

        _currentSecond = Math.Max(second, _currentSecond);
    }
}
