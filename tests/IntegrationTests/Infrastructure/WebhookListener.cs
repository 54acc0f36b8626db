using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tracking.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 for webhook tests. It answers 503 to the first <see cref="FailuresPerKey"/>
/// attempts of each idempotency key, then 200, and records every attempt and every accepted delivery.
/// </summary>
public sealed class WebhookListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    private WebhookListener(WebApplication app, int failuresPerKey)
    {
        _app = app;
        FailuresPerKey = failuresPerKey;
    }

    public int FailuresPerKey { get; }

    /// <summary>While set, every request is answered with this status (a receiver that refuses, e.g. 404 after a bad deploy).</summary>
    public int? Refusing { get; set; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Every request received, in order: key (or null when the header was missing), body, answer.</summary>
    public ConcurrentQueue<(string? Key, string Body, int Status)> Requests { get; } = new();

    /// <summary>Deliveries the receiver applied: one per key when the sender honours the idempotency contract.</summary>
    public ConcurrentQueue<(string Key, string Body)> Accepted { get; } = new();

    public int AttemptsFor(string key) => _attempts.GetValueOrDefault(key);

    public static async Task<WebhookListener> StartAsync(int failuresPerKey)
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var listener = new WebhookListener(app, failuresPerKey);
        app.MapPost("/hooks/{topic}", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var key = request.Headers["Idempotency-Key"].FirstOrDefault();
            if (key is null)
            {
                listener.Requests.Enqueue((null, body, 400));
                return Results.StatusCode(400);
            }

            var attempt = listener._attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
            if (listener.Refusing is { } refusal)
            {
                listener.Requests.Enqueue((key, body, refusal));
                return Results.StatusCode(refusal);
            }

            if (attempt <= listener.FailuresPerKey)
            {
                listener.Requests.Enqueue((key, body, 503));
                return Results.StatusCode(503);
            }

            // A receiver keyed on the header applies a key once; a repeat after success would show here as a second entry.
            listener.Accepted.Enqueue((key, body));
            listener.Requests.Enqueue((key, body, 200));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        listener.Url = new Uri(address);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
