using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Parallel.Bulk;
using Orleans.Parallel.Grains.Bulk;

namespace Orleans.Parallel.Tests.Bulk;

/// <summary>The bulk listener's limits: connections per address and in total, bytes in flight, lengths a frame may announce.</summary>
public sealed class BulkLimitsTests
{
    [Fact]
    public void Admission_CapsPerAddressAndInTotal_AndFreesOnRelease()
    {
        var admission = new BulkAdmission(maxTotal: 3, maxPerPeer: 2);
        var a = IPAddress.Parse("10.0.0.1");
        var b = IPAddress.Parse("10.0.0.2");

        Assert.True(admission.TryAdmit(a));
        Assert.True(admission.TryAdmit(a));
        Assert.False(admission.TryAdmit(a)); // per address
        Assert.True(admission.TryAdmit(b));
        Assert.False(admission.TryAdmit(IPAddress.Parse("10.0.0.3"))); // in total
        Assert.Equal(3, admission.Open);

        admission.Release(a);
        Assert.True(admission.TryAdmit(IPAddress.Parse("10.0.0.3")));
        Assert.False(admission.TryAdmit(a));
    }

    [Fact]
    public void Inbox_RefusesBytesPastItsLimit_NamingIt_AndCountsThemUntilTaken()
    {
        var inbox = new BulkInbox(Options.Create(new BulkOptions { MaxInFlightBytes = 1000 }));
        var first = inbox.Receiving(Guid.NewGuid());
        Assert.True(first.TryBegin(600, out _));
        var second = inbox.Receiving(Guid.NewGuid());
        Assert.False(second.TryBegin(600, out var refused));
        Assert.Contains("MaxInFlightBytes", refused);
        Assert.Equal(600, inbox.InFlightBytes);

        // A second connection cannot take over a transfer already being received.
        Assert.False(first.TryBegin(1, out refused));
        Assert.Contains("another connection", refused);

        // Taken by its task: no longer in flight, and room for the next.
        var token = Guid.NewGuid();
        var third = inbox.Receiving(token);
        Assert.True(third.TryBegin(300, out _));
        third.Array.SetResult(new byte[300]);
        Assert.Equal(300, inbox.Take(token).Length);
        Assert.Equal(600, inbox.InFlightBytes);
        first.Fail(new IOException("broken"));
        Assert.Equal(0, inbox.InFlightBytes);
        first.Release(); // once only
        Assert.Equal(0, inbox.InFlightBytes);
    }

    [Theory]
    [InlineData(typeof(byte), -1, "negative")]
    [InlineData(typeof(byte), 1L << 31, "at most")]
    [InlineData(typeof(double), 1L << 62, "at most")]
    [InlineData(typeof(double), 12, "whole number")]
    public void ElementCount_RefusesLengthsNoArrayCanTake(Type element, long byteLength, string says)
    {
        var error = Assert.Throws<InvalidDataException>(() => BulkProtocol.ElementCount(element, byteLength));
        Assert.Contains(says, error.Message);
    }

    [Fact]
    public void ElementCount_PastTwoGiBOfBytes_IsFineForWiderElements() =>
        Assert.Equal((1 << 28) + 1, BulkProtocol.ElementCount(typeof(double), (1L << 31) + 8));
}
