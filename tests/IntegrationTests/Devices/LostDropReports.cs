using Tracking.Grains.Interfaces.Devices;

namespace Tracking.IntegrationTests.Devices;

/// <summary>A fault in the silo: the first "dropped" progress report to a dispatcher fails, as when its write fails or a silo stops.</summary>
internal sealed class LostDropReports : IIncomingGrainCallFilter
{
    private int _left = 1;

    public int Lost { get; private set; }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(ITransportDispatcherGrain)
            && context.MethodName == nameof(ITransportDispatcherGrain.ReportProgressAsync)
            && context.Request.GetArgument(0) is TransportProgress { Step: TransportStep.Dropped }
            && Interlocked.Decrement(ref _left) >= 0)
        {
            Lost++;
            throw new InvalidOperationException("dispatcher storage unavailable (test fault)");
        }

        await context.Invoke();
    }
}
