namespace Tracking.Grains.Interfaces.Common;

/// <summary>
/// Grain references without Orleans' per-call type lookup. Orleans 10.4's <c>GetGrain&lt;T&gt;(key)</c> resolves
/// <typeparamref name="T"/>'s grain interface type on every call by reading its attributes and formatting its type
/// name; a CPU profile of single-read ingest put about 2% of the process there (docs/benchmarks.md). The interface and
/// grain types never change while the process runs, so they are resolved once per interface and reused.
/// </summary>
public static class GrainReferences
{
    public static T Reference<T>(this IGrainFactory grains, string key)
        where T : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(key);
        if (TypesOf<T>.Resolved is { } types)
        {
            return (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);
        }

        // The first reference is made the ordinary way and tells which types to reuse.
        var reference = grains.GetGrain<T>(key);
        TypesOf<T>.Resolved = new ResolvedTypes(reference.GetGrainId().Type, ((GrainReference)(object)reference).InterfaceType);
        return reference;
    }

    private sealed record ResolvedTypes(GrainType Grain, GrainInterfaceType Interface);

    // A reference type behind one field: a reader sees either nothing or both types, never half of them.
    private static class TypesOf<T>
    {
        public static volatile ResolvedTypes? Resolved;
    }
}
