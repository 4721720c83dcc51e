using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>Elementwise operators with one input, run by MobileViT.Runtime.UnaryF32 (and fusable as activations).</summary>
    public abstract class UnaryOperator : OperatorDefinition
    {
        /// <summary>Name of MobileViT.Runtime.UnaryKind.</summary>
        public abstract string Kind { get; }

        /// <summary>Name of MobileViT.Runtime.ActivationKind when a kernel epilogue can apply it; null otherwise.</summary>
        public virtual string? ActivationKind => null;

        /// <summary>Whether <see cref="Compute"/> folds constant inputs at compile time.</summary>
        protected virtual bool Folds => false;

        protected virtual double Compute(double x, Node node) => x;

        public virtual float Alpha(Node node) => 0f;

        public virtual float Beta(Node node) => 0f;

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            if (x.Constant != null && Folds)
            {
                SetConstantOutput(node, 0, ConstantMath.Unary(x.Constant, v => Compute(v, node)));
                return;
            }
            SetOutput(node, 0, x.Shape, x.Type);
        }

        public override void Emit(Node node, EmitContext context)
        {
            context.Body.Line($"{EmitContext.Runtime}UnaryF32.Run({EmitContext.Runtime}UnaryKind.{Kind}, {context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])}, " +
                              $"{CSharpLiteral.Float(Alpha(node))}, {CSharpLiteral.Float(Beta(node))});");
        }
    }
}
