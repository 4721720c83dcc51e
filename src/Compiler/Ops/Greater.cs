using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Greater: folded at compile time (exporters use it in shape arithmetic); no run-time form.</summary>
    public sealed class Greater : ComparisonOperator
    {
        public override string OpType => "Greater";

        protected override bool Compare(double a, double b) => a > b;
    }
}
