namespace MobileViT.Compiler.Planning
{
    public enum LocationKind { Input, Output, Arena, Constant }

    /// <summary>Where a run-time tensor lives: a caller's input or output span, or a slice of the scratch arena.</summary>
    public sealed class TensorLocation
    {
        public TensorLocation(LocationKind kind, int index, int offset, int length, int channelStride = 0)
        {
            Kind = kind;
            Index = index;
            Offset = offset;
            Length = length;
            ChannelStride = channelStride;
        }

        public LocationKind Kind { get; }

        /// <summary>Graph input or output index.</summary>
        public int Index { get; }

        /// <summary>Offset in floats within the input, output or arena.</summary>
        public int Offset { get; }

        public int Length { get; }

        /// <summary>Floats between the starts of consecutive channel planes when they are padded (<see cref="PlanePadding"/>); 0 when contiguous.</summary>
        public int ChannelStride { get; }
    }
}
