using System.Linq;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// Model-local functions: calls replaced by their nodes, tensor names kept apart per call, and diagnostics for
    /// calls that cannot be inlined. Values against ONNX Runtime are in FunctionsAgainstOnnxRuntimeTests.
    /// </summary>
    public sealed class FunctionInliningTests
    {
        private static OnnxBuilder WithScale(long opset = 17) => new OnnxBuilder(opset).Opset("local", 1)
            .Function("local", "Scale", new[] { "x" }, new[] { "y" }, new string[0], body => body
                .Node("Constant", new string[0], new[] { "two" }, "two", "", Attr.Tensor("value", new long[0], new[] { 2f }))
                .Node("Mul", new[] { "x", "two" }, new[] { "y" }, "mul"));

        [Fact]
        public void CallsUnderOneNameGetTheirOwnTensors()
        {
            // Two calls named alike: the body's tensor "two" must not be produced twice.
            var model = WithScale().Input("x", 1, 4)
                .Node("Scale", new[] { "x" }, new[] { "a" }, "scale", "local")
                .Node("Scale", new[] { "a" }, new[] { "y" }, "scale", "local")
                .Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { 1, 4 }, graph.Outputs[0].Shape);
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Scale");
        }

        [Fact]
        public void ARecursiveFunctionIsReported()
        {
            var model = new OnnxBuilder(17).Opset("local", 1)
                .Function("local", "Loop", new[] { "x" }, new[] { "y" }, new string[0], body => body
                    .Node("Loop", new[] { "x" }, new[] { "y" }, "again", "local"))
                .Input("x", 1, 4).Node("Loop", new[] { "x" }, new[] { "y" }, "call", "local").Output("y").Build();
            var message = SingleError(model, "MVC0011").Message;
            Assert.Contains("'call", message);
            Assert.Contains("nested", message);
        }

        [Fact]
        public void ACallWithMoreInputsThanTheFunctionIsReported() =>
            Assert.Contains("'call'", SingleError(WithScale().Input("x", 1, 4).Input("z", 1, 4)
                .Node("Scale", new[] { "x", "z" }, new[] { "y" }, "call", "local").Output("y").Build(), "MVC0011").Message);

        [Fact]
        public void AFunctionOnAnotherDefaultOpsetIsReported()
        {
            var model = new OnnxBuilder(13).Opset("local", 1)
                .Function("local", "Id", new[] { "x" }, new[] { "y" }, new string[0], body => body.Node("Relu", new[] { "x" }, new[] { "y" }))
                .DefaultOpset(17)
                .Input("x", 1, 4).Node("Id", new[] { "x" }, new[] { "y" }, "call", "local").Output("y").Build();
            Assert.Contains("function 'Id' imports opset 13", SingleError(model, "MVC0003").Message);
        }
    }
}
