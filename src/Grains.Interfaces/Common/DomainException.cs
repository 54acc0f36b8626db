namespace Tracking.Grains.Interfaces.Common;

/// <summary>
/// A rule of the domain said no. Grains throw it; the API turns <see cref="Kind"/> into an HTTP status
/// (NotFound 404, Conflict 409, Invalid 400) with <see cref="Code"/> in the ProblemDetails.
/// Nothing is changed when it is thrown.
/// </summary>
[GenerateSerializer]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string code, string message)
        : base(message)
    {
        Kind = kind;
        Code = code;
    }

    [Id(0)]
    public DomainErrorKind Kind { get; }

    [Id(1)]
    public string Code { get; }

    public static DomainException NotFound(string code, string message) => new(DomainErrorKind.NotFound, code, message);

    public static DomainException Conflict(string code, string message) => new(DomainErrorKind.Conflict, code, message);

    public static DomainException Invalid(string code, string message) => new(DomainErrorKind.Invalid, code, message);
}

public enum DomainErrorKind
{
    Invalid,
    NotFound,
    Conflict,
}
