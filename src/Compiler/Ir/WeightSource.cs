using System.Collections.Generic;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Ir
{
    /// <summary>
    /// How generated code recreates a float constant at run time. Weights are never written into source as float
    /// literals: they are read in place from the embedded .onnx (<see cref="InitializerWeight"/>) and, where a pass
    /// changed them, recomputed once in the type initializer by a recipe (<see cref="ComputedWeight"/>).
    /// </summary>
    public abstract class WeightSource
    {
        /// <summary>Emit the values themselves (small constants only).</summary>
        public static readonly WeightSource Literal = new LiteralWeight();

        private sealed class LiteralWeight : WeightSource { }
    }

    /// <summary>Little-endian values at a byte offset of the model file, or of an external data file beside it.</summary>
    public sealed class InitializerWeight : WeightSource
    {
        public InitializerWeight(string externalLocation, long byteOffset, int count, OnnxDataType storage)
        {
            ExternalLocation = externalLocation;
            ByteOffset = byteOffset;
            Count = count;
            Storage = storage;
        }

        /// <summary>"" for the model file itself; otherwise the normalized external_data location.</summary>
        public string ExternalLocation { get; }

        public long ByteOffset { get; }
        public int Count { get; }
        public OnnxDataType Storage { get; }
    }

    /// <summary>
    /// A run-time recipe over other constants: a call of the runtime's WeightMath.{Recipe}(operands..., intArrays...).
    /// </summary>
    public sealed class ComputedWeight : WeightSource
    {
        public ComputedWeight(string recipe, IReadOnlyList<ConstantTensor> operands, IReadOnlyList<int[]> intArguments)
        {
            Recipe = recipe;
            Operands = operands;
            IntArguments = intArguments;
        }

        public string Recipe { get; }
        public IReadOnlyList<ConstantTensor> Operands { get; }
        public IReadOnlyList<int[]> IntArguments { get; }
    }
}
