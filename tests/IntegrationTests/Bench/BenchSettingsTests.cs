using Tracking.Bench;

namespace Tracking.IntegrationTests.Bench;

/// <summary>How the RFID streams are sized from the command line's densities.</summary>
public sealed class BenchSettingsTests
{
    [Fact]
    public void A_denser_stream_carries_as_many_reads_as_a_stress_run_with_fewer_tags()
    {
        var settings = new BenchSettings { ReadsPerTag = 4, DenseReadsPerTag = 16 };

        Assert.True(settings.RunsDenseStream);
        Assert.Equal(settings.TagsPerRun / 4, settings.DenseTagsPerRun);
        Assert.Equal(settings.TagsPerRun * 4, settings.DenseTagsPerRun * 16);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(2)]
    public void No_dense_stream_when_switched_off_or_not_denser_than_the_stress_one(int dense)
    {
        var settings = new BenchSettings { ReadsPerTag = 4, DenseReadsPerTag = dense };

        Assert.False(settings.RunsDenseStream);
        Assert.Equal(0, settings.DenseTagsPerRun);
    }
}
