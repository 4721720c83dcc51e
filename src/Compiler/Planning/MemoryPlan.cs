using System.Collections.Generic;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Planning
{
    /// <summary>The location of every run-time tensor and the arena size, fixed at compile time.</summary>
    public sealed class MemoryPlan
    {
        public MemoryPlan(Dictionary<Tensor, TensorLocation> locations, int arenaLength, long peakLiveFloats, HashSet<Node> views)
        {
            Views = views;
            Locations = locations;
            ArenaLength = arenaLength;
            PeakLiveFloats = peakLiveFloats;
        }

        public Dictionary<Tensor, TensorLocation> Locations { get; }

        /// <summary>Floats of scratch memory one Run needs.</summary>
        public int ArenaLength { get; }

        /// <summary>The largest sum of simultaneously live tensors: a lower bound for the arena.</summary>
        public long PeakLiveFloats { get; }

        /// <summary>Nodes whose outputs are views of their input's memory: they emit no code.</summary>
        public HashSet<Node> Views { get; }
    }
}
