using System.Linq;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// Tile: the output shape, constant folding in the order the definition gives, and its diagnostics. Run-time values
    /// are checked by the ONNX node tests (test_tile, test_tile_precomputed).
    /// </summary>
    public sealed class TileTests
    {
        [Fact]
        public void RepeatsMultiplyEachAxis()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 3, 4, 5)
                .IntInitializer("repeats", new long[] { 4 }, new long[] { 2, 1, 3, 1 })
                .Node("Tile", new[] { "x", "repeats" }, new[] { "y" }, "tile")
                .Output("y").Build();
            Assert.Equal(new[] { 2, 3, 12, 5 }, CompilationPipeline.BuildGraph(model, Options()).Outputs[0].Shape);
        }

        [Fact]
        public void ConstantsFoldWholeInputsRepeatedAlongEachAxis()
        {
            // [[1, 2], [3, 4]] tiled (2, 2): the rows and then the whole block repeat.
            var model = new OnnxBuilder(17)
                .Input("x", 4, 4)
                .Initializer("c", new long[] { 2, 2 }, new[] { 1f, 2f, 3f, 4f })
                .IntInitializer("repeats", new long[] { 2 }, new long[] { 2, 2 })
                .Node("Tile", new[] { "c", "repeats" }, new[] { "t" }, "tile")
                .Node("Add", new[] { "x", "t" }, new[] { "y" }, "add")
                .Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            var add = Assert.Single(graph.Nodes);
            var tiled = add.Inputs.Single(i => i!.Constant != null)!.Constant!.AsFloats();
            Assert.Equal(new[] { 1f, 2f, 1f, 2f, 3f, 4f, 3f, 4f, 1f, 2f, 1f, 2f, 3f, 4f, 3f, 4f }, tiled);
        }

        [Theory]
        [InlineData(new long[] { 2, 2 }, "MVC0009")]      // one value per axis
        [InlineData(new long[] { 1, 0, 1 }, "MVC0005")]   // an empty output
        [InlineData(new long[] { 1, -1, 1 }, "MVC0009")]
        public void BadRepeatsNameTheNode(long[] repeats, string id)
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 3, 4)
                .IntInitializer("repeats", new long[] { repeats.Length }, repeats)
                .Node("Tile", new[] { "x", "repeats" }, new[] { "y" }, "tile")
                .Output("y").Build();
            Assert.Contains("'tile'", SingleError(model, id).Message);
        }

        [Fact]
        public void RunTimeRepeatsMustBeConstant()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 3, 4).Input("repeats", 3)
                .Node("Tile", new[] { "x", "repeats" }, new[] { "y" }, "tile")
                .Output("y").Build();
            Assert.Contains("repeats", SingleError(model, "MVC0005").Message);
        }
    }
}
