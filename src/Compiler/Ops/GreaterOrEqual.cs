using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX GreaterOrEqual: folded at compile time (exporters use it in shape arithmetic); no run-time form.</summary>
    public sealed class GreaterOrEqual : ComparisonOperator
    {
        public override string OpType => "GreaterOrEqual";

        protected override bool Compare(double a, double b) => a >= b;
    }
}
