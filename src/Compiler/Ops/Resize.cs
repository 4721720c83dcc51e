using System;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Resize (opset 11+) of the two spatial axes of an NCHW tensor: mode linear or nearest; coordinate modes
    /// half_pixel, pytorch_half_pixel, align_corners, asymmetric; scales or sizes must fold to constants.
    /// </summary>
    public sealed class Resize : OperatorDefinition
    {
        public override string OpType => "Resize";

        public override string Notes => "4-D, spatial axes only; linear/nearest; half_pixel, pytorch_half_pixel, align_corners, asymmetric; no antialias";

        private sealed class Plan
        {
            public int Planes, InHeight, InWidth, OutHeight, OutWidth;
            public float ScaleHeight, ScaleWidth;
            public string Mode = "", Transform = "", Rounding = "";
        }

        public override void Infer(Node node, InferenceContext context)
        {
            var x = RequireInput(node, 0, context);
            if (x.Rank != 4) throw context.Unsupported(node, $"rank {x.Rank}; only 4-D NCHW inputs are supported");
            var a = node.Attributes;
            string mode = a.GetString("mode", "nearest");
            if (mode != "nearest" && mode != "linear") throw context.Unsupported(node, $"mode '{mode}' (supported: nearest, linear)");
            if (a.GetInt("antialias", 0) != 0) throw context.Unsupported(node, "antialias=1");
            if (a.Has("axes")) throw context.Unsupported(node, "the axes attribute");
            string transformName = a.GetString("coordinate_transformation_mode", "half_pixel");
            string transform;
            switch (transformName)
            {
                case "half_pixel": transform = "HalfPixel"; break;
                case "pytorch_half_pixel": transform = "PytorchHalfPixel"; break;
                case "align_corners": transform = "AlignCorners"; break;
                case "asymmetric": transform = "Asymmetric"; break;
                default: throw context.Unsupported(node, $"coordinate_transformation_mode '{transformName}'");
            }
            string roundingName = a.GetString("nearest_mode", "round_prefer_floor");
            string rounding;
            switch (roundingName)
            {
                case "round_prefer_floor": rounding = "RoundPreferFloor"; break;
                case "round_prefer_ceil": rounding = "RoundPreferCeil"; break;
                case "floor": rounding = "Floor"; break;
                case "ceil": rounding = "Ceil"; break;
                default: throw context.Unsupported(node, $"nearest_mode '{roundingName}'");
            }
            var scalesInput = node.Input(2);
            var sizesInput = node.Input(3);
            var scales = new double[4];
            var outShape = new int[4];
            if (sizesInput != null && sizesInput.ElementCount > 0)
            {
                var sizes = RequireConstant(node, 3, context, "sizes").AsInts();
                if (sizes.Length != 4) throw context.ShapeError(node, "sizes must have 4 values");
                for (int i = 0; i < 4; i++)
                {
                    if (sizes[i] <= 0 || sizes[i] > 1 << 20) throw context.ShapeError(node, $"invalid output size {sizes[i]}");
                    outShape[i] = (int)sizes[i];
                    scales[i] = (double)sizes[i] / x.Shape[i];
                }
            }
            else if (scalesInput != null && scalesInput.ElementCount > 0)
            {
                var values = RequireConstant(node, 2, context, "scales");
                if (values.Length != 4) throw context.ShapeError(node, "scales must have 4 values");
                for (int i = 0; i < 4; i++)
                {
                    scales[i] = (float)values[i];
                    if (!(scales[i] > 0) || scales[i] * x.Shape[i] > 1 << 20) throw context.ShapeError(node, $"invalid scale {values[i]}");
                    outShape[i] = (int)Math.Floor(x.Shape[i] * scales[i]);
                }
            }
            else throw context.ShapeError(node, "neither scales nor sizes is given");
            if (outShape[0] != x.Shape[0] || outShape[1] != x.Shape[1])
                throw context.Unsupported(node, "resizing the batch or channel axis");
            node.Lowering = new Plan
            {
                Planes = x.Shape[0] * x.Shape[1], InHeight = x.Shape[2], InWidth = x.Shape[3], OutHeight = outShape[2], OutWidth = outShape[3],
                ScaleHeight = (float)scales[2], ScaleWidth = (float)scales[3], Mode = mode, Transform = transform, Rounding = rounding,
            };
            SetOutput(node, 0, outShape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context)
        {
            var p = (Plan)node.Lowering!;
            string rt = EmitContext.Runtime;
            string common = $"{context.Read(node.Inputs[0]!)}, {context.Write(node.Outputs[0])}, {p.Planes}, {p.InHeight}, {p.InWidth}, {p.OutHeight}, {p.OutWidth}, " +
                            $"{CSharpLiteral.Float(p.ScaleHeight)}, {CSharpLiteral.Float(p.ScaleWidth)}, {rt}CoordinateTransform.{p.Transform}";
            if (p.Mode == "linear") context.Body.Line($"{rt}ResizeF32.Bilinear({common});");
            else context.Body.Line($"{rt}ResizeF32.Nearest({common}, {rt}NearestRounding.{p.Rounding});");
        }
    }
}
