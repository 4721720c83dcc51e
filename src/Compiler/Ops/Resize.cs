using System;
using MobileViT.Compiler.Emit;
using MobileViT.Compiler.Ir;

namespace MobileViT.Compiler.Ops
{
    /// <summary>
    /// ONNX Resize of the two spatial axes of an NCHW tensor: mode linear or nearest; coordinate modes half_pixel,
    /// pytorch_half_pixel, align_corners, asymmetric (the only one at opset 10); scales or sizes must fold to constants.
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
            var a = node.Attributes;
            string mode = a.GetString("mode", "nearest");
            if (context.Opset <= 10)
            {
                // Resize-10: X and scales only, asymmetric coordinates and Upsample's nearest rounding.
                PlanLegacy(node, context, x, mode, RequireConstant(node, 1, context, "scales"));
                return;
            }
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
                if (sizes.Length != x.Rank) throw context.ShapeError(node, $"sizes must have {x.Rank} values");
                RequireFourDimensions(node, context, x);
                for (int i = 0; i < 4; i++)
                {
                    if (sizes[i] <= 0 || sizes[i] > 1 << 20) throw context.ShapeError(node, $"invalid output size {sizes[i]}");
                    outShape[i] = (int)sizes[i];
                    scales[i] = (double)sizes[i] / x.Shape[i];
                }
            }
            else if (scalesInput != null && scalesInput.ElementCount > 0)
                outShape = ScaledShape(node, context, x, RequireConstant(node, 2, context, "scales"), scales);
            else throw context.ShapeError(node, "neither scales nor sizes is given");
            SetPlan(node, context, x, outShape, scales, mode, transform, rounding);
        }

        /// <summary>
        /// Upsample (opsets 7 to 9) and Resize-10: output = floor(input × scale), source coordinate = output / scale,
        /// and nearest takes the floor of it when upsampling and the ceiling when downsampling, as ONNX's opset-10 test
        /// data and ONNX Runtime do (one rounding for both axes, so nearest with one axis shrinking and the other growing
        /// is refused; an axis of scale 1 reads whole coordinates either way).
        /// </summary>
        internal static void PlanLegacy(Node node, InferenceContext context, Tensor x, string mode, ConstantTensor scaleValues)
        {
            var scales = new double[4];
            var outShape = ScaledShape(node, context, x, scaleValues, scales);
            string rounding = "Floor";
            if (scales[2] < 1 || scales[3] < 1)
            {
                if (mode == "nearest" && (scales[2] > 1 || scales[3] > 1))
                    throw context.Unsupported(node, $"nearest with one axis shrinking and the other growing (scales {scales[2]}, {scales[3]})");
                rounding = "Ceil";
            }
            SetPlan(node, context, x, outShape, scales, mode, "Asymmetric", rounding);
        }

        private static int[] ScaledShape(Node node, InferenceContext context, Tensor x, ConstantTensor values, double[] scales)
        {
            if (values.Length != x.Rank) throw context.ShapeError(node, $"scales must have {x.Rank} values, one per axis of X");
            RequireFourDimensions(node, context, x);
            var outShape = new int[4];
            for (int i = 0; i < 4; i++)
            {
                scales[i] = (float)values[i];
                if (!(scales[i] > 0) || scales[i] * x.Shape[i] > 1 << 20) throw context.ShapeError(node, $"invalid scale {values[i]}");
                outShape[i] = (int)Math.Floor(x.Shape[i] * scales[i]);
                if (outShape[i] == 0) throw context.ShapeError(node, $"scale {values[i]} leaves axis {i} of size {x.Shape[i]} empty");
            }
            return outShape;
        }

        private static void RequireFourDimensions(Node node, InferenceContext context, Tensor x)
        {
            if (x.Rank != 4) throw context.Unsupported(node, $"rank {x.Rank}; only 4-D NCHW inputs are supported");
        }

        private static void SetPlan(Node node, InferenceContext context, Tensor x, int[] outShape, double[] scales, string mode, string transform, string rounding)
        {
            if (mode != "nearest" && mode != "linear") throw context.Unsupported(node, $"mode '{mode}' (supported: nearest, linear)");
            if (outShape[0] != x.Shape[0] || outShape[1] != x.Shape[1])
                throw context.Unsupported(node, "resizing the batch or channel axis");
            node.Lowering = new Plan
            {
                Planes = x.Shape[0] * x.Shape[1], InHeight = x.Shape[2], InWidth = x.Shape[3], OutHeight = outShape[2], OutWidth = outShape[3],
                ScaleHeight = (float)scales[2], ScaleWidth = (float)scales[3], Mode = mode, Transform = transform, Rounding = rounding,
            };
            SetOutput(node, 0, outShape, ElementType.Float32);
        }

        public override void Emit(Node node, EmitContext context) => EmitPlan(node, context);

        internal static void EmitPlan(Node node, EmitContext context)
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
