using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX LessOrEqual: folded at compile time (exporters use it in shape arithmetic); no run-time form.</summary>
    public sealed class LessOrEqual : ComparisonOperator
    {
        public override string OpType => "LessOrEqual";

        protected override bool Compare(double a, double b) => a <= b;
    }
}
