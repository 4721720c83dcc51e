using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Onnx;
using MobileViT.Compiler.Ops;
using MobileViT.Tooling;

namespace MobileViT.Conformance;

public sealed class ConformanceOptions
{
    /// <summary>A case still compiling or running after this long fails (its thread is abandoned).</summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int Parallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Also run excluded cases, to find exclusions that are no longer needed.</summary>
    public bool RunExcluded { get; init; }

    /// <summary>Only cases whose name contains this text; null for all.</summary>
    public string? NameFilter { get; init; }

    /// <summary>Called once per finished case, from worker threads.</summary>
    public Action<CaseResult>? Progress { get; init; }
}

/// <summary>
/// Runs ONNX backend test cases through the compiler in process (<see cref="InProcessModel"/>) and compares every
/// output with the stored one. A case whose operators the compiler does not claim to support is not part of the
/// sweep; one that is listed in the exclusion list is counted as excluded; every other case passes or fails.
/// </summary>
public static class ConformanceRunner
{
    public static ConformanceReport Run(string root, ExclusionList exclusions, ConformanceOptions options)
    {
        var cases = NodeTestCase.Discover(root)
            .Where(c => options.NameFilter == null || c.Name.Contains(options.NameFilter, StringComparison.Ordinal))
            .ToList();
        var results = new CaseResult[cases.Count];
        var queue = new ConcurrentQueue<int>(Enumerable.Range(0, cases.Count));
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Math.Max(1, options.Parallelism)).Select(_ => new Thread(() =>
        {
            while (queue.TryDequeue(out int index))
            {
                results[index] = RunWithTimeout(cases[index], exclusions, options);
                options.Progress?.Invoke(results[index]);
            }
        }) { IsBackground = true, Name = "conformance worker" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var known = new HashSet<string>(cases.Select(c => c.Name), StringComparer.Ordinal);
        var unknownExclusions = options.NameFilter == null
            ? exclusions.Names.Where(n => !known.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToList()
            : new List<string>();
        return new ConformanceReport(results, unknownExclusions, stopwatch.Elapsed);
    }

    private static CaseResult RunWithTimeout(NodeTestCase testCase, ExclusionList exclusions, ConformanceOptions options)
    {
        var stopwatch = Stopwatch.StartNew();
        var work = Task.Factory.StartNew(() => RunCase(testCase, exclusions, options, stopwatch), TaskCreationOptions.LongRunning);
        try
        {
            if (work.Wait(options.CaseTimeout)) return work.Result;
            return new CaseResult(testCase, "?", CaseOutcome.Failed, $"timed out after {options.CaseTimeout.TotalSeconds:0} s", stopwatch.Elapsed) { FailureKind = FailureKind.Crash };
        }
        catch (AggregateException ex)
        {
            return new CaseResult(testCase, "?", CaseOutcome.Failed, "runner error: " + ex.InnerException, stopwatch.Elapsed) { FailureKind = FailureKind.Crash };
        }
    }

    private static CaseResult RunCase(NodeTestCase testCase, ExclusionList exclusions, ConformanceOptions options, Stopwatch stopwatch)
    {
        string label = "?";
        var note = new CaseNote();
        CaseResult Result(CaseOutcome outcome, string reason, CaseFailure? failure = null, bool excludedButPasses = false) =>
            new(testCase, label, outcome, reason, stopwatch.Elapsed)
            {
                Note = note.Text,
                ExcludedButPasses = excludedButPasses,
                FailureKind = outcome == CaseOutcome.Failed ? failure?.Kind ?? FailureKind.Crash : FailureKind.None,
                DiagnosticId = failure?.DiagnosticId ?? "",
            };
        try
        {
            var bytes = File.ReadAllBytes(testCase.ModelPath);
            OnnxModel onnx;
            try
            {
                onnx = OnnxReader.Read(bytes);
            }
            catch (OnnxFormatException ex)
            {
                return Result(CaseOutcome.Failed, "model.onnx does not decode: " + ex.Message);
            }
            label = OperatorLabel(testCase.Name, onnx);
            var unsupported = onnx.Graph.Nodes
                .Where(n => !(n.Domain.Length == 0 || n.Domain == "ai.onnx") || OperatorRegistry.Find(n.OpType) == null)
                .Select(n => n.Domain.Length == 0 ? n.OpType : n.Domain + "." + n.OpType)
                .Distinct(StringComparer.Ordinal).ToList();
            if (unsupported.Count > 0)
                return Result(CaseOutcome.NotApplicable, "unsupported: " + string.Join(", ", unsupported));

            bool excluded = exclusions.TryGetReason(testCase.Name, out var exclusionReason);
            if (excluded && !options.RunExcluded)
                return Result(CaseOutcome.Excluded, exclusionReason);

            var opset = onnx.OpsetImports.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx");
            var target = opset == null ? null : OpsetRetargeting.Target((int)opset.Version, onnx.Graph.Nodes.Select(n => n.OpType));
            if (target != null)
            {
                bytes = ModelRewriter.SetDefaultOpset(bytes, target.Value);
                note.Add($"opset {opset!.Version} run as {target}");
            }
            else if (opset != null && opset.Version < MobileViT.Compiler.Import.GraphImporter.MinOpset)
            {
                var blocking = OpsetRetargeting.Blocking((int)opset.Version, onnx.Graph.Nodes.Select(n => n.OpType));
                note.Add($"not retargeted: {string.Join(", ", blocking)} not known to behave at opset {opset.Version} as at {MobileViT.Compiler.Import.GraphImporter.MinOpset}");
            }

            var failure = CompileAndCompare(testCase, bytes, onnx.Graph, note);
            if (excluded) return Result(CaseOutcome.Excluded, exclusionReason, excludedButPasses: failure == null);
            return failure == null ? Result(CaseOutcome.Passed, "") : Result(CaseOutcome.Failed, failure.Message, failure);
        }
        catch (Exception ex)
        {
            return Result(CaseOutcome.Failed, ex.GetType().Name + ": " + ex.Message + FirstFrame(ex));
        }
    }

    /// <summary>
    /// Compiles and runs the model for every data set; null when every output matches, otherwise the first problem.
    /// The node tests feed weights, axes, indices and bounds as graph inputs; the compiler needs those as
    /// constants, as they are in exported models. So, per data set, inputs that are not float32 become initializers
    /// holding the data set's values, and so do float inputs the compiler reports must be compile-time constants.
    /// Symbolic input dimensions are fixed from the data set.
    /// </summary>
    private static CaseFailure? CompileAndCompare(NodeTestCase testCase, byte[] bytes, OnnxGraph graph, CaseNote note)
    {
        var initializers = new HashSet<string>(graph.Initializers.Select(t => t.Name), StringComparer.Ordinal);
        var graphInputs = graph.Inputs.Where(i => !initializers.Contains(i.Name)).ToList();
        var notTensor = graphInputs.FirstOrDefault(i => i.ElementType == OnnxDataType.Undefined);
        if (notTensor != null)
            return new CaseFailure(FailureKind.UnsupportedTestData, $"input '{notTensor.Name}' is not a tensor (a sequence or optional value)");
        var compiled = new Dictionary<string, InProcessCompilation>(StringComparer.Ordinal);
        try
        {
            int dataSets = 0;
            foreach (var dataSet in testCase.DataSets)
            {
                dataSets++;
                var setName = Path.GetFileName(dataSet);
                var inputs = ReadTensors(dataSet, "input");
                var expected = ReadTensors(dataSet, "output");
                if (inputs.Count != graphInputs.Count)
                    return new CaseFailure(FailureKind.WrongOutput, $"{setName}: {inputs.Count} input files for {graphInputs.Count} graph inputs");
                for (int i = 0; i < inputs.Count; i++)
                    if (inputs[i].Tensor.DataType == OnnxDataType.Float && inputs[i].Tensor.Dims.Contains(0))
                        return new CaseFailure(FailureKind.UnsupportedTestData, $"input '{graphInputs[i].Name}' is an empty tensor {Shape(inputs[i].Tensor.Dims)}");

                var constants = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
                for (int i = 0; i < inputs.Count; i++)
                {
                    if (inputs[i].Tensor.DataType != OnnxDataType.Float) constants[graphInputs[i].Name] = inputs[i].Bytes;
                    else if (!graphInputs[i].HasShape || graphInputs[i].Dims.Any(d => d.Value is null or <= 0)) shapes[graphInputs[i].Name] = inputs[i].Tensor.Dims;
                }

                InProcessCompilation compilation;
                List<CompilerDiagnostic> errors;
                string? constantDemand = null;
                while (true)
                {
                    var specialized = constants.Count == 0 && shapes.Count == 0 ? bytes : ModelRewriter.Specialize(bytes, constants, shapes);
                    compilation = Compile(testCase, specialized, compiled);
                    errors = compilation.Diagnostics.Where(d => d.Severity == DiagnosticSeverityLevel.Error).ToList();
                    var (promote, demand) = InputsToMakeConstant(errors, graphInputs, constants.Keys);
                    if (promote.Count == 0) break;
                    constantDemand ??= demand;
                    foreach (var name in promote)
                    {
                        constants[name] = inputs[graphInputs.FindIndex(g => g.Name == name)].Bytes;
                        shapes.Remove(name);
                    }
                }
                if (constants.Count > 0)
                    note.Add("constant inputs: " + string.Join(", ", constants.Keys.OrderBy(k => k, StringComparer.Ordinal)));
                if (errors.Count > 0 || compilation.Model == null)
                {
                    var message = string.Join("; ", errors.Select(d => d.Id + ": " + d.Message));
                    if (errors.Any(e => e.Id == "MVC0011" && e.Message.Contains("no run-time input", StringComparison.Ordinal)))
                    {
                        var types = string.Join(", ", graphInputs.Select((g, i) => $"{g.Name}: {inputs[i].Tensor.DataType}"));
                        return new CaseFailure(FailureKind.NoRunTimeInput, $"no float32 run-time input is left (inputs {types})" + (constantDemand != null ? "; first made constant because " + constantDemand : ""));
                    }
                    return new CaseFailure(FailureKind.Diagnostic, message, errors.Count > 0 ? errors[0].Id : "");
                }

                var model = compilation.Model;
                if (expected.Count != model.Outputs.Count)
                    return new CaseFailure(FailureKind.WrongOutput, $"{setName}: {expected.Count} output files for {model.Outputs.Count} model outputs");
                var inputValues = new float[model.Inputs.Count][];
                for (int i = 0; i < model.Inputs.Count; i++)
                {
                    int index = graphInputs.FindIndex(g => g.Name == model.Inputs[i].Name);
                    if (index < 0) return new CaseFailure(FailureKind.WrongOutput, $"the compiled model's input '{model.Inputs[i].Name}' is not a graph input");
                    inputValues[i] = inputs[index].Tensor.Floats!;
                    if (inputValues[i].Length != model.Inputs[i].Length)
                        return new CaseFailure(FailureKind.WrongOutput, $"input '{model.Inputs[i].Name}' has {inputValues[i].Length} values, the compiled model expects {model.Inputs[i].Length} {Shape(model.Inputs[i].Shape)}");
                }
                var actual = model.Run(inputValues);
                for (int o = 0; o < expected.Count; o++)
                {
                    var output = $"{setName} output {o} '{model.Outputs[o].Name}'";
                    var expectedValues = expected[o].Tensor.Floats;
                    if (expectedValues == null)
                        return new CaseFailure(FailureKind.WrongOutput, $"{output} should be {expected[o].Tensor.DataType}; the compiler produced float32 instead of reporting an error");
                    if (!SameShape(model.Outputs[o].Shape, expected[o].Tensor.Dims))
                        return new CaseFailure(FailureKind.WrongOutput, $"{output} has shape {Shape(model.Outputs[o].Shape)}, expected {Shape(expected[o].Tensor.Dims)}");
                    var mismatch = OutputComparison.Compare(actual[o], expectedValues);
                    if (mismatch != null)
                        return new CaseFailure(FailureKind.WrongOutput, $"{output}: {mismatch}");
                }
            }
            return dataSets == 0 ? new CaseFailure(FailureKind.UnsupportedTestData, "no test_data_set_* folder") : null;
        }
        catch (GeneratedCodeException ex)
        {
            return new CaseFailure(FailureKind.GeneratedCode, ex.Message);
        }
        finally
        {
            foreach (var compilation in compiled.Values) compilation.Model?.Dispose();
        }
    }

    /// <summary>Compiles once per distinct model (data sets usually share one).</summary>
    private static InProcessCompilation Compile(NodeTestCase testCase, byte[] bytes, Dictionary<string, InProcessCompilation> compiled)
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(bytes));
        if (compiled.TryGetValue(key, out var existing)) return existing;
        var options = new CompileOptions
        {
            ModelFileName = testCase.Name + "/model.onnx",
            ResourceName = InProcessModel.DefaultResourceName,
            ClassName = InProcessModel.DefaultClassName,
            Namespace = InProcessModel.DefaultNamespace,
        };
        var compilation = InProcessModel.Compile(bytes, options);
        compiled[key] = compilation;
        return compilation;
    }

    private static readonly Regex QuotedName = new("'([^']*)'", RegexOptions.CultureInvariant);
    private static readonly Regex NodeMessage = new(@"node '[^']*' \(([^)]*)\): (.*)$", RegexOptions.CultureInvariant);

    /// <summary>
    /// After a "must be a compile-time constant" error: the float graph inputs to turn into constants (the inputs
    /// the message names, or, when it names none, every input but the first) and the message that asked for it.
    /// </summary>
    private static (List<string> Names, string Demand) InputsToMakeConstant(List<CompilerDiagnostic> errors, List<OnnxValueInfo> graphInputs, IEnumerable<string> alreadyConstant)
    {
        var done = new HashSet<string>(alreadyConstant, StringComparer.Ordinal);
        var candidates = graphInputs.Select(g => g.Name).Where(n => !done.Contains(n)).ToList();
        foreach (var error in errors.Where(e => e.Message.Contains("compile-time constant", StringComparison.Ordinal) || e.Message.Contains("fold to", StringComparison.Ordinal)))
        {
            var node = NodeMessage.Match(error.Message);
            var demand = node.Success ? $"{node.Groups[1].Value}: {node.Groups[2].Value} ({error.Id})" : error.Id + ": " + error.Message;
            var named = QuotedName.Matches(error.Message).Select(m => m.Groups[1].Value).Where(candidates.Contains).Distinct().ToList();
            if (named.Count > 0) return (named, demand);
            return (candidates.Where(n => n != graphInputs[0].Name).ToList(), demand);
        }
        return (new List<string>(), "");
    }

    private static List<(StoredTensor Tensor, byte[] Bytes)> ReadTensors(string dataSet, string kind)
    {
        var tensors = new List<(StoredTensor, byte[])>();
        for (int i = 0; ; i++)
        {
            var path = Path.Combine(dataSet, $"{kind}_{i}.pb");
            if (!File.Exists(path)) return tensors;
            var bytes = File.ReadAllBytes(path);
            tensors.Add((TensorProtoReader.Read(bytes), bytes));
        }
    }

    private static bool SameShape(IReadOnlyList<int> actual, long[] expected) =>
        actual.Count == expected.Length && actual.Select(d => (long)d).SequenceEqual(expected);

    private static string Shape(IEnumerable<int> dims) => "[" + string.Join(",", dims) + "]";

    private static string Shape(IEnumerable<long> dims) => "[" + string.Join(",", dims) + "]";

    private static string FirstFrame(Exception ex)
    {
        var frame = ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim();
        return frame == null ? "" : " (" + frame + ")";
    }

    /// <summary>
    /// The operator a case is counted under: the model's only operator besides Constant; otherwise (expanded and
    /// multi-node cases) the supported operator whose snake_case name is the longest prefix of the test name
    /// (test_softmax_axis_0_expanded → Softmax); otherwise the test name's first word, e.g. "rms... (composite)" for
    /// test_rms_normalization_2d_axis0_expanded.
    /// </summary>
    public static string OperatorLabel(string testName, OnnxModel model)
    {
        var types = model.Graph.Nodes.Select(n => n.OpType).Where(t => t != "Constant").Distinct(StringComparer.Ordinal).ToList();
        if (types.Count == 0) return "Constant";
        if (types.Count == 1) return types[0];
        var bare = testName.StartsWith("test_", StringComparison.Ordinal) ? testName.Substring(5) : testName;
        var squashed = bare.Replace("_", "").ToLowerInvariant();
        var byName = OperatorRegistry.All
            .Where(op => squashed.StartsWith(op.OpType.ToLowerInvariant(), StringComparison.Ordinal))
            .OrderByDescending(op => op.OpType.Length)
            .FirstOrDefault();
        if (byName != null) return byName.OpType;
        return bare.Split('_')[0] + "... (composite)";
    }

    /// <summary>The adaptations made to run a case, collected without repeats.</summary>
    private sealed class CaseNote
    {
        private readonly List<string> _parts = new();

        public void Add(string part)
        {
            if (!_parts.Contains(part)) _parts.Add(part);
        }

        public string Text => string.Join("; ", _parts);
    }
}
