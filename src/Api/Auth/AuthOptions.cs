namespace Tracking.Api.Auth;

/// <summary>The <c>Tracking:Auth</c> section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Tracking:Auth";

    /// <summary>
    /// A plain-text admin key for local runs, given on the command line (<c>--Tracking:Auth:DevelopmentKey=…</c>).
    /// When empty and no API keys are configured, the silo generates one at start-up and prints it.
    /// </summary>
    public string? DevelopmentKey { get; set; }

    /// <summary>Generate and print a development key when none is configured (the demo default).</summary>
    public bool GenerateDevelopmentKey { get; set; } = true;

    /// <summary>API keys; only their SHA-256 hashes are configured.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public JwtSettings Jwt { get; set; } = new();
}

public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the key (e.g. <c>printf %s "$KEY" | sha256sum</c>).</summary>
    public string Sha256 { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

public sealed class JwtSettings
{
    /// <summary>OpenID Connect authority; when set, tokens are validated against its keys.</summary>
    public string? Authority { get; set; }

    /// <summary>A symmetric signing key (base64, at least 32 bytes) for tokens issued by a trusted system. Never committed.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "tracking";

    public string Audience { get; set; } = "tracking";

    /// <summary>Tokens are accepted at all: an authority or a signing key is configured.</summary>
    public bool Enabled => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(SigningKey);
}
