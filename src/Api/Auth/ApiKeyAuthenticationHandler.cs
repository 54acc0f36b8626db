using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tracking.Api.Auth;

/// <summary>
/// Authenticates by API key: the <c>X-Api-Key</c> header; for WebSockets/SSE (which cannot set headers) the
/// <c>access_token</c> query parameter; for the browser-only Orleans dashboard (under <c>/dashboard</c> only), the
/// <c>tracking_key</c> cookie the web UI sets. Anywhere else the cookie is ignored: a tab that was closed without signing
/// out must not leave the API open to every other page of the browser.
/// Keys are compared by SHA-256 hash in fixed time.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string QueryName = "access_token";
    public const string CookieName = "tracking_key";
    public const string DashboardPath = "/dashboard";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers[HeaderName].FirstOrDefault()
            ?? Request.Query[QueryName].FirstOrDefault()
            ?? (Request.Path.StartsWithSegments(DashboardPath) ? Request.Cookies[CookieName] : null);
        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var entry = keys.Find(key);
        if (entry is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, entry.Name) };
        claims.AddRange(entry.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>The configured keys by hash. Built once; the development key (if any) is an admin key.</summary>
public sealed class ApiKeyStore
{
    private readonly List<(byte[] Hash, ApiKeyEntry Entry)> _entries;

    public ApiKeyStore(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var auth = options.Value;
        _entries = auth.ApiKeys
            .Where(k => !string.IsNullOrWhiteSpace(k.Sha256))
            .Select(k => (Convert.FromHexString(k.Sha256.Trim()), k))
            .ToList();
        if (!string.IsNullOrEmpty(auth.DevelopmentKey))
        {
            _entries.Add((Hash(auth.DevelopmentKey), new ApiKeyEntry { Name = "development", Roles = [Roles.Admin] }));
        }
    }

    public bool IsEmpty => _entries.Count == 0;

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static string HashHex(string key) => Convert.ToHexStringLower(Hash(key));

    public ApiKeyEntry? Find(string key)
    {
        var hash = Hash(key);
        ApiKeyEntry? found = null;
        foreach (var (candidate, entry) in _entries)
        {
            // Look at every entry so the time taken does not tell which one matched.
            if (CryptographicOperations.FixedTimeEquals(candidate, hash))
            {
                found = entry;
            }
        }

        return found;
    }
}
