using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// Sum, Mean, Max and Min with any number of inputs become chains of two-input steps at import: checked through
    /// constant folding (the steps the generated code runs) against values worked out by hand, and by the steps left
    /// for run-time inputs. The ONNX node tests (test_sum_*, test_mean_*, test_max_*, test_min_*) run the generated code.
    /// </summary>
    public sealed class VariadicOperatorTests
    {
        private static readonly float[] A = { 1, -2, 3, -4, 5, -6 };  // 2 × 3
        private static readonly float[] B = { 0.5f, 7, -1 };           // 3, broadcast over rows
        private static readonly float[] C = { -3, 10 };                // 2 × 1, broadcast over columns

        private static float[] Folded(string opType, params string[] inputs)
        {
            var model = new OnnxBuilder(17)
                .Input("r", 1, 1)
                .Initializer("a", new long[] { 2, 3 }, A)
                .Initializer("b", new long[] { 3 }, B)
                .Initializer("c", new long[] { 2, 1 }, C)
                .Node(opType, inputs, new[] { "v" }, "variadic")
                .Node("Add", new[] { "v", "r" }, new[] { "y" }, "add")
                .Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            var add = Assert.Single(graph.Nodes);
            return add.Inputs[0]!.Constant!.AsFloats();
        }

        [Fact]
        public void SumOfThreeBroadcastsEveryInput() =>
            Assert.Equal(new float[] { -1.5f, 2, -1, 6.5f, 22, 3 }, Folded("Sum", "a", "b", "c"));

        [Fact]
        public void MeanDividesByTheInputCount()
        {
            var expected = new[] { 1 + 0.5f - 3, -2 + 7 - 3f, 3 - 1 - 3f, -4 + 0.5f + 10, 5 + 7 + 10f, -6 - 1 + 10f }.Select(x => x / 3).ToArray();
            var mean = Folded("Mean", "a", "b", "c");
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], mean[i], 6);
        }

        [Fact]
        public void MaxAndMinOfThree()
        {
            Assert.Equal(new float[] { 1, 7, 3, 10, 10, 10 }, Folded("Max", "a", "b", "c"));
            Assert.Equal(new float[] { -3, -3, -3, -4, 5, -6 }, Folded("Min", "a", "b", "c"));
        }

        [Theory]
        [InlineData("Sum")]
        [InlineData("Mean")]
        [InlineData("Max")]
        [InlineData("Min")]
        public void OneInputIsItself(string opType) => Assert.Equal(A, Folded(opType, "a"));

        [Fact]
        public void TwoInputSumIsAnAdd() => Assert.Equal(A.Select((x, i) => x + B[i % 3]).ToArray(), Folded("Sum", "a", "b"));

        [Fact]
        public void RunTimeMeanIsAddsThenOneScaleNamedAfterTheNode()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 4).Input("y", 1, 4).Input("z", 1, 4)
                .Node("Mean", new[] { "x", "y", "z" }, new[] { "m" }, "mean")
                .Output("m").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { "Add", "Add", "Mul" }, graph.Nodes.Select(n => n.OpType));
            var scale = graph.Nodes[2];
            Assert.Equal("mean", scale.Name);
            Assert.Equal(1f / 3, scale.Inputs[1]!.Constant!.AsFloats().Single());
            Assert.Same(graph.Outputs[0], scale.Outputs[0]);
            Assert.Equal(new[] { 1, 4 }, graph.Outputs[0].Shape);
            Assert.NotNull(ModelCompiler.Compile(model, Options()).Source);
        }

        [Fact]
        public void AnEmptyInputNameIsAShapeErrorNamingTheNode()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 4)
                .Node("Sum", new[] { "x", "" }, new[] { "s" }, "sum")
                .Output("s").Build();
            var diagnostic = SingleError(model, "MVC0009");
            Assert.Contains("'sum'", diagnostic.Message);
        }

        [Fact]
        public void ShapesThatDoNotBroadcastNameTheStep()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 2, 4).Input("y", 2, 4).Input("z", 3, 4)
                .Node("Max", new[] { "x", "y", "z" }, new[] { "m" }, "max")
                .Output("m").Build();
            var diagnostic = SingleError(model, "MVC0009");
            Assert.Contains("'max'", diagnostic.Message);
            Assert.Contains("[3,4]", diagnostic.Message);
        }

        [Fact]
        public void PReluSlopeThatWidensXIsAShapeError()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 1, 4)
                .Initializer("slope", new long[] { 3, 1 }, new float[] { 0.1f, 0.2f, 0.3f })
                .Node("PRelu", new[] { "x", "slope" }, new[] { "y" }, "prelu")
                .Output("y").Build();
            var diagnostic = SingleError(model, "MVC0009");
            Assert.Contains("'prelu'", diagnostic.Message);
        }

        [Fact]
        public void PReluFoldsPerChannelSlopes()
        {
            var model = new OnnxBuilder(17)
                .Input("r", 1, 1)
                .Initializer("x", new long[] { 2, 3 }, A)
                .Initializer("slope", new long[] { 3 }, new float[] { 0.5f, 0.25f, 2 })
                .Node("PRelu", new[] { "x", "slope" }, new[] { "p" }, "prelu")
                .Node("Add", new[] { "p", "r" }, new[] { "y" }, "add")
                .Output("y").Build();
            var add = Assert.Single(CompilationPipeline.BuildGraph(model, Options()).Nodes);
            Assert.Equal(new float[] { 1, -0.5f, 3, -2, 5, -12 }, add.Inputs[0]!.Constant!.AsFloats());
        }
    }
}
