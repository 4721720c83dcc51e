using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>ONNX And: folded at compile time (exporters use it in shape arithmetic); no run-time form.</summary>
    public sealed class And : ComparisonOperator
    {
        public override string OpType => "And";

        protected override bool Compare(double a, double b) => a != 0 && b != 0;
    }
}
