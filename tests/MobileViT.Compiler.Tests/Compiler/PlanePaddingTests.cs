using System.Collections.Generic;
using System.IO;
using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Ops;
using MobileViT.Compiler.Planning;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>Which activations the memory plan stores with padded channel planes, on a real MobileViT export.</summary>
    public sealed class PlanePaddingTests
    {
        private static (Graph Graph, MemoryPlan Plan) Plan(string file, string? inputShape = null)
        {
            var graph = CompilationPipeline.BuildGraph(File.ReadAllBytes(ModelPath(file)), Options(file, inputShape));
            return (graph, MemoryPlanner.Plan(graph));
        }

        private static IEnumerable<Node> Readers(Graph graph, Tensor tensor) => graph.Nodes.Where(n => n.ReadTensors().Contains(tensor));

        [Fact]
        public void AliasingPlanesBetweenConvolutionsArePadded()
        {
            var (graph, plan) = Plan("mobilevit_v1_xxs_opset13.onnx");
            var padded = plan.Locations.Where(p => p.Value.ChannelStride > 0).ToList();
            // 128×128, 64×64 and 32×32 planes between convolutions (not the MobileViT blocks' unfolded or concatenated ones).
            Assert.True(padded.Count >= 10, $"only {padded.Count} tensors padded");
            Assert.Contains(padded, p => p.Key.Shape[2] == 128);
            Assert.Contains(padded, p => p.Key.Shape[2] == 64);
            foreach (var (tensor, location) in padded)
            {
                int plane = tensor.Shape[2] * tensor.Shape[3];
                Assert.Equal(plane + PlanePadding.PadFloats, location.ChannelStride);
                Assert.Equal(0, plane % 1024);
                Assert.Equal(tensor.Shape[1] * location.ChannelStride, location.Length);
                Assert.Equal(LocationKind.Arena, location.Kind);
                Assert.True(PlanePadding.TakesPaddedPlanes(tensor.Producer!), $"{tensor.Name} is written by {tensor.Producer}");
                Assert.All(Readers(graph, tensor), reader => Assert.True(PlanePadding.TakesPaddedPlanes(reader), $"{tensor.Name} is read by {reader}"));
            }
        }

        [Fact]
        public void ResidualsKeepTheirOutputsLayout()
        {
            var (graph, plan) = Plan("mobilevit_v1_xxs_opset13.onnx");
            var withResidual = graph.Nodes.Where(n => n.OpType == "Conv" && n.Residual != null).ToList();
            Assert.Contains(withResidual, n => plan.Locations[n.Outputs[0]].ChannelStride > 0);
            foreach (var node in withResidual)
                Assert.Equal(plan.Locations[node.Outputs[0]].ChannelStride, plan.Locations[node.Residual!].ChannelStride);
        }

        [Fact]
        public void OtherTensorsStayContiguous()
        {
            var (graph, plan) = Plan("mobilevit_v1_xxs_opset13.onnx");
            // Whatever a step other than a convolution reads or writes stays contiguous (the index mappings' inputs, the
            // concatenations), and so do the graph's inputs and outputs.
            foreach (var node in graph.Nodes.Where(n => !PlanePadding.TakesPaddedPlanes(n)))
                foreach (var tensor in node.ReadTensors().Concat(node.Outputs).Where(t => !t.IsConstant))
                    Assert.Equal(0, plan.Locations[tensor].ChannelStride);
            Assert.All(graph.Inputs.Concat(graph.Outputs), t => Assert.Equal(0, plan.Locations[t].ChannelStride));
        }

        [Fact]
        public void PlanesOfAFractionOfALineAreRoundedUpToWholeLines()
        {
            // 224×224 input: 112×112, 56×56 and 28×28 planes are whole lines and do not alias; 14×14 (196 floats) is
            // rounded up to 208, 7×7 (49) would grow by a third and stays.
            var (graph, plan) = Plan("mobilevit_v1_xxs_224_opset17.onnx");
            var padded = plan.Locations.Where(p => p.Value.ChannelStride > 0).ToList();
            Assert.NotEmpty(padded);
            foreach (var (tensor, location) in padded)
            {
                Assert.Equal((14, 14), (tensor.Shape[2], tensor.Shape[3]));
                Assert.Equal(208, location.ChannelStride);
                Assert.Equal(tensor.Shape[1] * 208, location.Length);
                Assert.All(Readers(graph, tensor), reader => Assert.True(PlanePadding.TakesPaddedPlanes(reader), $"{tensor.Name} is read by {reader}"));
            }
            Assert.Contains(graph.Nodes, n => n.OpType == "Conv" && n.Outputs[0].Shape.Length == 4 && n.Outputs[0].Shape[2] == 7
                && plan.Locations[n.Outputs[0]].ChannelStride == 0);

            // The generated code says why, and does not give the 4 KiB reason for these planes.
            var result = ModelCompiler.Compile(File.ReadAllBytes(ModelPath("mobilevit_v1_xxs_224_opset17.onnx")), Options("mobilevit_v1_xxs_224_opset17.onnx"));
            Assert.Contains("// Channel planes rounded up to whole cache lines", result.Source);
            Assert.DoesNotContain("a plane of a multiple of 4 KiB", result.Source);
        }

        [Fact]
        public void BatchesAreNotPadded()
        {
            // A batch of two keeps the layout simple.
            Assert.DoesNotContain(Plan("mobilevit_v1_xxs_dynbatch_opset17.onnx", "2x3x256x256").Plan.Locations.Values, l => l.ChannelStride > 0);
        }
    }
}
