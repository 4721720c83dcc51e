using System.Linq;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// GroupNormalization: the steps it becomes and its diagnostics. Values against ONNX Runtime are in
    /// GroupNormalizationAgainstOnnxRuntimeTests and the ONNX node tests.
    /// </summary>
    public sealed class GroupNormalizationTests
    {
        private static OnnxBuilder Model(int opset, int parameters, long groups = 2, bool constant = true)
        {
            var builder = new OnnxBuilder(opset).Input("x", 1, 4, 3, 3);
            if (constant)
                builder.Initializer("scale", new long[] { parameters }, Enumerable.Repeat(1.5f, parameters).ToArray())
                    .Initializer("bias", new long[] { parameters }, Enumerable.Repeat(0.5f, parameters).ToArray());
            else builder.Input("scale", parameters).Input("bias", parameters);
            return builder.Node("GroupNormalization", new[] { "x", "scale", "bias" }, new[] { "y" }, "group_norm", "", Attr.Int("num_groups", groups)).Output("y");
        }

        [Theory]
        [InlineData(18, 2, false)]   // scale and bias per group: the InstanceNormalization's own
        [InlineData(21, 4, true)]    // per channel: a multiply and an add after it
        public void RunsAsAnInstanceNormalizationOverTheGroups(int opset, int parameters, bool affineSteps)
        {
            var graph = CompilationPipeline.BuildGraph(Model(opset, parameters).Build(), Options());
            Assert.Equal(new[] { 1, 4, 3, 3 }, graph.Outputs[0].Shape);
            var norm = Assert.Single(graph.Nodes, n => n.OpType == "InstanceNormalization");
            Assert.Equal(new[] { 1, 2, 18 }, norm.Inputs[0]!.Shape);
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "GroupNormalization");
            Assert.Equal(affineSteps, graph.Nodes.Any(n => n.OpType == "Mul" || n.OpType == "Add"));
        }

        [Fact]
        public void ScaleOfTheOtherOpsetsLengthNamesTheNodeAndOpset()
        {
            var message = SingleError(Model(21, 2).Build(), "MVC0009").Message;
            Assert.Contains("'group_norm'", message);
            Assert.Contains("opset 21", message);
        }

        [Fact]
        public void GroupsMustDivideTheChannels() =>
            Assert.Contains("'group_norm'", SingleError(Model(18, 3, groups: 3).Build(), "MVC0009").Message);

        [Fact]
        public void RunTimeScaleIsReported() =>
            Assert.Contains("'group_norm'", SingleError(Model(18, 2, constant: false).Build(), "MVC0005").Message);
    }
}
