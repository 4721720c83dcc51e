using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.Compiler;
using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Compiler.Tests.Robustness
{
    /// <summary>
    /// Mutated models must end in diagnostics or a successful compile: never an exception (MVC0001 is one, caught),
    /// never more than a few seconds, never more than a fixed amount of memory. MVC_FUZZ_ITERATIONS sets the count
    /// (500 in CI; docs/robustness.md records a 10,000-mutation run).
    /// </summary>
    public sealed class ModelFuzzTests(ITestOutputHelper output)
    {
        private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(5);
        private const long MemoryLimit = 512L << 20;

        [Fact]
        public void SeedsCompile()
        {
            foreach (var (name, bytes, inputShape) in FuzzCorpus.Seeds)
            {
                var result = ModelCompiler.Compile(bytes, CompilerTestHelpers.Options(name + ".onnx", inputShape));
                Assert.True(result.Diagnostics.Count == 0, name + ": " + string.Join("; ", result.Diagnostics));
            }
        }

        [Fact]
        public async Task MutatedModelsEndInDiagnosticsOrCode()
        {
            int iterations = int.TryParse(Environment.GetEnvironmentVariable("MVC_FUZZ_ITERATIONS"), out var n) ? n : 500;
            var random = new Random(20261123);
            int compiled = 0, rejected = 0;
            var slowest = TimeSpan.Zero;
            long mostAllocated = 0;
            for (int i = 0; i < iterations; i++)
            {
                var (seedName, seed, inputShape) = FuzzCorpus.Seeds[random.Next(FuzzCorpus.Seeds.Count)];
                var (bytes, mutation) = ModelMutator.Mutate(seed, random);
                string what = $"mutation {i} of {seedName}: {mutation}";

                var watch = Stopwatch.StartNew();
                // The compile runs on another thread (so a hang fails the test instead of stalling it): its allocations
                // are counted there.
                var task = Task.Run(() =>
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    var compiled = ModelCompiler.Compile(bytes, CompilerTestHelpers.Options(seedName + ".onnx", inputShape));
                    return (Result: compiled, Allocated: GC.GetAllocatedBytesForCurrentThread() - before);
                });
                Assert.True(await Task.WhenAny(task, Task.Delay(TimeLimit)) == task, what + ": compiling took longer than " + TimeLimit);
                watch.Stop();
                var (result, allocated) = await task;
                if (watch.Elapsed > slowest) slowest = watch.Elapsed;

                Assert.DoesNotContain(result.Diagnostics, d => d.Id == "MVC0001" && Fail(what, d.Message));
                Assert.True(result.Source != null || result.HasErrors, what + ": no source and no error");
                Assert.All(result.Diagnostics, d => Assert.Contains(seedName + ".onnx", d.Message));
                if (result.Source != null) compiled++; else rejected++;
                Assert.True(allocated < MemoryLimit, what + $": allocated {allocated:N0} bytes");
                mostAllocated = Math.Max(mostAllocated, allocated);
            }
            output.WriteLine($"{iterations} mutations: {compiled} compiled, {rejected} rejected with diagnostics, slowest {slowest.TotalMilliseconds:F0} ms, most allocated {mostAllocated:N0} bytes");
        }

        private static bool Fail(string what, string message) => throw new Xunit.Sdk.XunitException(what + " raised an internal error: " + message);
    }
}
