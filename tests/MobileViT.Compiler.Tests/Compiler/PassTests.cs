using System.IO;
using System.Linq;
using MobileViT.Compiler.Ir;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>What the passes make of real exports: folded shape arithmetic, fused activations, BN and LayerNorm.</summary>
    public sealed class PassTests
    {
        private static Graph Build(string file, string? inputShape = null) =>
            CompilationPipeline.BuildGraph(File.ReadAllBytes(ModelPath(file)), Options(file, inputShape));

        private static int Count(Graph graph, string opType) => graph.Nodes.Count(n => n.OpType == opType);

        [Theory]
        [InlineData("mobilevit_v1_xxs_opset13.onnx")]
        [InlineData("mobilevit_v1_xxs_opset17.onnx")]
        public void MobileViTGraphIsFusedAndFolded(string file)
        {
            var graph = Build(file);
            Assert.Equal(0, Count(graph, "Sigmoid"));       // Sigmoid·Mul became SiLU, then fused
            Assert.Equal(0, Count(graph, "SiLU"));           // every SiLU follows a Conv or Linear
            Assert.Equal(0, Count(graph, "Shape"));          // shape arithmetic folded
            Assert.Equal(21, Count(graph, "LayerNormalization"));
            Assert.Equal(0, Count(graph, "ReduceMean"));     // opset-13 LayerNorm decomposition recognized
            Assert.Equal(35, Count(graph, "Conv"));
            Assert.Contains(graph.Nodes, n => n.OpType == "Conv" && n.Activation.Kind == "SiLU");
            Assert.Contains(graph.Nodes, n => n.OpType == "Conv" && n.Residual != null);
            Assert.Contains(graph.Nodes, n => n.OpType == "MatMul" && n.Residual != null); // transformer skip connections
            // Every transformer layer's Q·Kᵀ → Softmax → ·V (9 layers) is one attention step; no softmax is left.
            Assert.Equal(9, Count(graph, "Attention"));
            Assert.Equal(0, Count(graph, "Softmax"));
            var attention = graph.Nodes.First(n => n.OpType == "Attention");
            var lowering = Assert.IsType<MobileViT.Compiler.Ops.AttentionLowering>(attention.Lowering);
            Assert.Equal(new[] { System.Math.Min(16, MobileViT.Compiler.Passes.FuseAttention.WorkspaceHeads), lowering.Queries * lowering.Keys }, attention.Outputs[1].Shape);
            Assert.All(graph.Nodes, n => Assert.All(n.Outputs, o => Assert.True(o.Type == ElementType.Float32)));
        }

        /// <summary>
        /// HuggingFace transformers' MobileViT layout (separate Q/K/V Linears, K's heads and transpose in one Transpose,
        /// the scores divided by √d): every transformer layer still becomes one attention step.
        /// </summary>
        [Fact]
        public void HuggingFaceStyleAttentionIsFused()
        {
            var graph = Build("mobilevit_hf_style_xxs_224_opset17.onnx");
            Assert.Equal(9, Count(graph, "Attention"));
            Assert.Equal(0, Count(graph, "Softmax"));
            Assert.Equal(0, Count(graph, "Div"));
            Assert.Equal(2, Count(graph, "Resize"));        // the last stage's 7×7 to 8×8 and back
            // The scores' rows rounded up to whole vectors: 196 queries × 208 floats per head's slice.
            var attention = graph.Nodes.First(n => n.OpType == "Attention");
            Assert.Equal(new[] { MobileViT.Compiler.Passes.FuseAttention.WorkspaceHeads, 196 * 208 }, attention.Outputs[1].Shape);
        }

        [Fact]
        public void BatchNormalizationIsFoldedIntoConvolutions()
        {
            var graph = Build("mobilevit_v1_xxs_bn_opset13.onnx");
            Assert.Equal(0, Count(graph, "BatchNormalization"));
            var folded = graph.Nodes.Where(n => n.OpType == "Conv" && n.Inputs[1]!.Constant!.Source is ComputedWeight).ToList();
            Assert.Equal(32, folded.Count);
        }

        [Fact]
        public void DynamicBatchShapeArithmeticFoldsToConstants()
        {
            var graph = Build("mobilevit_v1_xxs_dynbatch_opset17.onnx", "2x3x256x256");
            Assert.Equal(0, Count(graph, "Shape"));
            Assert.Equal(new[] { 2, 1000 }, graph.Outputs[0].Shape);
        }

        [Fact]
        public void SymbolicBatchCompilesForOneWithoutInputShape()
        {
            var graph = Build("mobilevit_v1_xxs_dynbatch_opset17.onnx");
            Assert.Equal(0, Count(graph, "Shape"));
            Assert.Equal(new[] { 1, 3, 256, 256 }, graph.Inputs[0].Shape);
            Assert.Equal(new[] { 1, 1000 }, graph.Outputs[0].Shape);
        }

        [Fact]
        public void NonMultipleInputSizeKeepsTheResizes()
        {
            var graph = Build("mobilevit_v1_xxs_224_opset17.onnx");
            Assert.Equal(2, Count(graph, "Resize"));
        }
    }
}
