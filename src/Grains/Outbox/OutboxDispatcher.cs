using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tracking.Grains.Outbox;

/// <summary>
/// Delivers outbox messages by HTTP POST with an <c>Idempotency-Key</c> header: at least once from our side, so the
/// receiver (which keys on the header) applies each exactly once. Failures back off exponentially; a message is marked
/// delivered only after a 2xx answer. One that cannot succeed by retrying (a 4xx answer, an unusable URL) or that ran
/// out of attempts is parked: listed by <c>GET /api/outbox/parked</c>, counted by <c>tracking.outbox.parked</c>, and
/// sent again with all its attempts by <c>POST /api/outbox/{id}/retry</c>.
/// </summary>
public sealed partial class OutboxDispatcher : BackgroundService
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>Messages claimed at a time; they are sent one after another.</summary>
    private const int ClaimSize = 5;

    private readonly IOutboxStore _store;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly HttpClient _http;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _unrouted;
    private readonly Counter<long> _parked;

    // Topics already reported as having no URL: one warning per topic, not one per message every MaxBackoff (a demo
    // install without webhooks would otherwise warn for every RMA, forever).
    private readonly HashSet<string> _reportedUnrouted = new(StringComparer.OrdinalIgnoreCase);

    public OutboxDispatcher(IOutboxStore store, IOptions<WebhookOptions> options, TimeProvider time, IMeterFactory meters, ILogger<OutboxDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = _options.RequestTimeout };
        var meter = meters.Create("Tracking");
        _delivered = meter.CreateCounter<long>("tracking.outbox.delivered", description: "Outbox messages delivered");
        _failed = meter.CreateCounter<long>("tracking.outbox.failed_attempts", description: "Outbox delivery attempts that failed");
        _unrouted = meter.CreateCounter<long>("tracking.outbox.unrouted", description: "Outbox messages looked at while their topic has no webhook URL (they wait)");
        _parked = meter.CreateCounter<long>("tracking.outbox.parked", description: "Outbox messages given up on: they wait for a person (GET /api/outbox/parked)");
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Sent one after another, each allowed RequestTimeout: the lease must outlast the whole claim, or another
                // silo takes the last ones while they still wait here and both send them.
                var claimed = await _store.ClaimDueAsync(ClaimSize, _options.RequestTimeout * (ClaimSize + 2), stoppingToken);
                foreach (var message in claimed)
                {
                    await DeliverAsync(message, stoppingToken);
                }

                if (claimed.Count > 0)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailed(ex);
            }

            try
            {
                await Task.Delay(_options.PollInterval, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DeliverAsync(PendingOutboxMessage pending, CancellationToken cancellationToken)
    {
        var message = pending.Message;
        if (!_options.Urls.TryGetValue(message.Topic, out var url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            // Not configured (yet): keep it, look again later without counting it against the message.
            _unrouted.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
            if (_reportedUnrouted.Add(message.Topic))
            {
                LogNoUrl(message.Topic, message.IdempotencyKey);
            }
            else
            {
                LogNoUrlAgain(message.Topic, message.IdempotencyKey);
            }

            await _store.DeferAsync(pending.Id, $"no webhook URL for topic {message.Topic}", _time.GetUtcNow() + _options.MaxBackoff, cancellationToken);
            return;
        }

        string error;
        var transient = true;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri)
            {
                Content = new StringContent(message.PayloadJson, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add(IdempotencyHeader, HeaderValue(message.IdempotencyKey));
            request.Headers.Add("X-Tracking-Topic", message.Topic);
            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                await _store.MarkDeliveredAsync(pending.Id, cancellationToken);
                _delivered.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
                LogDelivered(message.IdempotencyKey, pending.Attempts);
                return;
            }

            error = $"HTTP {(int)response.StatusCode}";
            transient = OutboxBackoff.IsTransient((int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = ex.Message;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Not the network: the request itself cannot be sent (a URL scheme HttpClient does not speak, a header it
            // refuses). Trying again changes nothing, and letting it escape would re-claim the message forever.
            error = $"{ex.GetType().Name}: {ex.Message}";
            transient = false;
        }

        _failed.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
        var giveUp = !transient || pending.Attempts >= _options.MaxAttempts;
        var next = _time.GetUtcNow() + OutboxBackoff.After(pending.Attempts, _options.InitialBackoff, _options.MaxBackoff);
        await _store.MarkFailedAsync(pending.Id, error, next, giveUp, cancellationToken);
        if (giveUp)
        {
            _parked.Add(1, new KeyValuePair<string, object?>("topic", message.Topic));
            LogGaveUp(message.IdempotencyKey, pending.Attempts, error);
        }
        else
        {
            LogWillRetry(message.IdempotencyKey, pending.Attempts, error, next);
        }
    }

    /// <summary>
    /// HTTP headers carry ASCII only: a key with other characters (an item id scanned from a label in another script) is
    /// sent percent-encoded (RFC 3986), the same for every attempt, instead of failing every attempt.
    /// </summary>
    public static string HeaderValue(string key) =>
        key.All(c => c is >= ' ' and <= '~') ? key : Uri.EscapeDataString(key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox message {Key} delivered (attempt {Attempt})")]
    private partial void LogDelivered(string key, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {Key} attempt {Attempt} failed ({Error}); next try at {Next:o}")]
    private partial void LogWillRetry(string key, int attempt, string error, DateTimeOffset next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {Key} parked after {Attempt} attempts ({Error}); it needs a person: GET /api/outbox/parked, then POST /api/outbox/<id>/retry")]
    private partial void LogGaveUp(string key, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No webhook URL for topic {Topic}; message {Key} and every later one of this topic wait, logged at Debug (set Tracking:Webhooks:Urls:{Topic}; metric tracking.outbox.unrouted)")]
    private partial void LogNoUrl(string topic, string key);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No webhook URL for topic {Topic}; message {Key} waits")]
    private partial void LogNoUrlAgain(string topic, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox dispatch loop failed; retrying")]
    private partial void LogLoopFailed(Exception ex);
}
