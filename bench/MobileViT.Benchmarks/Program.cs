using BenchmarkDotNet.Running;
using MobileViT.Benchmarks;

// dotnet run -c Release --project bench/MobileViT.Benchmarks -- --filter '*'       steady-state latency (BenchmarkDotNet)
// dotnet run -c Release --project bench/MobileViT.Benchmarks -- --cold-start [N]   new process → first result, N samples
if (args.Length >= 3 && args[0] == "--first-result") return ColdStart.FirstResult(args[1], args[2]);
if (args.Length >= 1 && args[0] == "--cold-start") return ColdStart.Measure(args.Length > 1 ? int.Parse(args[1]) : 9);
BenchmarkSwitcher.FromAssembly(typeof(InferenceBenchmarks).Assembly).Run(args);
return 0;
