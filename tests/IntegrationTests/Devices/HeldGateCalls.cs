using Tracking.Grains.Interfaces.Devices;

namespace Tracking.IntegrationTests.Devices;

/// <summary>
/// A fault in the silo: calls to one gate's <see cref="IRfidGateGrain.AcceptAsync"/> wait until released, as when a
/// grain call hangs. Registered as an incoming grain call filter, so the gate's turn is held like a real stuck call.
/// </summary>
internal sealed class HeldGateCalls(string readerId) : IIncomingGrainCallFilter
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first call to the gate is being held.</summary>
    public async Task WhenHoldingAsync(TimeSpan within)
    {
#pragma warning disable VSTHRD003 // a signal set by the filter, not work started elsewhere
        await _entered.Task.WaitAsync(within);
#pragma warning restore VSTHRD003
    }

    public void Release() => _release.TrySetResult();

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(IRfidGateGrain)
            && context.MethodName == nameof(IRfidGateGrain.AcceptAsync)
            && context.TargetId.Key.ToString() == readerId)
        {
            _entered.TrySetResult();
#pragma warning disable VSTHRD003 // the test's release signal
            await _release.Task;
#pragma warning restore VSTHRD003
        }

        await context.Invoke();
    }
}
