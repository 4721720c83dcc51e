using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>Activations spelled out by exporters are recognized and fused into the producing convolution.</summary>
    public sealed class ActivationPatternTests
    {
        private static OnnxBuilder ConvModel(long opset = 13) => new OnnxBuilder(opset)
            .Input("x", 1, 2, 3, 3)
            .Initializer("w", new long[] { 2, 2, 1, 1 }, new[] { 0.5f, -0.25f, 0.75f, 1.5f })
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv");

        private static Ir.Graph Build(byte[] model) => CompilationPipeline.BuildGraph(model, Options());

        [Fact]
        public void ErfGeluIsFusedIntoConv()
        {
            var model = ConvModel()
                .Initializer("sqrt2", new long[0], new[] { 1.4142135f })
                .Initializer("one", new long[0], new[] { 1f })
                .Initializer("half", new long[0], new[] { 0.5f })
                .Node("Div", new[] { "c", "sqrt2" }, new[] { "d" }, "div")
                .Node("Erf", new[] { "d" }, new[] { "e" }, "erf")
                .Node("Add", new[] { "e", "one" }, new[] { "a" }, "add")
                .Node("Mul", new[] { "c", "a" }, new[] { "m" }, "mul")
                .Node("Mul", new[] { "m", "half" }, new[] { "y" }, "mul_half")
                .Output("y").Build();
            var node = Assert.Single(Build(model).Nodes);
            Assert.Equal("Conv", node.OpType);
            Assert.Equal("GeluErf", node.Activation.Kind);
            Assert.Equal(6, node.SourceNames.Count);
        }

        [Fact]
        public void HardSigmoidGateIsHardSwish()
        {
            var model = ConvModel()
                .Node("HardSigmoid", new[] { "c" }, new[] { "g" }, "hard_sigmoid", "", Attr.Float("alpha", 1f / 6), Attr.Float("beta", 0.5f))
                .Node("Mul", new[] { "g", "c" }, new[] { "y" }, "mul")
                .Output("y").Build();
            var node = Assert.Single(Build(model).Nodes);
            Assert.Equal("HardSwish", node.Activation.Kind);
        }

        [Theory]
        [InlineData(null, 0f)]   // F.relu6 as PyTorch exports it: Relu, then Clip with only a max
        [InlineData(-1f, 0f)]
        [InlineData(0.5f, 0.5f)]
        public void ReluThenClipIsOneClipFusedIntoConv(float? min, float expectedMin)
        {
            var model = ConvModel()
                .Initializer("max", new long[0], new[] { 6f });
            if (min != null) model.Initializer("min", new long[0], new[] { min.Value });
            var built = model
                .Node("Relu", new[] { "c" }, new[] { "r" }, "relu")
                .Node("Clip", new[] { "r", min != null ? "min" : "", "max" }, new[] { "y" }, "clip")
                .Output("y").Build();
            var node = Assert.Single(Build(built).Nodes);
            Assert.Equal("Clip", node.Activation.Kind);
            Assert.Equal((expectedMin, 6f), (node.Activation.Alpha, node.Activation.Beta));
            Assert.Contains("relu", node.SourceNames);
            Assert.Contains("clip", node.SourceNames);
        }

        [Fact]
        public void SwishWithAlphaOneIsFusedAsSiLU()
        {
            var model = ConvModel(24).Node("Swish", new[] { "c" }, new[] { "y" }, "swish").Output("y").Build();
            var node = Assert.Single(Build(model).Nodes);
            Assert.Equal("Conv", node.OpType);
            Assert.Equal("SiLU", node.Activation.Kind);
        }

        [Fact]
        public void SwishWithAnotherAlphaRunsAsItsOwnPass()
        {
            var model = ConvModel(24).Node("Swish", new[] { "c" }, new[] { "y" }, "swish", "", Attr.Float("alpha", 1.5f)).Output("y").Build();
            Assert.Contains(Build(model).Nodes, n => n.OpType == "Swish");
            var result = ModelCompiler.Compile(model, Options());
            Assert.Empty(result.Diagnostics);
            Assert.Contains("UnaryKind.Swish", result.Source);
            Assert.Contains("1.5f", result.Source);
        }

        [Fact]
        public void SigmoidGateOfAnotherTensorIsNotSiLU()
        {
            var model = ConvModel()
                .Node("Sigmoid", new[] { "x" }, new[] { "g" }, "sigmoid")
                .Node("Mul", new[] { "g", "c" }, new[] { "y" }, "mul")
                .Output("y").Build();
            var graph = Build(model);
            Assert.Contains(graph.Nodes, n => n.OpType == "Sigmoid");
            Assert.Contains(graph.Nodes, n => n.OpType == "Mul");
        }
    }
}
