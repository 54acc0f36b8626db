using System.Security.Cryptography;
using Tracking.Api.Auth;
using Tracking.Silo.Hosting;

namespace Tracking.IntegrationTests.Hosting;

/// <summary>
/// A fresh local run (the demo) with no key configured would lock everyone out, so it makes an admin key and logs it;
/// a site that signs its users in with JWT has a way in already and gets no admin key beside it; and a production silo
/// (PostgreSQL) never makes one up and writes it to its log.
/// </summary>
public sealed class DevelopmentKeyTests
{
    [Fact]
    public async Task A_host_with_no_key_and_no_token_issuer_makes_an_admin_key()
    {
        await using var app = TrackingApp.Build(["--urls=http://127.0.0.1:0"]);

        Assert.False(app.Services.GetRequiredService<ApiKeyStore>().IsEmpty);
    }

    [Fact]
    public async Task A_host_that_signs_its_users_in_with_jwt_makes_no_admin_key_beside_it()
    {
        await using var app = TrackingApp.Build(["--urls=http://127.0.0.1:0", $"--Tracking:Auth:Jwt:SigningKey={Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}"]);

        Assert.True(app.Services.GetRequiredService<ApiKeyStore>().IsEmpty);
    }

    [Fact]
    public async Task A_production_silo_with_no_key_makes_none_and_stays_shut()
    {
        await using var app = TrackingApp.Build(["--urls=http://127.0.0.1:0", "--Tracking:Storage:Mode=PostgreSql", "--Tracking:PostgreSql:ConnectionString=Host=127.0.0.1;Database=unused"]);

        Assert.True(app.Services.GetRequiredService<ApiKeyStore>().IsEmpty);
    }
}
