using System.Collections.Generic;
using System.Linq;

namespace MobileViT.Compiler.Ops
{
    /// <summary>Every supported operator of the default ONNX domain, by op_type. Adding an operator adds one line here.</summary>
    public static class OperatorRegistry
    {
        private static readonly Dictionary<string, OperatorDefinition> ByType = new OperatorDefinition[]
        {
            new Abs(), new Add(), new And(), new AveragePool(), new BatchNormalization(), new Cast(), new CastLike(), new Ceil(), new Clip(),
            new Concat(), new Constant(), new ConstantOfShape(), new Conv(), new ConvTranspose(), new DepthToSpace(), new Div(), new Dropout(), new Einsum(), new Elu(), new Equal(),
            new Erf(), new Exp(), new Expand(), new Flatten(), new Floor(), new Gather(), new Gelu(), new Gemm(),
            new GlobalAveragePool(), new GlobalMaxPool(), new Greater(), new GreaterOrEqual(), new GroupNormalization(), new HardSigmoid(), new HardSwish(), new Identity(),
            new InstanceNormalization(), new LayerNormalization(), new LeakyRelu(), new Less(), new LessOrEqual(), new Log(), new LogSoftmax(),
            new MatMul(), new Max(), new MaxPool(), new Mean(), new Min(), new Mish(), new Mod(), new Mul(), new Neg(), new Not(), new Or(), new Pad(), new Pow(), new PRelu(), new Range(),
            new Reciprocal(), new RMSNormalization(), new ReduceL1(), new ReduceL2(), new ReduceMax(), new ReduceMean(), new ReduceMin(), new ReduceSum(), new ReduceSumSquare(), new Relu(), new Reshape(),
            new Resize(), new ScaledDotProductAttention(), new Shape(), new Sigmoid(), new Size(), new Slice(), new Softmax(), new Softplus(), new SpaceToDepth(), new Split(),
            new Sqrt(), new Squeeze(), new Sub(), new Sum(), new Swish(), new Tanh(), new Tile(), new Transpose(), new Trilu(), new Unsqueeze(), new Upsample(), new Where(),
        }.ToDictionary(op => op.OpType);

        public static OperatorDefinition? Find(string opType) => ByType.TryGetValue(opType, out var op) ? op : null;

        public static IEnumerable<OperatorDefinition> All => ByType.Values.OrderBy(op => op.OpType, System.StringComparer.Ordinal);
    }
}
