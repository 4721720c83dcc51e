using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Planning;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// FusePointwisePair: a pointwise convolution whose only reader is another pointwise convolution becomes one
    /// PointwisePairConv step (RepViT's channel mixers) where the runtime's channel blocks take it, and nothing else does.
    /// </summary>
    public sealed class PointwisePairFusionTests
    {
        private static Graph Build(byte[] model) => CompilationPipeline.BuildGraph(model, Options());

        private static float[] Values(int count, float scale) => Enumerable.Range(0, count).Select(i => scale * ((i * 7919 % 23) - 11)).ToArray();

        /// <summary>
        /// x [1, inChannels, size, size] → Conv1x1 to hidden channels → Relu → Conv1x1 back to inChannels → + x → y; optionally
        /// the hidden tensor also read by a Relu, or the first convolution's output also added to a residual.
        /// </summary>
        private static byte[] Mixer(int inChannels = 16, int hidden = 32, int size = 10, bool hiddenReadTwice = false)
        {
            var builder = new OnnxBuilder(17)
                .Input("x", 1, inChannels, size, size)
                .Initializer("w1", new long[] { hidden, inChannels, 1, 1 }, Values(hidden * inChannels, 0.05f))
                .Initializer("b1", new long[] { hidden }, Values(hidden, 0.01f))
                .Initializer("w2", new long[] { inChannels, hidden, 1, 1 }, Values(hidden * inChannels, 0.03f))
                .Initializer("b2", new long[] { inChannels }, Values(inChannels, 0.02f))
                .Node("Conv", new[] { "x", "w1", "b1" }, new[] { "h" }, "expand", "")
                .Node("Relu", new[] { "h" }, new[] { "a" }, "relu")
                .Node("Conv", new[] { "a", "w2", "b2" }, new[] { "p" }, "project", "")
                .Node("Add", new[] { "p", "x" }, new[] { "y" }, "add")
                .Output("y");
            if (hiddenReadTwice)
            {
                builder.Node("Sigmoid", new[] { "a" }, new[] { "z" }, "second_reader");
                builder.Output("z");
            }
            return builder.Build();
        }

        [Fact]
        public void ASolePointwiseReaderTakesTheFirstConvolution()
        {
            var graph = Build(Mixer());
            var step = Assert.Single(graph.Nodes);
            Assert.Equal("PointwisePairConv", step.OpType);
            var lowering = Assert.IsType<PointwisePairLowering>(step.Lowering);
            Assert.Equal("Relu", lowering.FirstActivation.Kind);
            Assert.NotNull(step.Residual);
            Assert.Equal(new[] { 1, 16, 10, 10 }, step.Outputs[0].Shape);
            // The hidden tensor is the step's workspace, read by nobody else.
            Assert.Equal(new[] { 1, 32, 10, 10 }, step.Outputs[1].Shape);
            Assert.Empty(step.Outputs[1].Consumers);
            Assert.Equal(new[] { "add", "expand", "project", "relu" }, step.SourceNames.OrderBy(n => n));
            Assert.Equal(2L * 32 * 16 * 10 * 10, lowering.MultiplyAccumulates);

            var plan = MemoryPlanner.Plan(graph);
            var workspace = plan.Locations[step.Outputs[1]];
            Assert.Equal(LocationKind.Arena, workspace.Kind);
            // Its planes padded as a convolution's output would be: 100 floats rounded up to whole lines.
            Assert.Equal(112, workspace.ChannelStride);
            Assert.Equal(32 * 112, workspace.Length);

            var result = ModelCompiler.Compile(Mixer(), Options());
            Assert.Empty(result.Diagnostics);
            Assert.Contains("PointwisePairF32.PackWeights(", result.Source);
            Assert.Contains("PointwisePairF32.Run(", result.Source);
            Assert.Contains("Conv1x1 + Relu → Conv1x1 + residual", result.Source);
        }

        /// <summary>
        /// A hidden tensor of 4 KiB planes (32×32) is stored a cache line apart, as a convolution's output is: where the
        /// two steps run apart (AVX-512), the second reads it in place instead of copying panels from rows that share L1 sets.
        /// </summary>
        [Fact]
        public void AWorkspaceOfAliasingPlanesIsPadded()
        {
            var graph = Build(Mixer(size: 32));
            var step = Assert.Single(graph.Nodes);
            var plan = MemoryPlanner.Plan(graph);
            Assert.Equal(32 * 32 + 16, plan.Locations[step.Outputs[1]].ChannelStride);
            Assert.Equal(32 * (32 * 32 + 16), plan.Locations[step.Outputs[1]].Length);
            var source = ModelCompiler.Compile(Mixer(size: 32), Options()).Source;
            Assert.Contains("32, 32, 32, 32, 32, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1040)", source);
        }

        [Fact]
        public void AHiddenTensorReadTwiceStaysTwoSteps()
        {
            var graph = Build(Mixer(hiddenReadTwice: true));
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "PointwisePairConv");
            Assert.Equal(2, graph.Nodes.Count(n => n.OpType == "Conv"));
        }

        /// <summary>Channels in part blocks (12 inputs), hidden channels short of a 16-channel group, or planes under 100 pixels keep the two steps.</summary>
        [Theory]
        [InlineData(12, 32, 10)]
        [InlineData(16, 40, 10)]
        [InlineData(16, 32, 9)]
        public void PairsTheChannelBlocksDoNotTakeStayTwoSteps(int inChannels, int hidden, int size)
        {
            var graph = Build(Mixer(inChannels, hidden, size));
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "PointwisePairConv");
        }
    }
}
