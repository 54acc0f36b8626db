namespace Tracking.DeviceBridge.Ingest;

/// <summary>
/// The bridge's promise to the broker about one received message. <see cref="Processed"/> once its grain call has
/// succeeded (the message may now be acknowledged); <see cref="Abandoned"/> when it could not be delivered (it stays
/// unacknowledged, so the broker redelivers it on the next session). The first call wins; later calls are ignored.
/// </summary>
public interface IDeliveryReceipt
{
    void Processed();

    void Abandoned();
}
