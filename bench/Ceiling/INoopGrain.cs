namespace Tracking.Bench.Ceiling;

/// <summary>The bare ceiling's target: a grain call that does no work beyond counting that it was reached.</summary>
public interface INoopGrain : IGrainWithStringKey
{
    Task AcceptAsync(int messages);
}
