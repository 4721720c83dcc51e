using System.Linq;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// The ONNX Attention operator (opset 23): it becomes the steps the attention passes fuse, and what it cannot run is
    /// reported with the node's name. Values against ONNX Runtime are in AttentionOperatorAgainstOnnxRuntimeTests.
    /// </summary>
    public sealed class AttentionOperatorTests
    {
        private static OnnxBuilder FourD(params Attr[] attributes) => new OnnxBuilder(23)
            .Input("q", 1, 4, 16, 8).Input("k", 1, 4, 16, 8).Input("v", 1, 4, 16, 8)
            .Node("Attention", new[] { "q", "k", "v" }, new[] { "y" }, "sdpa", "", attributes).Output("y");

        [Fact]
        public void BecomesTheFusedAttentionStep()
        {
            var graph = CompilationPipeline.BuildGraph(FourD().Build(), Options());
            Assert.Equal(new[] { 1, 4, 16, 8 }, graph.Outputs[0].Shape);
            Assert.Contains(graph.Nodes, n => n.Op is Ops.Attention);
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Softmax");
        }

        [Fact]
        public void QueryHeadsThatDoNotShareKeyHeadsEvenlyAreReported()
        {
            var model = new OnnxBuilder(23).Input("q", 1, 4, 16, 8).Input("k", 1, 3, 16, 8).Input("v", 1, 3, 16, 8)
                .Node("Attention", new[] { "q", "k", "v" }, new[] { "y" }, "sdpa").Output("y").Build();
            Assert.Contains("'sdpa'", SingleError(model, "MVC0009").Message);
        }

        [Fact]
        public void ACacheIsReported()
        {
            var model = new OnnxBuilder(23).Input("q", 1, 4, 16, 8).Input("k", 1, 4, 16, 8).Input("v", 1, 4, 16, 8)
                .Input("past_k", 1, 4, 3, 8).Input("past_v", 1, 4, 3, 8)
                .Node("Attention", new[] { "q", "k", "v", "", "past_k", "past_v" }, new[] { "y" }, "sdpa").Output("y").Build();
            Assert.Contains("past key", SingleError(model, "MVC0005").Message);
        }

        [Fact]
        public void ThreeDimensionalInputsNeedTheHeadCounts()
        {
            var model = new OnnxBuilder(23).Input("q", 1, 16, 32).Input("k", 1, 16, 32).Input("v", 1, 16, 32)
                .Node("Attention", new[] { "q", "k", "v" }, new[] { "y" }, "sdpa").Output("y").Build();
            Assert.Contains("q_num_heads", SingleError(model, "MVC0009").Message);
        }
    }
}
