using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Equal: folded at compile time (exporters use it in shape arithmetic); no run-time form.</summary>
    public sealed class Equal : ComparisonOperator
    {
        public override string OpType => "Equal";

        protected override bool Compare(double a, double b) => a == b;
    }
}
