using System.Net;

namespace Orleans.Parallel.Grains.Bulk;

/// <summary>Counts the bulk listener's open connections, in total and per remote address, against their caps.</summary>
internal sealed class BulkAdmission(int maxTotal, int maxPerPeer)
{
    private readonly Dictionary<IPAddress, int> _perPeer = [];
    private readonly Lock _gate = new();
    private int _total;

    /// <summary>Open connections now.</summary>
    public int Open
    {
        get { lock (_gate) return _total; }
    }

    /// <summary>Counts a new connection from <paramref name="peer"/>; false (nothing counted) when a cap is reached.</summary>
    public bool TryAdmit(IPAddress peer)
    {
        lock (_gate)
        {
            var fromPeer = _perPeer.GetValueOrDefault(peer);
            if (_total >= maxTotal || fromPeer >= maxPerPeer) return false;
            _perPeer[peer] = fromPeer + 1;
            _total++;
            return true;
        }
    }

    /// <summary>Uncounts a connection <see cref="TryAdmit"/> admitted.</summary>
    public void Release(IPAddress peer)
    {
        lock (_gate)
        {
            _total--;
            if (_perPeer.TryGetValue(peer, out var count) && count > 1) _perPeer[peer] = count - 1;
            else _perPeer.Remove(peer);
        }
    }
}
