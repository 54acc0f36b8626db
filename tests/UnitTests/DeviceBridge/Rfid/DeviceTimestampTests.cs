using System.Text;
using Tracking.DeviceBridge.Rfid;

namespace Tracking.UnitTests.DeviceBridge.Rfid;

public sealed class DeviceTimestampTests
{
    [Theory]
    [InlineData("2025-05-14T09:31:07.250+0000", 250)]
    [InlineData("2025-05-14T11:31:07.250+0200", 250)]
    [InlineData("2025-05-14T09:31:07.250Z", 250)]
    [InlineData("2025-05-14T09:31:07.25Z", 250)]
    [InlineData("2025-05-14T09:31:07Z", 0)]
    [InlineData("2025-05-14T09:31:07.250+00:00", 250)]
    [InlineData("2025-05-14T04:31:07.250-0500", 250)]
    [InlineData(" 2025-05-14T09:31:07.250Z ", 250)]
    [InlineData("2025-05-14t09:31:07.250z", 250)]
    [InlineData("2025-05-14T09:31:07.250000000Z", 250)]
    [InlineData("2025-05-14T09:31:07.250000099+0000", 250)]
    public void Device_timestamps_in_any_iso_offset_style_parse_to_utc(string text, int milliseconds)
    {
        Assert.True(DeviceTimestamp.TryParse(text, out var at));
        Assert.Equal(new DateTimeOffset(2025, 5, 14, 9, 31, 7, milliseconds, TimeSpan.Zero), at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
    }

    [Fact]
    public void A_fraction_keeps_all_seven_digits()
    {
        Assert.True(DeviceTimestamp.TryParse("2025-05-14T09:31:07.1234567+05:30", out var at));
        Assert.Equal(new DateTimeOffset(2025, 5, 14, 4, 1, 7, TimeSpan.Zero).AddTicks(1_234_567), at);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2025-05-14")]
    [InlineData("14/05/2025 09:31:07")]
    [InlineData("2025-05-14T09:31:07.250")]
    [InlineData("2025-13-14T09:31:07.250Z")]
    [InlineData("2025-02-29T09:31:07.250Z")]
    [InlineData("2025-05-14T24:00:00.000Z")]
    [InlineData("2025-05-14T09:31:07.250+1500")]
    [InlineData("0001-01-01T00:30:00.000+01:00")]
    [InlineData("9999-12-31T23:30:00.000-01:00")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(DeviceTimestamp.TryParse(text, out _));
    }

    [Fact]
    public void The_common_shape_is_read_by_hand_exactly_as_the_general_path_reads_it()
    {
        var random = new Random(20261203);
        var common = 0;
        var refused = 0;
        var declined = new List<string>();
        for (var i = 0; i < 40_000; i++)
        {
            var text = RandomTimestamp(random);
            var trimmed = text.AsSpan().Trim();
            var general = DeviceTimestamp.TryParseGeneral(trimmed, out var expected);
            if (DeviceTimestamp.TryParseCommon(trimmed, out var byHand))
            {
                common++;
                Assert.True(general, $"read by hand but refused by the general path: '{text}'");
                Assert.Equal(expected, byHand);
                Assert.Equal(expected.Offset, byHand.Offset);
            }
            else if (general)
            {
                declined.Add(text);
            }

            var parsed = DeviceTimestamp.TryParse(text, out var value);
            var lengthOk = text.Length is >= 20 and <= 40;
            // RFC 3339's other spellings (more fraction digits, lower-case t and z) are brought to the general shape first.
            var readable = general || DeviceTimestamp.TryParseNormalized(trimmed, out expected);
            Assert.Equal(lengthOk && readable, parsed);
            if (parsed)
            {
                Assert.Equal(expected, value);
                Assert.Equal(TimeSpan.Zero, value.Offset);
            }
            else
            {
                refused++;
            }
        }

        // The generator must reach both sides, or the comparison above proves nothing.
        Assert.InRange(common, 8_000, 40_000);
        Assert.InRange(refused, 5_000, 40_000);

        // It leaves to the general path only the years where an offset could leave DateTimeOffset's range.
        Assert.All(declined, text => Assert.Matches(@"^\s*(0001|9999)-", text));
    }

    /// <summary>Mostly well-formed ISO timestamps, each field sometimes out of range, misshapen or missing.</summary>
    private static string RandomTimestamp(Random random)
    {
        int[] years = [0, 1, 2, 1999, 2000, 2024, 2025, 2100, 9998, 9999];
        var year = random.Next(4) == 0 ? years[random.Next(years.Length)] : random.Next(1000, 10_000);
        var text = new StringBuilder();
        text.Append(Field(random, year, 4)).Append(Separator(random, '-'))
            .Append(Field(random, Pick(random, 1, 12, 0, 13), 2)).Append(Separator(random, '-'))
            .Append(Field(random, Pick(random, 1, 28, 0, 32), 2)).Append(Separator(random, 'T'))
            .Append(Field(random, Pick(random, 0, 23, 0, 25), 2)).Append(Separator(random, ':'))
            .Append(Field(random, Pick(random, 0, 59, 0, 61), 2)).Append(Separator(random, ':'))
            .Append(Field(random, Pick(random, 0, 59, 0, 61), 2));
        switch (random.Next(6))
        {
            case 0:
                break;
            case 1:
                text.Append('.');
                break;
            default:
                text.Append('.');
                var digits = random.Next(1, 10);
                for (var d = 0; d < digits; d++)
                {
                    text.Append((char)('0' + random.Next(10)));
                }

                break;
        }

        var hours = Pick(random, 0, 14, 0, 16);
        var minutes = random.Next(3) == 0 ? random.Next(0, 61) : random.Next(4) * 15;
        var sign = random.Next(2) == 0 ? '+' : '-';
        text.Append(random.Next(9) switch
        {
            0 or 1 => "Z",
            2 => "z",
            3 => "",
            4 or 5 => $"{sign}{hours:00}:{minutes:00}",
            6 or 7 => $"{sign}{hours:00}{minutes:00}",
            _ => $"{sign}{hours}:{minutes}",
        });

        return random.Next(20) switch
        {
            0 => " " + text,
            1 => text + "\t",
            _ => text.ToString(),
        };
    }

    private static int Pick(Random random, int min, int max, int wideMin, int wideMax) =>
        random.Next(8) == 0 ? random.Next(wideMin, wideMax + 1) : random.Next(min, max + 1);

    private static string Field(Random random, int value, int width) => random.Next(40) switch
    {
        0 => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        1 => value.ToString(new string('0', width + 1), System.Globalization.CultureInfo.InvariantCulture),
        2 => "x" + value.ToString(new string('0', width - 1), System.Globalization.CultureInfo.InvariantCulture)[..(width - 1)],
        3 => new string('\u0663', width),
        _ => value.ToString(new string('0', width), System.Globalization.CultureInfo.InvariantCulture),
    };

    private static char Separator(Random random, char separator) => random.Next(60) switch
    {
        0 => char.ToLowerInvariant(separator),
        1 => ' ',
        2 => '/',
        _ => separator,
    };
}
