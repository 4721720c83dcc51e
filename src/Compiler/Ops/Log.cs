using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Log.</summary>
    public sealed class Log : UnaryOperator
    {
        public override string OpType => "Log";

        public override string Kind => "Log";

        protected override bool Folds => true;

        protected override double Compute(double x, Node node) => System.Math.Log(x);
    }
}
