using BenchmarkDotNet.Running;
using MobileViT.Benchmarks;

// dotnet run -c Release --project bench/MobileViT.Benchmarks -- --filter '*InferenceBenchmarks*'   steady-state latency against ONNX Runtime (BenchmarkDotNet)
// dotnet run -c Release --project bench/MobileViT.Benchmarks -- --filter '*KernelBenchmarks*'      single kernels at the models' shapes
// New process → first result: bench/MobileViT.ColdStart (under the JIT and published with NativeAOT).
// dotnet run -c Release --project bench/MobileViT.Benchmarks -- --quick THREADS [RUNS] [MODEL]   rough medians while developing
if (args.Length >= 2 && args[0] == "--quick")
    return QuickComparison.Run(int.Parse(args[1]), args.Length > 2 ? int.Parse(args[2]) : 50, args.Length > 3 ? args[3] : null);
BenchmarkSwitcher.FromAssembly(typeof(InferenceBenchmarks).Assembly).Run(args);
return 0;
