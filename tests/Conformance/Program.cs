using System;
using System.IO;
using System.Linq;
using MobileViT.Conformance;

// dotnet run -c Release --project tests/Conformance -- <dir> [--filter text] [--run-excluded] [--exclusions file]
//   [--timeout seconds] [--parallel n] [--verbose] [--propose-exclusions]
// The last line is always "onnx node tests: P passed, F failed, X excluded"; the exit code is 1 when a case failed.
var arguments = args.ToList();
string? Option(string name)
{
    int at = arguments.IndexOf(name);
    if (at < 0 || at + 1 >= arguments.Count) return null;
    var value = arguments[at + 1];
    arguments.RemoveRange(at, 2);
    return value;
}
bool Flag(string name) => arguments.Remove(name);

var filter = Option("--filter");
var exclusionsPath = Option("--exclusions") ?? Path.Combine(AppContext.BaseDirectory, "exclusions.txt");
var timeout = Option("--timeout");
var parallel = Option("--parallel");
bool runExcluded = Flag("--run-excluded");
bool verbose = Flag("--verbose");
bool propose = Flag("--propose-exclusions");
if (arguments.Count != 1 || !Directory.Exists(arguments[0]))
{
    Console.Error.WriteLine("usage: MobileViT.Conformance <onnx-node-tests folder> [--filter text] [--run-excluded] [--exclusions file] [--timeout seconds] [--parallel n] [--verbose] [--propose-exclusions]");
    return 2;
}

var exclusions = ExclusionList.Load(exclusionsPath);
var report = ConformanceRunner.Run(arguments[0], exclusions, new ConformanceOptions
{
    NameFilter = filter,
    RunExcluded = runExcluded,
    CaseTimeout = TimeSpan.FromSeconds(timeout != null ? double.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) : 60),
    Parallelism = parallel != null ? int.Parse(parallel, System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount,
    Progress = verbose ? result => Console.Error.WriteLine($"{result.Outcome,-13} {result.Elapsed.TotalMilliseconds,7:0} ms  {result.Case}  {result.Reason}  {result.Note}") : null,
});
if (propose)
{
    Console.WriteLine("# Proposed exclusions (review each before adding it to exclusions.txt):");
    foreach (var line in ExclusionProposer.Propose(report)) Console.WriteLine(line);
}
Console.WriteLine(report.ToText());
return report.Failed == 0 ? 0 : 1;
