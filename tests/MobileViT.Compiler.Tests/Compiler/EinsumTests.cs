using System.Linq;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using static MobileViT.Compiler.Tests.Compiler.CompilerTestHelpers;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Compiler
{
    /// <summary>
    /// Einsum: the steps it becomes, folding, and its diagnostics. Values against ONNX Runtime are in
    /// EinsumAgainstOnnxRuntimeTests (MobileViT.Conformance.Tests).
    /// </summary>
    public sealed class EinsumTests
    {
        private static byte[] Model(string equation, params int[][] shapes)
        {
            var builder = new OnnxBuilder(17);
            var names = shapes.Select((_, i) => "x" + i).ToArray();
            for (int i = 0; i < shapes.Length; i++) builder.Input(names[i], shapes[i].Cast<object>().ToArray());
            return builder.Node("Einsum", names, new[] { "y" }, "einsum", "", Attr.String("equation", equation)).Output("y").Build();
        }

        [Fact]
        public void AProjectionWithAConstantKernelIsOneMatMul()
        {
            // Keras' "abc,cde->abde": x [a, b, c] times a kernel [c, d, e] is x as [a·b, c] times the kernel as [c, d·e].
            var model = new OnnxBuilder(17).Input("x", 1, 5, 8)
                .Initializer("kernel", new long[] { 8, 2, 3 }, Enumerable.Range(0, 48).Select(i => 0.1f * i).ToArray())
                .Node("Einsum", new[] { "x", "kernel" }, new[] { "y" }, "project", "", Attr.String("equation", "abc,cde->abde"))
                .Output("y").Build();
            var graph = CompilationPipeline.BuildGraph(model, Options());
            Assert.Equal(new[] { 1, 5, 2, 3 }, graph.Outputs[0].Shape);
            Assert.DoesNotContain(graph.Nodes, n => n.OpType == "Einsum" || n.OpType == "Transpose");
            Assert.Single(graph.Nodes, n => n.OpType == "MatMul" || n.OpType == "Gemm");
        }

        [Fact]
        public void ConstantOperandsFold()
        {
            // [[1, 2], [3, 4]] · [5, 6] = [17, 39], added to x.
            var model = new OnnxBuilder(17).Input("x", 2)
                .Initializer("a", new long[] { 2, 2 }, new[] { 1f, 2f, 3f, 4f }).Initializer("b", new long[] { 2 }, new[] { 5f, 6f })
                .Node("Einsum", new[] { "a", "b" }, new[] { "ab" }, "einsum", "", Attr.String("equation", "ij,j->i"))
                .Node("Add", new[] { "x", "ab" }, new[] { "y" }, "add").Output("y").Build();
            var add = Assert.Single(CompilationPipeline.BuildGraph(model, Options()).Nodes);
            Assert.Equal(new[] { 17f, 39f }, add.Inputs.Single(i => i!.Constant != null)!.Constant!.AsFloats());
        }

        [Fact]
        public void ImplicitOutputIsTheLettersUsedOnceInAlphabeticalOrder()
        {
            // "ba,bc": b is summed, a [4] and c [2] remain; "cb,ba": a [3] comes before c [2] whatever the operand order.
            Assert.Equal(new[] { 4, 2 }, CompilationPipeline.BuildGraph(Model("ba,bc", new[] { 3, 4 }, new[] { 3, 2 }), Options()).Outputs[0].Shape);
            Assert.Equal(new[] { 3, 2 }, CompilationPipeline.BuildGraph(Model("cb,ba", new[] { 2, 5 }, new[] { 5, 3 }), Options()).Outputs[0].Shape);
        }

        [Theory]
        [InlineData("ii->i", "MVC0005")]            // a diagonal
        [InlineData("ij,jk->ik", "MVC0009")]        // two operands in the equation, one input
        [InlineData("ij->k", "MVC0009")]            // an output label no operand has
        [InlineData("i1->i", "MVC0009")]            // not a letter
        [InlineData("ijk->i", "MVC0009")]           // rank 2 operand, three labels
        public void BadEquationsNameTheNode(string equation, string id) =>
            Assert.Contains("'einsum'", SingleError(Model(equation, new[] { 3, 3 }), id).Message);

        [Fact]
        public void ALabelOfDifferentSizesIsReported()
        {
            Assert.Contains("'einsum'", SingleError(Model("ij,jk->ik", new[] { 2, 3 }, new[] { 4, 5 }), "MVC0009").Message);
            // Size 1 against 4 is broadcasting, which Einsum allows and this compiler does not implement.
            Assert.Contains("broadcasts", SingleError(Model("ij,jk->ik", new[] { 2, 1 }, new[] { 4, 5 }), "MVC0005").Message);
        }
    }
}
