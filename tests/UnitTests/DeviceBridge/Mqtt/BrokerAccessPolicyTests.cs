using Tracking.DeviceBridge.Mqtt;

namespace Tracking.UnitTests.DeviceBridge.Mqtt;

public sealed class BrokerAccessPolicyTests
{
    private static readonly BrokerAccessPolicy Policy = new("tracking/rfid", "uagv/v2");
    private static readonly DeviceIdentity Reader = new(DeviceIdentityKind.Reader, "AMS1-GATE-IN");
    private static readonly DeviceIdentity Agv = new(DeviceIdentityKind.Agv, "acme/AMS1-AGV-01");

    [Fact]
    public void A_reader_publishes_only_under_its_own_topic()
    {
        Assert.True(Policy.CanPublish(Reader, "tracking/rfid/AMS1-GATE-IN/events"));
        Assert.False(Policy.CanPublish(Reader, "tracking/rfid/AMS1-GATE-OUT/events"));
        Assert.False(Policy.CanPublish(Reader, "tracking/rfid/AMS1-GATE-IN-2/events"));
        Assert.False(Policy.CanPublish(Reader, "uagv/v2/acme/AMS1-AGV-01/state"));
    }

    [Fact]
    public void An_agv_publishes_its_own_device_topics_and_reads_its_own_orders()
    {
        Assert.True(Policy.CanPublish(Agv, "uagv/v2/acme/AMS1-AGV-01/state"));
        Assert.True(Policy.CanPublish(Agv, "uagv/v2/acme/AMS1-AGV-01/connection"));
        Assert.False(Policy.CanPublish(Agv, "uagv/v2/acme/AMS1-AGV-01/order"));
        Assert.False(Policy.CanPublish(Agv, "uagv/v2/acme/AMS1-AGV-02/state"));
        Assert.True(Policy.CanSubscribe(Agv, "uagv/v2/acme/AMS1-AGV-01/order"));
        Assert.False(Policy.CanSubscribe(Agv, "uagv/v2/acme/AMS1-AGV-02/order"));
        Assert.False(Policy.CanSubscribe(Agv, "uagv/v2/#"));
    }

    [Fact]
    public void Only_the_bridge_may_publish_orders_and_read_everything()
    {
        Assert.True(Policy.CanPublish(DeviceIdentity.Bridge, "uagv/v2/acme/AMS1-AGV-01/order"));
        Assert.True(Policy.CanSubscribe(DeviceIdentity.Bridge, "$share/tracking/tracking/rfid/#"));
        Assert.False(Policy.CanPublish(DeviceIdentity.Anonymous, "uagv/v2/acme/AMS1-AGV-01/order"));
        Assert.False(Policy.CanSubscribe(DeviceIdentity.Anonymous, "tracking/rfid/#"));
    }

    [Fact]
    public void Anonymous_demo_devices_may_publish_device_topics_only()
    {
        Assert.True(Policy.CanPublish(DeviceIdentity.Anonymous, "tracking/rfid/AMS1-GATE-IN/events"));
        Assert.True(Policy.CanPublish(DeviceIdentity.Anonymous, "uagv/v2/acme/AMS1-AGV-01/state"));
        Assert.False(Policy.CanPublish(DeviceIdentity.Anonymous, "something/else"));
        Assert.True(Policy.CanSubscribe(DeviceIdentity.Anonymous, "uagv/v2/acme/AMS1-AGV-01/order"));
    }

    [Fact]
    public void Wildcards_are_never_valid_publish_topics()
    {
        Assert.False(Policy.CanPublish(Reader, "tracking/rfid/AMS1-GATE-IN/#"));
    }
}
