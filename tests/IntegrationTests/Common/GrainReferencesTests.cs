using Tracking.Grains.Interfaces.Common;
using Tracking.Grains.Interfaces.Items;
using Tracking.Grains.Interfaces.Locations;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Common;

public sealed class GrainReferencesTests
{
    [Fact]
    public async Task A_reference_from_the_resolved_types_is_the_grain_Orleans_would_give_for_every_key_and_interface()
    {
        await using var host = await TrackingHost.StartAsync();
        foreach (var key in new[] { "urn:test:first", "urn:test:second", "urn:test:third" })
        {
            AssertSame(host.Grains.GetGrain<IReturnedItemGrain>(key), host.Grains.Reference<IReturnedItemGrain>(key));
            AssertSame(host.Grains.GetGrain<ILocationGrain>(key), host.Grains.Reference<ILocationGrain>(key));
        }

        // And it calls the same activation.
        const string epc = "3034257BF7194E4000000A01";
        await host.Grains.Reference<IReturnedItemGrain>(epc).ExpectAsync("RMA-REF-1", "SKU-1", "DAMAGED", "web", "NYC1", 0);
        var item = await host.Grains.GetGrain<IReturnedItemGrain>(epc).GetAsync();
        Assert.Equal("RMA-REF-1", item?.RmaId);
        Assert.Throws<ArgumentNullException>(() => host.Grains.Reference<IReturnedItemGrain>(null!));
    }

    private static void AssertSame<T>(T expected, T actual)
        where T : IGrainWithStringKey
    {
        Assert.Equal(expected.GetGrainId(), actual.GetGrainId());
        Assert.Equal(((GrainReference)(object)expected).InterfaceType, ((GrainReference)(object)actual).InterfaceType);
        Assert.Equal((object)expected, actual);
    }
}
