using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Less: folded at compile time (exporters use it in shape arithmetic); no run-time form.</summary>
    public sealed class Less : ComparisonOperator
    {
        public override string OpType => "Less";

        protected override bool Compare(double a, double b) => a < b;
    }
}
