using System.IO;
using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Planning;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// FuseExpansionIntoDepthwise: a pointwise expansion whose only reader is a depthwise convolution becomes one
    /// ExpandedDepthwiseConv step (MobileNetV2/V3's inverted residual blocks), and nothing else does.
    /// </summary>
    public sealed class ExpansionFusionTests
    {
        private static Graph Build(byte[] model) => CompilationPipeline.BuildGraph(model, Options());

        private static float[] Values(int count, float scale) => Enumerable.Range(0, count).Select(i => scale * ((i * 7919 % 23) - 11)).ToArray();

        /// <summary>x [1, 4, 10, 10] → Conv1x1 to 16 channels → activation → depthwise 3×3 s2 → y; optionally the expansion also read by an Add.</summary>
        private static byte[] Block(string activation, bool expansionReadTwice = false, bool depthwiseBias = true)
        {
            var builder = new OnnxBuilder(17)
                .Input("x", 1, 4, 10, 10)
                .Initializer("we", new long[] { 16, 4, 1, 1 }, Values(64, 0.05f))
                .Initializer("be", new long[] { 16 }, Values(16, 0.01f))
                .Initializer("wd", new long[] { 16, 1, 3, 3 }, Values(144, 0.03f))
                .Node("Conv", new[] { "x", "we", "be" }, new[] { "e" }, "expand", "");
            string expanded = "e";
            if (activation == "Relu") builder.Node("Relu", new[] { "e" }, new[] { expanded = "a" }, "relu");
            if (activation == "Sigmoid") builder.Node("Sigmoid", new[] { "e" }, new[] { expanded = "a" }, "sigmoid");
            if (depthwiseBias) builder.Initializer("bd", new long[] { 16 }, Values(16, 0.02f));
            builder.Node("Conv", depthwiseBias ? new[] { expanded, "wd", "bd" } : new[] { expanded, "wd" }, new[] { "y" }, "depthwise", "",
                Attr.Int("group", 16), Attr.Ints("pads", 1, 1, 1, 1), Attr.Ints("strides", 2, 2));
            builder.Output("y");
            if (expansionReadTwice)
            {
                builder.Node("Relu", new[] { expanded }, new[] { "z" }, "second_reader");
                builder.Output("z");
            }
            return builder.Build();
        }

        [Theory]
        [InlineData("None", true)]
        [InlineData("Relu", true)]
        [InlineData("Relu", false)]
        public void ASoleDepthwiseReaderTakesTheExpansion(string activation, bool depthwiseBias)
        {
            var graph = Build(Block(activation, depthwiseBias: depthwiseBias));
            var step = Assert.Single(graph.Nodes);
            Assert.Equal("ExpandedDepthwiseConv", step.OpType);
            var lowering = Assert.IsType<ExpandedDepthwiseLowering>(step.Lowering);
            Assert.Equal(activation, lowering.ExpansionActivation.Kind);
            Assert.Equal(new[] { 1, 16, 5, 5 }, step.Outputs[0].Shape);
            // The expanded tensor is the step's workspace, read by nobody else.
            Assert.Equal(new[] { 1, 16, 10, 10 }, step.Outputs[1].Shape);
            Assert.Empty(step.Outputs[1].Consumers);
            Assert.Equal(new[] { "expand", "depthwise" }.Concat(activation == "Relu" ? new[] { "relu" } : new string[0]).OrderBy(n => n),
                step.SourceNames.OrderBy(n => n));
            Assert.Equal(depthwiseBias, step.Input(4) != null);
            Assert.Equal(16L * 10 * 10 * 4 + 16L * 5 * 5 * 9, lowering.MultiplyAccumulates);

            // The workspace gets arena memory of its own, apart from the input and the output.
            var plan = MemoryPlanner.Plan(graph);
            var workspace = plan.Locations[step.Outputs[1]];
            Assert.Equal(LocationKind.Arena, workspace.Kind);
            // Its planes padded as a convolution's output would be: 100 floats rounded up to whole lines.
            Assert.Equal(112, workspace.ChannelStride);
            Assert.Equal(16 * 112, workspace.Length);

            var result = ModelCompiler.Compile(Block(activation, depthwiseBias: depthwiseBias), Options());
            Assert.Empty(result.Diagnostics);
            Assert.Contains("ExpandedDepthwiseF32.PackExpansionWeights(", result.Source);
            Assert.Contains("ExpandedDepthwiseF32.Run(", result.Source);
            Assert.Contains("Conv1x1" + (activation == "Relu" ? " + Relu" : "") + " → Conv3x3 s2 depthwise", result.Source);
        }

        [Fact]
        public void AnExpansionReadTwiceStaysItsOwnStep()
        {
            var graph = Build(Block("Relu", expansionReadTwice: true));
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "ExpandedDepthwiseConv");
            Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Conv"));
        }

        /// <summary>The one pass applies none, ReLU, a clip or HardSwish in the expansion's registers; a sigmoid keeps the two steps.</summary>
        [Fact]
        public void AnExpansionActivationTheOnePassLacksStaysItsOwnStep()
        {
            var graph = Build(Block("Sigmoid"));
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "ExpandedDepthwiseConv");
        }

        [Fact]
        public void TorchvisionMobileNetV2sExpansionsAllJoinTheirDepthwiseSteps()
        {
            string file = Path.Combine("torchvision", "tv_mobilenet_v2_050_opset17.onnx");
            var graph = CompilationPipeline.BuildGraph(File.ReadAllBytes(ModelPath(file)), Options(file));
            var fused = graph.Nodes.Where(n => n.OpType == "ExpandedDepthwiseConv").ToList();
            // Every inverted residual block but the first (which has no expansion).
            Assert.Equal(16, fused.Count);
            Assert.All(fused, n => Assert.Equal("Clip", ((ExpandedDepthwiseLowering)n.Lowering!).ExpansionActivation.Kind));
            Assert.All(fused, n => Assert.Equal("Clip", n.Activation.Kind));
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Conv" && n.Lowering is SpatialGeometry g && g.Groups > 1 && g.Groups == g.InChannels
                                                   && n.Inputs[0]!.Producer?.OpType == "Conv" && ((SpatialGeometry)n.Inputs[0]!.Producer!.Lowering!).KernelHeight == 1);
        }

        [Fact]
        public void MobileViTsSiLUExpansionsStayTwoSteps()
        {
            var graph = CompilationPipeline.BuildGraph(File.ReadAllBytes(ModelPath("mobilevit_v1_xxs_opset13.onnx")), Options("mobilevit_v1_xxs_opset13.onnx"));
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "ExpandedDepthwiseConv");
        }
    }
}
