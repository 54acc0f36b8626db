using System.Buffers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tracking.DeviceBridge.DeadLetters;
using Tracking.DeviceBridge.Ingest;
using Tracking.DeviceBridge.Mqtt;
using Tracking.Grains.Interfaces.Devices;
using Tracking.Grains.Warehouses;

namespace Tracking.UnitTests.DeviceBridge.Ingest;

public sealed class DeviceMessageRouterTests
{
    private readonly DeadLetterLog _log;
    private readonly DeviceMessageRouter _router;

    public DeviceMessageRouterTests()
    {
        var options = Options.Create(new MqttOptions { MaxPayloadBytes = 4096 });
        _log = new DeadLetterLog(options, NullLogger<DeadLetterLog>.Instance);
        var catalog = new SiteCatalog(SiteLoader.Load(Path.Combine(AppContext.BaseDirectory, "Site", "sample-site.json")));
        _router = new DeviceMessageRouter(catalog, options, _log);
    }

    private DeviceMessage? Route(string topic, string payload) => _router.Route(topic, new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(payload)));

    private static string Zebra(int antenna = 1, string time = "2025-05-14T09:31:07.250+0000") =>
        "{\"type\":\"SIMPLE\",\"timestamp\":\"" + time + "\",\"data\":{\"antenna\":" + antenna + ",\"idHex\":\"3074257bf7194e4000001a85\",\"peakRssi\":-60}}";

    [Fact]
    public void A_good_read_on_a_known_reader_becomes_an_rfid_message()
    {
        var message = Assert.IsType<RfidMessage>(Route("tracking/rfid/AMS1-GATE-IN/events", Zebra()));
        Assert.Equal("AMS1-GATE-IN", message.ReaderId);
        Assert.Equal(0, _log.Snapshot().Total);
    }

    [Fact]
    public void A_reader_id_in_another_letter_case_is_the_registered_reader()
    {
        var message = Assert.IsType<RfidMessage>(Route("tracking/rfid/ams1-gate-in/events", Zebra()));
        Assert.Equal("AMS1-GATE-IN", message.ReaderId);
    }

    [Fact]
    public void A_good_vda_state_and_connection_become_agv_messages()
    {
        var state = ProtocolFiles.Read("samples/vda5050-state.json").Replace("AcmeAGV", "acme", StringComparison.Ordinal).Replace("AMR-07", "AMS1-AGV-01", StringComparison.Ordinal);
        Assert.IsType<AgvStateMessage>(Route("uagv/v2/acme/AMS1-AGV-01/state", state));
        var connection = ProtocolFiles.Read("samples/vda5050-connection.json").Replace("AcmeAGV", "acme", StringComparison.Ordinal).Replace("AMR-07", "AMS1-AGV-01", StringComparison.Ordinal);
        Assert.Equal("acme/AMS1-AGV-01", Assert.IsType<AgvConnectionMessage>(Route("uagv/v2/acme/AMS1-AGV-01/connection", connection)).AgvId);
    }

    [Theory]
    [InlineData("tracking/rfid/NOPE/events", DeadLetterReasons.UnknownReader)]
    [InlineData("tracking/rfid/AMS1-GATE-IN/other", DeadLetterReasons.UnknownTopic)]
    [InlineData("tracking/rfid/AMS1-GATE-IN/events/more", DeadLetterReasons.UnknownTopic)]
    [InlineData("tracking/rfid//events", DeadLetterReasons.UnknownTopic)]
    [InlineData("tracking/rfid/AMS1-GATE-IN", DeadLetterReasons.UnknownTopic)]
    [InlineData("tracking/rfidx/AMS1-GATE-IN/events", DeadLetterReasons.UnknownTopic)]
    [InlineData("somewhere/else", DeadLetterReasons.UnknownTopic)]
    [InlineData("uagv/v2/acme/GHOST/state", DeadLetterReasons.UnknownAgv)]
    [InlineData("uagv/v2/acme/AMS1-AGV-01/order", DeadLetterReasons.UnknownTopic)]
    public void Unknown_devices_and_topics_are_dead_lettered(string topic, string reason)
    {
        Assert.Null(Route(topic, Zebra()));
        Assert.Equal(reason, Assert.Single(_log.Snapshot().Recent).Reason);
    }

    [Fact]
    public void An_unknown_antenna_or_a_time_without_zone_or_an_oversized_payload_is_dead_lettered()
    {
        Assert.Null(Route("tracking/rfid/AMS1-GATE-IN/events", Zebra(antenna: 9)));
        Assert.Null(Route("tracking/rfid/AMS1-GATE-IN/events", Zebra(time: "2025-05-14T09:31:07.250")));
        Assert.Null(Route("tracking/rfid/AMS1-GATE-IN/events", "[" + string.Join(",", Enumerable.Repeat(Zebra(), 40)) + "]"));
        Assert.Equal([DeadLetterReasons.PayloadTooLarge, DeadLetterReasons.InvalidValue, DeadLetterReasons.UnknownAntenna], _log.Snapshot().Recent.Select(d => d.Reason));
    }

    [Fact]
    public void A_connection_state_outside_the_protocol_is_dead_lettered()
    {
        Assert.Null(Route("uagv/v2/acme/AMS1-AGV-02/connection",
            """{"headerId":1,"timestamp":"2025-05-14T09:00:00.00Z","version":"2.1.0","manufacturer":"acme","serialNumber":"AMS1-AGV-02","connectionState":"MAYBE"}"""));
        Assert.Equal(DeadLetterReasons.InvalidValue, Assert.Single(_log.Snapshot().Recent).Reason);
    }

    [Fact]
    public void A_wrong_json_type_is_dead_lettered_as_an_invalid_value()
    {
        Assert.Null(Route("tracking/rfid/AMS1-GATE-IN/events", Zebra().Replace("\"antenna\":1", "\"antenna\":\"one\"", StringComparison.Ordinal)));
        Assert.Equal(DeadLetterReasons.InvalidValue, Assert.Single(_log.Snapshot().Recent).Reason);
    }
}
