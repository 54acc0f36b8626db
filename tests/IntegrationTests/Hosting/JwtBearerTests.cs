using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Tracking.Api.Live;
using Tracking.IntegrationTests.Infrastructure;

namespace Tracking.IntegrationTests.Hosting;

/// <summary>Tokens from a trusted issuer (symmetric signing key from configuration) carry roles like API keys do.</summary>
public sealed class JwtBearerTests : IAsyncLifetime
{
    private readonly byte[] _signingKey = RandomNumberGenerator.GetBytes(32);
    private TrackingHost _host = null!;

    public async Task InitializeAsync() => _host = await TrackingHost.StartAsync(new Dictionary<string, string>
    {
        ["Tracking:Auth:Jwt:SigningKey"] = Convert.ToBase64String(_signingKey),
        ["Tracking:Auth:Jwt:Issuer"] = "tracking-tests",
        ["Tracking:Auth:Jwt:Audience"] = "tracking",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_valid_token_with_a_role_is_accepted()
    {
        using var client = ClientWith(Token(_signingKey, "tracking-tests", "viewer"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/system/info")).StatusCode);
    }

    [Fact]
    public async Task A_valid_token_without_the_needed_role_is_forbidden()
    {
        using var client = ClientWith(Token(_signingKey, "tracking-tests", "viewer"));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/dashboard/")).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_or_from_another_issuer_or_expired_is_rejected()
    {
        using var wrongKey = ClientWith(Token(RandomNumberGenerator.GetBytes(32), "tracking-tests", "admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongKey.GetAsync("/api/system/info")).StatusCode);

        using var wrongIssuer = ClientWith(Token(_signingKey, "someone-else", "admin"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongIssuer.GetAsync("/api/system/info")).StatusCode);

        using var expired = ClientWith(Token(_signingKey, "tracking-tests", "admin", DateTime.UtcNow.AddHours(-2)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await expired.GetAsync("/api/system/info")).StatusCode);
    }

    [Fact]
    public async Task A_browser_token_in_the_query_of_the_live_hub_websocket_is_accepted_and_checked()
    {
        // What the browser's SignalR client does: a WebSocket cannot carry headers, so the token rides in access_token.
        await using var viewer = HubOverWebSocket(Token(_signingKey, "tracking-tests", "viewer"));
        await viewer.StartAsync();
        var snapshot = await viewer.InvokeAsync<JsonElement>("JoinWarehouse", "NYC1");
        Assert.Equal("NYC1", snapshot.GetProperty("warehouse").GetString());

        await using var forged = HubOverWebSocket(Token(RandomNumberGenerator.GetBytes(32), "tracking-tests", "admin"));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => forged.StartAsync());
        Assert.Contains("401", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_live_hub_connection_closes_when_its_token_expires()
    {
        // A signed-out or demoted user must not keep watching: the hub holds the connection only as long as the token.
        await using var connection = HubOverWebSocket(Token(_signingKey, "tracking-tests", "viewer", lifetime: TimeSpan.FromSeconds(3)));
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await connection.StartAsync();
        await connection.InvokeAsync<JsonElement>("JoinWarehouse", "NYC1");
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    private HubConnection HubOverWebSocket(string token) => new HubConnectionBuilder()
        .WithUrl(new Uri(_host.BaseAddress, $"{LiveHub.Path}?access_token={Uri.EscapeDataString(token)}"), HttpTransportType.WebSockets, o => o.SkipNegotiation = true)
        .Build();

    private HttpClient ClientWith(string token)
    {
        var client = _host.CreateClient(apiKey: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Token(byte[] key, string issuer, string role, DateTime? issuedAt = null, TimeSpan? lifetime = null)
    {
        var issued = issuedAt ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "tracking",
            IssuedAt = issued,
            NotBefore = issued,
            Expires = issued + (lifetime ?? TimeSpan.FromMinutes(30)),
            Subject = new ClaimsIdentity([new Claim("sub", "erp-integration"), new Claim("role", role)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
