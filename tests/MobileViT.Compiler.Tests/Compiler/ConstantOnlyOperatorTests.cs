using System.Linq;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// Mod and Trilu, which fold at compile time only (the ONNX node tests feed them no float32 run-time input, so their
    /// values are checked here): each folded result is added to a run-time input and read back from the graph.
    /// </summary>
    public sealed class ConstantOnlyOperatorTests
    {
        private static float[] Folded(byte[] model)
        {
            var add = Assert.Single(CompilationPipeline.BuildGraph(model, Options()).Nodes);
            return add.Inputs.Single(i => i!.Constant != null)!.Constant!.AsFloats();
        }

        [Theory]
        [InlineData(0, new[] { 0f, -2f, 5f, 0f, 2f, 3f })]   // Python's %: the divisor's sign
        [InlineData(1, new[] { 0f, 1f, 5f, 0f, -1f, 3f })]   // C's fmod: the dividend's sign
        public void ModOfIntegers(int fmod, float[] expected)
        {
            var model = new OnnxBuilder(17).Input("x", 6)
                .IntInitializer("a", new long[] { 6 }, new long[] { -4, 7, 5, 4, -7, 8 })
                .IntInitializer("b", new long[] { 6 }, new long[] { 2, -3, 8, -2, 3, 5 })
                .Node("Mod", new[] { "a", "b" }, new[] { "m" }, "mod", "", Attr.Int("fmod", fmod))
                .Node("Add", new[] { "x", "m" }, new[] { "y" }, "add").Output("y").Build();
            Assert.Equal(expected, Folded(model));
        }

        [Fact]
        public void ModOfFloatsNeedsFmod()
        {
            var model = new OnnxBuilder(17).Input("x", 2)
                .Initializer("a", new long[] { 2 }, new[] { -4.5f, 7.5f }).Initializer("b", new long[] { 2 }, new[] { 2f, -3f })
                .Node("Mod", new[] { "a", "b" }, new[] { "m" }, "mod", "", Attr.Int("fmod", 1))
                .Node("Add", new[] { "x", "m" }, new[] { "y" }, "add").Output("y").Build();
            Assert.Equal(new[] { -0.5f, 1.5f }, Folded(model));
            var withoutFmod = new OnnxBuilder(17).Input("x", 2)
                .Initializer("a", new long[] { 2 }, new[] { -4.5f, 7.5f }).Initializer("b", new long[] { 2 }, new[] { 2f, -3f })
                .Node("Mod", new[] { "a", "b" }, new[] { "m" }, "mod")
                .Node("Add", new[] { "x", "m" }, new[] { "y" }, "add").Output("y").Build();
            Assert.Contains("'mod'", SingleError(withoutFmod, "MVC0009").Message);
        }

        [Theory]
        [InlineData(1, 0, new[] { 1f, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12 })]     // upper triangle with the diagonal
        [InlineData(0, -1, new[] { 0f, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0 })]     // strictly below the diagonal
        [InlineData(1, 2, new[] { 0f, 0, 3, 4, 0, 0, 0, 8, 0, 0, 0, 0 })]
        public void TriluKeepsATriangleOfEachMatrix(int upper, long k, float[] expectedMatrix)
        {
            // Two 3 x 4 matrices, the second the first plus 12: the triangle is taken per matrix.
            var values = Enumerable.Range(1, 24).Select(v => (float)v).ToArray();
            var model = new OnnxBuilder(17).Input("x", 2, 3, 4)
                .Initializer("m", new long[] { 2, 3, 4 }, values).IntInitializer("k", new long[0], new[] { k })
                .Node("Trilu", new[] { "m", "k" }, new[] { "t" }, "trilu", "", Attr.Int("upper", upper))
                .Node("Add", new[] { "x", "t" }, new[] { "y" }, "add").Output("y").Build();
            var expected = expectedMatrix.Concat(expectedMatrix.Select(v => v == 0 ? 0 : v + 12)).ToArray();
            Assert.Equal(expected, Folded(model));
        }

        [Fact]
        public void RunTimeInputsAreReported()
        {
            var model = new OnnxBuilder(17).Input("x", 3, 3)
                .Node("Trilu", new[] { "x" }, new[] { "y" }, "trilu").Output("y").Build();
            Assert.Contains("'trilu'", SingleError(model, "MVC0005").Message);
        }
    }
}
