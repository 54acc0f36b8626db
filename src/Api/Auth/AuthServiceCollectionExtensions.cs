using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Tracking.Api.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>The policy scheme every endpoint uses: a bearer token goes to JWT, anything else to API keys.</summary>
    public const string Scheme = "Tracking";

    public static IServiceCollection AddTrackingAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddSingleton<ApiKeyStore>();

        var jwtEnabled = auth.Jwt.Enabled;
        var builder = services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "API key or bearer token", o =>
            {
                o.ForwardDefaultSelector = ctx =>
                    jwtEnabled && CarriesBearerToken(ctx.Request)
                        ? JwtBearerDefaults.AuthenticationScheme
                        : ApiKeyAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        if (jwtEnabled)
        {
            builder.AddJwtBearer(o =>
            {
                o.MapInboundClaims = false;
                o.Authority = auth.Jwt.Authority;
                o.RequireHttpsMetadata = auth.Jwt.Authority?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Jwt.Issuer,
                    ValidAudience = auth.Jwt.Audience,
                    RoleClaimType = "role",
                    NameClaimType = "sub",
                    ValidateIssuerSigningKey = true,
                    IssuerSigningKey = string.IsNullOrEmpty(auth.Jwt.SigningKey)
                        ? null
                        : new SymmetricSecurityKey(Convert.FromBase64String(auth.Jwt.SigningKey)),
                };

                // SignalR over WebSockets cannot send headers: accept the token from the query on hub paths.
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = ctx =>
                    {
                        var token = ctx.Request.Query[ApiKeyAuthenticationHandler.QueryName].ToString();
                        if (!string.IsNullOrEmpty(token) && ctx.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            ctx.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        }

        services.AddAuthorization(Policies.Add);
        return services;
    }

    /// <summary>
    /// A bearer token in the Authorization header or, on the hubs, a JSON Web Token in the <c>access_token</c> query
    /// parameter: a browser's WebSocket cannot send headers, so the SignalR client puts its token there, where API keys
    /// go too. A JWT is told from a key by its shape (three dot-separated parts, the first a JSON object, so "eyJ");
    /// generated keys are hex.
    /// </summary>
    private static bool CarriesBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
        || (request.Path.StartsWithSegments("/hubs") && LooksLikeJwt(request.Query[ApiKeyAuthenticationHandler.QueryName].ToString()));

    private static bool LooksLikeJwt(string token) =>
        token.StartsWith("eyJ", StringComparison.Ordinal) && token.AsSpan().Count('.') == 2;

    /// <summary>The caller's name for the custody journal.</summary>
    public static string CallerName(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Identity?.Name ?? user.FindFirst("sub")?.Value ?? "unknown";
    }
}
