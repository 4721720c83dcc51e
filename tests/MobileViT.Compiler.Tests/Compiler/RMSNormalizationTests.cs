using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// RMSNormalization's shape checks and steps; its values are checked by the ONNX node tests (38 cases of
    /// test_rms_normalization_*, run by NodeTestSweepTests).
    /// </summary>
    public sealed class RMSNormalizationTests
    {
        private static byte[] Model(long axis, params long[] scaleShape) => new OnnxBuilder(23).Input("x", 2, 3, 4)
            .Initializer("scale", scaleShape, new float[System.Linq.Enumerable.Aggregate(scaleShape, 1L, (p, d) => p * d)])
            .Node("RMSNormalization", new[] { "x", "scale" }, new[] { "y" }, "rms", "", Attr.Int("axis", axis)).Output("y").Build();

        [Fact]
        public void RunsAsTheStepsOfItsDefinition()
        {
            var graph = CompilationPipeline.BuildGraph(Model(-1, 4), Options());
            Assert.Equal(new[] { 2, 3, 4 }, graph.Outputs[0].Shape);
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "RMSNormalization");
        }

        [Fact]
        public void AnAxisOutOfRangeOrAScaleThatDoesNotBroadcastIsReported()
        {
            Assert.Contains("'rms'", SingleError(Model(3, 4), "MVC0009").Message);
            Assert.Contains("'rms'", SingleError(Model(-1, 5), "MVC0009").Message);
        }
    }
}
