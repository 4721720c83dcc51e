using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX Or: folded at compile time (exporters use it in shape arithmetic); no run-time form.</summary>
    public sealed class Or : ComparisonOperator
    {
        public override string OpType => "Or";

        protected override bool Compare(double a, double b) => a != 0 || b != 0;
    }
}
