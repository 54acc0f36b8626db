using System.Net;
using Microsoft.Extensions.Options;

namespace Tracking.DeviceBridge.Mqtt;

/// <summary>Checked at start-up; every failure names the setting and a fix.</summary>
public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Tracking:Mqtt:Port = {options.Port} is not a TCP port (1-65535).");
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Tracking:Mqtt:Host is empty: set the broker host (e.g. 127.0.0.1).");
        }
        else if (options.Mode == MqttMode.Embedded && !(IPAddress.TryParse(options.Host, out var ip) && IPAddress.IsLoopback(ip)) && options.Host != "localhost")
        {
            failures.Add($"Tracking:Mqtt:Host = {options.Host}: the embedded broker only listens on loopback. Use 127.0.0.1, or Tracking:Mqtt:Mode=External with a real broker.");
        }

        if (options.Mode == MqttMode.External && string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Tracking:Mqtt:Username and Tracking:Mqtt:Password go together: set both or neither.");
        }

        if (options.MaxPayloadBytes is < 256 or > 16 * 1024 * 1024)
        {
            failures.Add($"Tracking:Mqtt:MaxPayloadBytes = {options.MaxPayloadBytes} must be between 256 and 16777216.");
        }

        if (options.ChannelCapacity < 10 || options.Lanes is < 1 or > 64)
        {
            failures.Add("Tracking:Mqtt:ChannelCapacity must be at least 10 and Tracking:Mqtt:Lanes 1-64.");
        }

        if (options.RedeliverAbandonedAfterSeconds < 0 || double.IsNaN(options.RedeliverAbandonedAfterSeconds))
        {
            failures.Add($"Tracking:Mqtt:RedeliverAbandonedAfterSeconds = {options.RedeliverAbandonedAfterSeconds} must be 0 (off) or more.");
        }

        if (options.ReceiveMaximum is < 1 or > 65535)
        {
            failures.Add($"Tracking:Mqtt:ReceiveMaximum = {options.ReceiveMaximum} must be between 1 and 65535 (MQTT 5).");
        }

        if (options.SocketBufferBytes is < 4096 or > 64 * 1024 * 1024)
        {
            failures.Add($"Tracking:Mqtt:SocketBufferBytes = {options.SocketBufferBytes} must be between 4096 and 67108864.");
        }

        if (options.SharedSubscriptionGroup is { Length: > 0 } group && group.IndexOfAny(['/', '+', '#']) >= 0)
        {
            failures.Add($"Tracking:Mqtt:SharedSubscriptionGroup '{group}' must not contain '/', '+' or '#'.");
        }

        foreach (var prefix in new[] { ("RfidTopicPrefix", options.RfidTopicPrefix), ("AgvTopicPrefix", options.AgvTopicPrefix) })
        {
            if (string.IsNullOrWhiteSpace(prefix.Item2) || prefix.Item2.IndexOfAny(['+', '#']) >= 0 || prefix.Item2.EndsWith('/'))
            {
                failures.Add($"Tracking:Mqtt:{prefix.Item1} '{prefix.Item2}' must be a topic prefix without wildcards or a trailing '/'.");
            }
        }

        failures.AddRange(options.DeviceCredentials
            .Where(c => string.IsNullOrWhiteSpace(c.Username) || c.Sha256.Length != 64 || !c.Sha256.All(char.IsAsciiHexDigit))
            .Select(c => $"Tracking:Mqtt:DeviceCredentials entry '{c.Username}' needs a Username and the 64-hex-digit SHA-256 of its password."));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
