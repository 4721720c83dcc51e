using System;
using System.Diagnostics;
using System.Linq;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.Compiler;
using MobileViT.Compiler.Tests.TestModels;
using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Compiler.Tests.Robustness
{
    /// <summary>Graphs of tens of thousands of nodes compile in time that grows linearly, in file order or reversed.</summary>
    public sealed class LargeGraphTests(ITestOutputHelper output)
    {
        private static byte[] Chain(int nodes, bool reversed)
        {
            var builder = new OnnxBuilder(17).Input("t0", 1, 8).Initializer("bias", new long[] { 8 }, Enumerable.Range(1, 8).Select(i => i * 0.01f).ToArray());
            var order = Enumerable.Range(0, nodes);
            if (reversed) order = order.Reverse();
            foreach (int i in order)
            {
                if (i % 2 == 0) builder.Node("Add", new[] { "t" + i, "bias" }, new[] { "t" + (i + 1) }, "add_" + i);
                else builder.Node("Relu", new[] { "t" + i }, new[] { "t" + (i + 1) }, "relu_" + i);
            }
            return builder.Output("t" + nodes).Build();
        }

        private static TimeSpan Compile(byte[] model)
        {
            var watch = Stopwatch.StartNew();
            var result = ModelCompiler.Compile(model, CompilerTestHelpers.Options("chain.onnx"));
            watch.Stop();
            Assert.True(result.Diagnostics.Count == 0, string.Join("; ", result.Diagnostics));
            return watch.Elapsed;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TwentyThousandNodesCompileInSeconds(bool reversed)
        {
            Compile(Chain(200, reversed)); // warm up the JIT
            var small = Compile(Chain(2_000, reversed));
            var large = Compile(Chain(20_000, reversed));
            output.WriteLine($"2,000 nodes: {small.TotalMilliseconds:F0} ms; 20,000 nodes: {large.TotalMilliseconds:F0} ms");
            Assert.True(large < TimeSpan.FromSeconds(20), $"20,000 nodes took {large.TotalSeconds:F1} s");
        }
    }
}
