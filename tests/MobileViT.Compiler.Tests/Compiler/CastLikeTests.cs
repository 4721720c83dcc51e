using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>CastLike takes its target type from its second input: folded for constants, a view for float32 to float32.</summary>
    public sealed class CastLikeTests
    {
        [Fact]
        public void ConstantFloatsTakeTheIntegerTypeOfShapeArithmetic()
        {
            // Reshape's target computed as CastLike(float constant, Shape(x)): the floats truncate to int64 like the shape.
            var model = new OnnxBuilder(17)
                .Input("x", 1, 2, 3)
                .Initializer("target", new long[] { 2 }, new[] { 2.9f, 3f })
                .Node("Shape", new[] { "x" }, new[] { "s" }, "shape")
                .Node("CastLike", new[] { "target", "s" }, new[] { "t" }, "castlike")
                .Node("Reshape", new[] { "x", "t" }, new[] { "y" }, "reshape")
                .Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { 2, 3 }, graph.Outputs[0].Shape);
        }

        [Fact]
        public void FloatToFloatIsAViewOfItsInput()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 4).Input("y", 1, 4)
                .Node("CastLike", new[] { "x", "y" }, new[] { "c" }, "castlike")
                .Node("Add", new[] { "c", "y" }, new[] { "z" }, "add")
                .Output("z").Build();
            var result = ModelCompiler.Compile(model, Options());
            Assert.Empty(result.Diagnostics);
            Assert.Equal(new[] { "CastLike", "Add" }, CompilationPipeline.BuildGraph(model, Options()).Nodes.Select(n => n.OpType));
            Assert.True(CompilationPipeline.BuildGraph(model, Options()).Nodes[0].Op.IsAlias);
        }

        [Fact]
        public void RunTimeFloatsLikeIntegersAreAnUnsupportedType()
        {
            var model = new OnnxBuilder(17)
                .Input("x", 1, 4)
                .IntInitializer("like", new long[] { 1 }, new long[] { 0 })
                .Node("CastLike", new[] { "x", "like" }, new[] { "c" }, "castlike")
                .Output("c").Build();
            SingleError(model, "MVC0010");
        }
    }
}
