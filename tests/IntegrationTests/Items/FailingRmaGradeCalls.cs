using Tracking.Grains.Interfaces.Rmas;

namespace Tracking.IntegrationTests.Items;

/// <summary>A fault in the silo: the first <c>count</c> calls to <see cref="IRmaGrain.RecordGradedAsync"/> fail, as in a storage blip.</summary>
internal sealed class FailingRmaGradeCalls(int count) : IIncomingGrainCallFilter
{
    private int _left = count;

    public int Failed { get; private set; }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IRmaGrain)
            && context.MethodName == nameof(IRmaGrain.RecordGradedAsync)
            && Interlocked.Decrement(ref _left) >= 0)
        {
            Failed++;
            throw new InvalidOperationException("RMA storage unavailable (test fault)");
        }

        await context.Invoke();
    }
}
