using System;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Mod, folded at compile time (exporters use it in shape arithmetic: padding to a multiple of the patch size);
    /// fmod=0 takes the divisor's sign like Python's %, fmod=1 the dividend's like C's fmod. No run-time form.
    /// </summary>
    public sealed class Mod : OperatorDefinition
    {
        public override string OpType => "Mod";

        public override string Notes => "compile-time constants only (shape arithmetic); fmod 0 and 1";

        public override void Infer(Node node, InferenceContext context)
        {
            var a = RequireConstant(node, 0, context, "the dividend");
            var b = RequireConstant(node, 1, context, "the divisor");
            bool fmod = node.Attributes.GetInt("fmod", 0) != 0;
            if (!fmod && a.Type == ElementType.Float32)
                throw context.ShapeError(node, "fmod must be 1 for floating-point inputs");
            var shape = ShapeMath.Broadcast(a.Shape, b.Shape)
                        ?? throw context.ShapeError(node, $"shapes {ShapeMath.Format(a.Shape)} and {ShapeMath.Format(b.Shape)} do not broadcast");
            for (int i = 0; i < b.Length; i++)
                if (b[i] == 0 && a.Type != ElementType.Float32) throw context.ShapeError(node, "an integer divisor is 0");
            SetConstantOutput(node, 0, ConstantMath.Binary(a, b, shape, a.Type, (x, y) =>
            {
                // C#'s % keeps the dividend's sign (C's fmod) for integers and floats alike.
                double remainder = a.Type == ElementType.Float32 ? (float)x % (float)y : (double)((long)x % (long)y);
                return !fmod && remainder != 0 && (remainder < 0) != (y < 0) ? remainder + y : remainder;
            }));
        }

        public override void Emit(Node node, EmitContext context) =>
            throw new InvalidOperationException("Mod has no run-time form");
    }
}
